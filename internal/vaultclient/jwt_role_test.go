package vaultclient

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"
)

// A role write sends every managed field, empty lists as [] (Vault merges
// role writes and ignores null), and nothing else: a policy that allows
// exactly the provider's fields must let it through.
func TestJWTRoleDataSendsTheManagedFieldsOnly(t *testing.T) {
	login := JWTRole{RoleType: "oidc", UserClaim: "sub", GroupsClaim: "groups", BoundClaimsType: "string",
		BoundClaims: map[string][]string{"groups": {"g"}}, Browser: &BrowserFlow{}}
	want := []string{"allowed_redirect_uris", "bound_audiences", "bound_claims", "bound_claims_type", "groups_claim",
		"oidc_scopes", "role_type", "token_max_ttl", "token_policies", "token_ttl", "user_claim"}
	if got := sortedKeys(login.data()); !reflect.DeepEqual(got, want) {
		t.Errorf("login role sends %v, want %v", got, want)
	}
	for _, k := range []string{"bound_audiences", "token_policies", "allowed_redirect_uris", "oidc_scopes"} {
		if l, ok := login.data()[k].([]string); !ok || l == nil {
			t.Errorf("%s sent as %#v, want []", k, login.data()[k])
		}
	}
	deploy := JWTRole{RoleType: "jwt", UserClaim: "sub", NoDefaultPolicy: true, TokenPolicies: []string{"p"}}
	d := deploy.data()
	if _, ok := d["allowed_redirect_uris"]; ok || d["token_no_default_policy"] != true {
		t.Errorf("deploy role sends %v: no browser flow, token_no_default_policy = true", sortedKeys(d))
	}
}

func TestReadBoundClaimsStringOrList(t *testing.T) {
	got := boundClaims(map[string]any{"a": []any{"x", "y"}, "b": "z", "c": json.Number("1")})
	want := map[string][]string{"a": {"x", "y"}, "b": {"z"}, "c": {"1"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("boundClaims = %v, want %v", got, want)
	}
}

func sortedKeys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}
