package provider

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// environmentObjects is what a create of the stamp looks at first: the
// KV v2 mounts the environment needs (nil when absent) and the stamp.
type environmentObjects struct {
	mounts  []string
	mount   []*vaultclient.SecretsMount // mount[i] is mounts[i], nil when absent
	stamp   vaultclient.Stamp
	stamped bool
}

// stampMounts are the KV v2 mounts the environment needs: the stamp's own
// and the conventions' (once when they are the same).
func stampMounts(env naming.Env) []string {
	if kv := env.KVMount(); kv != naming.StampMount {
		return []string{naming.StampMount, kv}
	}
	return []string{naming.StampMount}
}

// observeEnvironment reads the mounts and the stamp concurrently.
func observeEnvironment(ctx context.Context, c *vaultclient.Client) (environmentObjects, error) {
	o := environmentObjects{mounts: stampMounts(c.Env())}
	o.mount = make([]*vaultclient.SecretsMount, len(o.mounts))
	g, gctx := errgroup.WithContext(ctx)
	for i, m := range o.mounts {
		g.Go(func() (err error) { o.mount[i], _, err = c.ReadSecretsMount(gctx, m); return err })
	}
	g.Go(func() (err error) { o.stamp, o.stamped, err = c.ReadStamp(gctx); return err })
	return o, g.Wait()
}

// enableKVMounts enables each mount as KV v2. One that another first apply
// enabled meanwhile is fine when it is KV v2 now.
func enableKVMounts(ctx context.Context, c *vaultclient.Client, mounts []string) error {
	for _, m := range mounts {
		err := c.EnableKVv2(ctx, m)
		if err == nil {
			continue
		}
		if got, found, rerr := c.ReadSecretsMount(ctx, m); rerr == nil && found && isKVv2(got) {
			continue
		}
		return err
	}
	return nil
}

// isKVv2 reports whether a secrets mount is KV version 2.
func isKVv2(m *vaultclient.SecretsMount) bool {
	return m.Type == "kv-v2" || (m.Type == "kv" && m.Version == "2")
}

// errStampedConcurrently is writeEnvironmentStamp's answer when another
// apply made the first stamp while this one ran.
var errStampedConcurrently = errors.New("another apply stamped this Vault while this one ran")

// writeEnvironmentStamp writes the markers first, then the stamp: a run
// that stops in between leaves marked metadata without a stamp, which the
// next apply's create completes. A first stamp (exists false) is written
// with check-and-set 0, so of two first applies at once exactly one stamps
// the Vault. On failure it returns a summary naming the write.
func writeEnvironmentStamp(ctx context.Context, c *vaultclient.Client, description string, exists bool) (string, error) {
	env := c.Env()
	meta := vaultclient.KVMetadata{DeleteVersionAfter: "0s", CustomMetadata: env.StampMarkers()}
	if err := c.WriteKVMetadata(ctx, env.StampMetadataPath(), meta); err != nil {
		return "Unable to Mark the Environment Stamp", err
	}
	data := env.Stamp(description)
	if exists {
		if err := c.WriteKVData(ctx, env.StampDataPath(), data); err != nil {
			return "Unable to Write the Environment Stamp", err
		}
		return "", nil
	}
	err := c.CreateKVData(ctx, env.StampDataPath(), data)
	var conflict *vaultclient.CASConflictError
	if !errors.As(err, &conflict) {
		if err != nil {
			return "Unable to Write the Environment Stamp", err
		}
		return "", nil
	}
	st, found, err := c.ReadStamp(ctx)
	switch {
	case err != nil:
		return "Unable to Read the Environment Stamp", err
	case !found:
		// The latest version was deleted, not written by another apply:
		// writing over it is creating the stamp.
		return writeEnvironmentStamp(ctx, c, description, true)
	}
	if _, err := c.Verdict(st, found); err != nil {
		return "Environment Mismatch", err
	}
	return "Environment Stamped Concurrently", fmt.Errorf("%w: the Vault at %s holds a stamp of environment %q at %s; run plan again (it then shows the stamp to import or adopt)", errStampedConcurrently, c.Address(), env.Name(), env.StampDataPath())
}
