package vaultclient

import (
	"context"
	"strings"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// SecretsMount describes an enabled secrets engine.
type SecretsMount struct {
	Type    string
	Version string // options.version, "2" for KV v2
}

// ReadSecretsMount reads sys/mounts/<mount>; found is false when absent.
func (c *Client) ReadSecretsMount(ctx context.Context, mount string) (*SecretsMount, bool, error) {
	s, err := c.read(ctx, naming.SecretsMountPath(mount))
	if StatusOf(err) == 400 && strings.Contains(strings.ToLower(err.Error()), "no secret engine") {
		return nil, false, nil
	}
	if err != nil || s == nil {
		return nil, false, err
	}
	opts := AsStringMap(s.Data["options"])
	return &SecretsMount{Type: AsString(s.Data["type"]), Version: opts["version"]}, true, nil
}

// EnableKVv2 enables a KV v2 secrets engine at mount.
func (c *Client) EnableKVv2(ctx context.Context, mount string) error {
	_, err := c.write(ctx, naming.SecretsMountPath(mount), map[string]any{
		"type":        "kv",
		"description": "KV v2 mount created by vaultboot",
		"options":     map[string]any{"version": "2"},
	})
	return err
}
