package vaultclient

import (
	"context"
	"fmt"
)

// JWTRole is the managed part of a JWT/OIDC auth role: a group binding's
// login role or a CI deploy role.
type JWTRole struct {
	RoleType        string // "jwt" or "oidc"
	UserClaim       string
	GroupsClaim     string
	BoundAudiences  []string
	BoundClaimsType string
	BoundClaims     map[string][]string
	TokenTTL        int64 // seconds, 0 = the mount's default
	TokenMaxTTL     int64 // seconds, 0 = the mount's default
	TokenPolicies   []string
	// Browser is set for a login role people use: the browser flow's
	// redirect URIs and scopes. A deploy role has none.
	Browser *BrowserFlow
	// NoDefaultPolicy is sent (as true) only when set: deploy tokens hold
	// their one policy and nothing else.
	NoDefaultPolicy bool
}

// BrowserFlow is a login role's browser-flow settings.
type BrowserFlow struct {
	AllowedRedirectURIs []string
	OIDCScopes          []string
}

// ReadJWTRole reads a JWT/OIDC auth role at path (naming's AuthRolePath);
// found is false on 404. Browser is always set: a read cannot tell a login
// role from a deploy role, the caller ignores what it does not manage.
func (c *Client) ReadJWTRole(ctx context.Context, path string) (*JWTRole, bool, error) {
	data, found, err := c.ReadRole(ctx, path)
	if err != nil || !found {
		return nil, false, err
	}
	noDefault, _ := data["token_no_default_policy"].(bool)
	return &JWTRole{
		RoleType:        AsString(data["role_type"]),
		UserClaim:       AsString(data["user_claim"]),
		GroupsClaim:     AsString(data["groups_claim"]),
		BoundAudiences:  AsStrings(data["bound_audiences"]),
		BoundClaimsType: AsString(data["bound_claims_type"]),
		BoundClaims:     boundClaims(data["bound_claims"]),
		TokenTTL:        AsInt(data["token_ttl"]),
		TokenMaxTTL:     AsInt(data["token_max_ttl"]),
		TokenPolicies:   AsStrings(data["token_policies"]),
		Browser: &BrowserFlow{
			AllowedRedirectURIs: AsStrings(data["allowed_redirect_uris"]),
			OIDCScopes:          AsStrings(data["oidc_scopes"]),
		},
		NoDefaultPolicy: noDefault,
	}, true, nil
}

// WriteJWTRole writes every managed field, including the empty ones,
// because Vault merges a role write into the existing role: a field left
// out would keep an out-of-band value. It sends nothing else, so a policy
// that allows exactly these parameters lets it through.
func (c *Client) WriteJWTRole(ctx context.Context, path string, r JWTRole) error {
	return c.WriteRole(ctx, path, r.data())
}

func (r JWTRole) data() map[string]any {
	claims := make(map[string]any, len(r.BoundClaims))
	for k, v := range r.BoundClaims {
		claims[k] = v
	}
	data := map[string]any{
		"role_type":         r.RoleType,
		"user_claim":        r.UserClaim,
		"groups_claim":      r.GroupsClaim,
		"bound_audiences":   nonNil(r.BoundAudiences),
		"bound_claims_type": r.BoundClaimsType,
		"bound_claims":      claims,
		"token_ttl":         r.TokenTTL,
		"token_max_ttl":     r.TokenMaxTTL,
		"token_policies":    nonNil(r.TokenPolicies),
	}
	if r.Browser != nil {
		data["allowed_redirect_uris"] = nonNil(r.Browser.AllowedRedirectURIs)
		data["oidc_scopes"] = nonNil(r.Browser.OIDCScopes)
	}
	if r.NoDefaultPolicy {
		data["token_no_default_policy"] = true
	}
	return data
}

// nonNil sends an empty list as [] rather than null, which Vault would
// ignore and so keep an out-of-band value.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// boundClaims converts Vault's bound_claims, whose values are a string or
// a list of strings.
func boundClaims(v any) map[string][]string {
	raw, _ := v.(map[string]any)
	out := make(map[string][]string, len(raw))
	for k, x := range raw {
		switch val := x.(type) {
		case []any:
			out[k] = make([]string, 0, len(val))
			for _, e := range val {
				out[k] = append(out[k], fmt.Sprint(e))
			}
		default:
			out[k] = []string{fmt.Sprint(val)}
		}
	}
	return out
}
