package vaultclient

import (
	"context"
	"strings"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// AuthMount describes an enabled auth method.
type AuthMount struct {
	Type     string
	Accessor string
}

// ReadAuthMount reads sys/auth/<mount>, once per run; found is false when
// not enabled.
func (c *Client) ReadAuthMount(ctx context.Context, mount string) (*AuthMount, bool, error) {
	v, err := c.cached(ctx, "sys/auth:"+mount, func(ctx context.Context) (any, error) {
		m, found, err := c.readAuthMount(ctx, mount)
		if !found {
			m = nil
		}
		return m, err
	})
	m, _ := v.(*AuthMount)
	return m, m != nil, err
}

func (c *Client) readAuthMount(ctx context.Context, mount string) (*AuthMount, bool, error) {
	path := naming.AuthMountPath(mount)
	s, err := c.read(ctx, path)
	// Vault answers 400 "No auth engine at ..." for a mount that is not enabled.
	if StatusOf(err) == 400 && strings.Contains(strings.ToLower(err.Error()), "no auth engine") {
		return nil, false, nil
	}
	if err != nil || s == nil {
		return nil, false, err
	}
	return &AuthMount{Type: AsString(s.Data["type"]), Accessor: AsString(s.Data["accessor"])}, true, nil
}

// ReadRole reads an auth role (any method) as Vault returns it; found is
// false on 404.
func (c *Client) ReadRole(ctx context.Context, path string) (map[string]any, bool, error) {
	s, err := c.read(ctx, path)
	if err != nil || s == nil {
		return nil, false, err
	}
	return s.Data, true, nil
}

// WriteRole writes an auth role. Vault merges role writes into the existing
// role, so callers always send the full managed field set.
func (c *Client) WriteRole(ctx context.Context, path string, data map[string]any) error {
	_, err := c.write(ctx, path, data)
	return err
}

// DeleteRole deletes an auth role; a missing role is not an error.
func (c *Client) DeleteRole(ctx context.Context, path string) error {
	return c.remove(ctx, path)
}
