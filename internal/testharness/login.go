package testharness

import (
	"errors"

	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// login posts data to auth/<mount>/login from a client without a token, as an
// application or a human would.
func (v *Vault) login(mount string, data map[string]any) (*api.Secret, error) {
	client, err := v.Client.Clone()
	if err != nil {
		return nil, err
	}
	client.ClearToken()
	secret, err := client.Logical().Write(naming.AuthLoginPath(mount), data)
	if err != nil {
		return nil, err
	}
	if secret == nil || secret.Auth == nil {
		return nil, errors.New("login at " + naming.AuthLoginPath(mount) + " returned no auth")
	}
	return secret, nil
}
