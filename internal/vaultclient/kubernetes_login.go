package vaultclient

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// LoginKubernetes logs in at auth/<mount>/login through role with a
// service-account token (the CA syncer's projected token) and uses the
// client token from then on. It returns how long Vault lets that token
// live, so the caller logs in again before it expires.
func (c *Client) LoginKubernetes(ctx context.Context, mount, role, jwt string) (time.Duration, error) {
	path := naming.AuthLoginPath(mount)
	c.api.ClearToken()
	var s *api.Secret
	err := c.do(ctx, "login", path, func(ctx context.Context) (err error) {
		s, err = c.api.Logical().WriteWithContext(ctx, path, map[string]any{"role": role, "jwt": jwt})
		return err
	})
	var verr *Error
	if errors.As(err, &verr) && verr.Status >= 400 && verr.Status < 500 {
		verr.Hint = fmt.Sprintf("The Kubernetes auth role %q on mount %q must exist and be bound to this pod's service account and namespace", role, mount)
	}
	if err != nil {
		return 0, err
	}
	if s == nil || s.Auth == nil || s.Auth.ClientToken == "" {
		return 0, &Error{Op: "login", Path: path, Messages: []string{"Vault returned no client token"}}
	}
	c.api.SetToken(s.Auth.ClientToken)
	return time.Duration(s.Auth.LeaseDuration) * time.Second, nil
}
