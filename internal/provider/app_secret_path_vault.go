package provider

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// appObjects is what Vault holds for an app; nil means absent.
type appObjects struct {
	meta     *vaultclient.KVMetadata
	readDoc  *string
	writeDoc *string
	role     *vaultclient.KubernetesRole
}

// observeApp reads the app's four objects concurrently: one refresh costs
// exactly these four requests (plus the environment stamp, once per run).
func observeApp(ctx context.Context, c *vaultclient.Client, app naming.App) (appObjects, error) {
	var o appObjects
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		m, found, err := c.ReadKVMetadata(ctx, app.MetadataPath())
		if found {
			o.meta = m
		}
		return err
	})
	g.Go(func() error { return readPolicy(ctx, c, app.ReadPolicyName(), &o.readDoc) })
	g.Go(func() error { return readPolicy(ctx, c, app.WritePolicyName(), &o.writeDoc) })
	g.Go(func() error {
		r, found, err := c.ReadKubernetesRole(ctx, app.KubernetesRolePath())
		if found {
			o.role = r
		}
		return err
	})
	return o, g.Wait()
}

func readPolicy(ctx context.Context, c *vaultclient.Client, name string, dst **string) error {
	doc, found, err := c.ReadPolicy(ctx, name)
	if found {
		*dst = &doc
	}
	return err
}

// ownsPolicy reports whether a policy document carries this app's header.
func ownsPolicy(doc *string, app naming.App) bool {
	return doc != nil && naming.PolicyOwner(*doc) == app.Owner()
}

// roleIsOurs: Vault roles carry no metadata, so a role is the app's when it
// grants exactly the app's read policy and that policy is the app's.
func (o appObjects) roleIsOurs(app naming.App) bool {
	return o.role != nil && len(o.role.TokenPolicies) == 1 &&
		o.role.TokenPolicies[0] == app.ReadPolicyName() && ownsPolicy(o.readDoc, app)
}

// judged is every object the app's names hold, with whose it is. KV
// metadata marked as removed by the same app counts as the app's: creating
// the conventions again after a destroy picks the kept secret up. The role
// carries no marks: Foreign when it is not the app's (withRole), otherwise
// it goes with the read policy it grants.
func (o appObjects) judged(env naming.Env, app naming.App, withRole bool) []existingObject {
	var out []existingObject
	if o.meta != nil {
		out = append(out, existingObject{what: fmt.Sprintf("the KV secret %s (metadata at %s)", app.LogicalPath(), app.MetadataPath()), verdict: env.JudgeMetadata(app.Owner(), o.meta.CustomMetadata)})
	}
	policies := []struct {
		name string
		doc  *string
	}{{app.ReadPolicyName(), o.readDoc}, {app.WritePolicyName(), o.writeDoc}}
	for _, p := range policies {
		if p.doc != nil {
			out = append(out, existingObject{what: fmt.Sprintf("the policy %q (%s)", p.name, naming.PolicyPath(p.name)), verdict: env.JudgePolicy(app.Owner(), *p.doc)})
		}
	}
	if withRole && o.role != nil && !o.roleIsOurs(app) {
		out = append(out, existingObject{what: fmt.Sprintf("the Kubernetes auth role %q (%s)", app.KubernetesRoleName(), app.KubernetesRolePath()), verdict: naming.Verdict{Claim: naming.Foreign}})
	}
	return out
}

// gone reports whether the app's conventions no longer exist: both policies
// and (when managed) the role are absent. The KV metadata is the secret's
// kept home, not the anchor: it outlives a destroy on purpose. An import
// needs any one object: a kept secret whose policies were destroyed is
// imported, and the plan writes the rest.
func (o appObjects) gone(withRole, importing bool) bool {
	if importing {
		return o.meta == nil && o.readDoc == nil && o.writeDoc == nil && o.role == nil
	}
	return o.readDoc == nil && o.writeDoc == nil && (!withRole || o.role == nil)
}

// writeApp writes the marked objects (policies, KV metadata) concurrently,
// then the role, which has no marks and counts as the app's only through
// its read policy: a run that stops in between leaves objects the next
// create recognises as its own. With removeRole (the kubernetes block was
// removed) it deletes the role instead.
func writeApp(ctx context.Context, c *vaultclient.Client, app naming.App, d appDesired, removeRole bool) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return c.WritePolicy(gctx, app.ReadPolicyName(), app.ReadPolicy()) })
	g.Go(func() error { return c.WritePolicy(gctx, app.WritePolicyName(), app.WritePolicy()) })
	g.Go(func() error { return c.WriteKVMetadata(gctx, app.MetadataPath(), d.meta) })
	if err := g.Wait(); err != nil {
		return err
	}
	switch {
	case d.role != nil:
		err := c.WriteKubernetesRole(ctx, app.KubernetesRolePath(), *d.role)
		if vaultclient.StatusOf(err) == http.StatusNotFound {
			return fmt.Errorf("%w; no Kubernetes auth method is enabled there: enable it on the mount the provider's conventions.kubernetes_auth_mount names (default \"kubernetes\") first", err)
		}
		return err
	case removeRole:
		return c.DeleteRole(ctx, app.KubernetesRolePath())
	}
	return nil
}

// deleteApp removes the policies and (when managed) the role, and keeps the
// secret: its metadata gets the removed marker, or with purge it is deleted
// with every version. Metadata that is not the app's is left alone, and the
// returned warning says so.
func deleteApp(ctx context.Context, c *vaultclient.Client, app naming.App, withRole, purge bool, now time.Time) (warning string, err error) {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return c.DeletePolicy(gctx, app.ReadPolicyName()) })
	g.Go(func() error { return c.DeletePolicy(gctx, app.WritePolicyName()) })
	if withRole {
		g.Go(func() error { return c.DeleteRole(gctx, app.KubernetesRolePath()) })
	}
	g.Go(func() error {
		meta, found, err := c.ReadKVMetadata(gctx, app.MetadataPath())
		switch {
		case err != nil || !found:
			return err
		case !naming.IsMarked(meta.CustomMetadata, app.Owner()):
			warning = fmt.Sprintf("The KV secret %s is no longer marked as vaultboot's for %s, so destroy neither marked nor purged it.", app.LogicalPath(), app.Owner())
			return nil
		case purge:
			return c.PurgeKVMetadata(gctx, app.MetadataPath())
		}
		meta.CustomMetadata[naming.RemovedKey] = now.UTC().Format(time.RFC3339)
		return c.WriteKVMetadata(gctx, app.MetadataPath(), *meta)
	})
	return warning, g.Wait()
}
