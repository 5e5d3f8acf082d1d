package vaultclient

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// OldestSupportedVault is the oldest Vault release vaultboot is tested
// against; CheckServer refuses anything older.
const OldestSupportedVault = "1.13.0"

// Version is a server's release as sys/seal-status reports it.
type Version struct {
	Major, Minor, Patch int
	// Raw is the reported string ("1.21.4", "1.15.2+ent"), for messages.
	Raw string
}

// ParseVersion reads "MAJOR.MINOR.PATCH" with an optional leading "v" and
// any pre-release ("-rc1") or build ("+ent") suffix.
func ParseVersion(s string) (Version, error) {
	core := strings.TrimPrefix(s, "v")
	if i := strings.IndexAny(core, "-+ "); i >= 0 {
		core = core[:i]
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return Version{}, fmt.Errorf("version %q is not MAJOR.MINOR.PATCH", s)
	}
	n := make([]int, 3)
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return Version{}, fmt.Errorf("version %q is not MAJOR.MINOR.PATCH", s)
		}
		n[i] = v
	}
	return Version{Major: n[0], Minor: n[1], Patch: n[2], Raw: s}, nil
}

// AtLeast reports whether v is the release major.minor.patch or later.
func (v Version) AtLeast(major, minor, patch int) bool {
	if v.Major != major {
		return v.Major > major
	}
	if v.Minor != minor {
		return v.Minor > minor
	}
	return v.Patch >= patch
}

// UnsupportedVersionError means the server is older than the oldest release
// vaultboot is tested against, or reports a version it cannot read.
type UnsupportedVersionError struct {
	Address  string
	Reported string
	Reason   string // set when the version could not be read
}

func (e *UnsupportedVersionError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("the server at %s reports a version vaultboot cannot read (%s): vaultboot needs Vault %s or later; check that the address points at Vault itself, not a proxy that rewrites %s", e.Address, e.Reason, OldestSupportedVault, naming.SealStatusPath)
	}
	return fmt.Sprintf("the Vault at %s is version %s, older than %s, the oldest release vaultboot supports: upgrade Vault to %s or later", e.Address, e.Reported, OldestSupportedVault, OldestSupportedVault)
}

// server caches the server's version for the provider run: it does not
// change under one run, and every check after the first is free.
type server struct {
	mu      sync.Mutex
	version *Version
}

// ServerVersion reads the server's version from sys/seal-status
// (unauthenticated, asked of the root namespace, answered sealed or not)
// once per client.
func (c *Client) ServerVersion(ctx context.Context) (Version, error) {
	c.server.mu.Lock()
	defer c.server.mu.Unlock()
	if c.server.version != nil {
		return *c.server.version, nil
	}
	root := c.api.WithNamespace("")
	var s *api.SealStatusResponse
	err := c.do(ctx, "read", naming.SealStatusPath, func(ctx context.Context) (err error) {
		s, err = root.Sys().SealStatusWithContext(ctx)
		return err
	})
	if err != nil {
		return Version{}, err
	}
	v, err := ParseVersion(s.Version)
	if err != nil {
		return Version{}, &UnsupportedVersionError{Address: c.Address(), Reported: s.Version, Reason: err.Error()}
	}
	c.server.version = &v
	return v, nil
}

// CheckServer refuses a server older than OldestSupportedVault. The
// provider calls it at configure time, before any resource reads or plans.
func (c *Client) CheckServer(ctx context.Context) (Version, error) {
	v, err := c.ServerVersion(ctx)
	if err != nil {
		return v, err
	}
	oldest, _ := ParseVersion(OldestSupportedVault)
	supported := v.AtLeast(oldest.Major, oldest.Minor, oldest.Patch)
	tflog.Debug(ctx, "Vault server version", map[string]any{"version": v.Raw, "supported": supported})
	if !supported {
		return v, &UnsupportedVersionError{Address: c.Address(), Reported: v.Raw}
	}
	return v, nil
}
