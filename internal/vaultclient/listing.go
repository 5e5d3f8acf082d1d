package vaultclient

import (
	"context"

	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// list returns the keys under path; none when Vault answers 404 (nothing
// there).
func (c *Client) list(ctx context.Context, path string) ([]string, error) {
	var s *api.Secret
	err := c.do(ctx, "list", path, func(ctx context.Context) (err error) {
		s, err = c.api.Logical().ListWithContext(ctx, path)
		return err
	})
	if StatusOf(err) == 404 || err != nil || s == nil {
		if StatusOf(err) == 404 {
			err = nil
		}
		return nil, err
	}
	return AsStrings(s.Data["keys"]), nil
}

// ListRoles lists the role names on an auth mount.
func (c *Client) ListRoles(ctx context.Context, mount string) ([]string, error) {
	return c.list(ctx, naming.AuthRoleListPath(mount))
}

// ListPolicies lists the ACL policy names.
func (c *Client) ListPolicies(ctx context.Context) ([]string, error) {
	return c.list(ctx, naming.PolicyListPath())
}

// ReadAuthTrust reads what a JWT/OIDC auth mount trusts from its config;
// found is false when the mount has no config yet.
func (c *Client) ReadAuthTrust(ctx context.Context, mount string) (naming.AuthTrust, bool, error) {
	s, err := c.read(ctx, naming.AuthConfigPath(mount))
	if err != nil || s == nil {
		return naming.AuthTrust{}, false, err
	}
	return naming.AuthTrust{
		BoundIssuer:  AsString(s.Data["bound_issuer"]),
		DiscoveryURL: AsString(s.Data["oidc_discovery_url"]),
		JWKSURL:      AsString(s.Data["jwks_url"]),
		PubKeys:      AsStrings(s.Data["jwt_validation_pubkeys"]),
	}, true, nil
}
