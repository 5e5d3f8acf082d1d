package vaultclient

import (
	"context"
)

// KubernetesRole is the managed part of a Kubernetes auth role: who may log
// in and what token they get.
type KubernetesRole struct {
	ServiceAccountNames []string
	Namespaces          []string
	Audience            string // "" when the role checks no audience
	TokenTTL            int64  // seconds, 0 = the mount's default
	TokenMaxTTL         int64  // seconds, 0 = the mount's default
	TokenPolicies       []string
}

// ReadKubernetesRole reads a Kubernetes auth role at path (naming's
// AuthRolePath); found is false on 404.
func (c *Client) ReadKubernetesRole(ctx context.Context, path string) (*KubernetesRole, bool, error) {
	data, found, err := c.ReadRole(ctx, path)
	if err != nil || !found {
		return nil, false, err
	}
	return &KubernetesRole{
		ServiceAccountNames: AsStrings(data["bound_service_account_names"]),
		Namespaces:          AsStrings(data["bound_service_account_namespaces"]),
		Audience:            AsString(data["audience"]),
		TokenTTL:            AsInt(data["token_ttl"]),
		TokenMaxTTL:         AsInt(data["token_max_ttl"]),
		TokenPolicies:       AsStrings(data["token_policies"]),
	}, true, nil
}

// WriteKubernetesRole writes every managed field, including the empty ones,
// because Vault merges a role write into the existing role: a field left out
// would keep an out-of-band value.
func (c *Client) WriteKubernetesRole(ctx context.Context, path string, r KubernetesRole) error {
	return c.WriteRole(ctx, path, map[string]any{
		"bound_service_account_names":      r.ServiceAccountNames,
		"bound_service_account_namespaces": r.Namespaces,
		"audience":                         r.Audience,
		"token_ttl":                        r.TokenTTL,
		"token_max_ttl":                    r.TokenMaxTTL,
		"token_policies":                   r.TokenPolicies,
	})
}
