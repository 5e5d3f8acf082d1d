package provider

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", time.Hour: "1h", 8 * time.Hour: "8h", 90 * time.Minute: "90m",
		15 * time.Minute: "15m", 45 * time.Second: "45s", 3601 * time.Second: "3601s",
	} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestLoginRoleDurationKeepsSpelling(t *testing.T) {
	cases := []struct {
		vault any
		prior types.String
		want  string
	}{
		{json.Number("3600"), types.StringValue("60m"), "60m"},     // same duration: configured spelling kept
		{json.Number("3600"), types.StringValue("3600s"), "3600s"}, // same
		{json.Number("7200"), types.StringValue("1h"), "2h"},       // drift: Vault's value shows
		{json.Number("900"), types.StringNull(), "15m"},            // import: no spelling to keep
		{nil, types.StringValue("0s"), "0s"},
	}
	for _, c := range cases {
		if got := loginRoleDuration(c.vault, c.prior).ValueString(); got != c.want {
			t.Errorf("loginRoleDuration(%v, %v) = %q, want %q", c.vault, c.prior, got, c.want)
		}
	}
}

func TestLoginRoleFromVaultSplitsGroupsClaim(t *testing.T) {
	ctx := context.Background()
	data := map[string]any{
		"role_type": "jwt", "user_claim": "sub", "groups_claim": "groups", "bound_claims_type": "string",
		"bound_claims":    map[string]any{"groups": []any{"grp-1"}, "tid": []any{"tenant-a", "tenant-b"}, "email_verified": "true"},
		"bound_audiences": []any{"vault"}, "allowed_redirect_uris": nil, "oidc_scopes": nil, "token_policies": []any{},
		"token_ttl": json.Number("900"), "token_max_ttl": json.Number("28800"),
	}
	m, diags := loginRoleFromVault(data, nil, "acc-devs")
	if diags.HasError() {
		t.Fatal(diags)
	}
	extra, _ := claimsFromValue(ctx, m.BoundClaims)
	all, _ := claimsFromValue(ctx, m.EffectiveBoundClaims)
	if want := map[string][]string{"tid": {"tenant-a", "tenant-b"}, "email_verified": {"true"}}; !reflect.DeepEqual(extra, want) {
		t.Errorf("bound_claims = %v, want %v", extra, want)
	}
	if len(all) != 3 || !reflect.DeepEqual(all["groups"], []string{"grp-1"}) {
		t.Errorf("effective_bound_claims = %v, want the groups claim and both extras", all)
	}
	if m.TokenTTL.ValueString() != "15m" || m.TokenMaxTTL.ValueString() != "8h" || m.RoleName.ValueString() != "acc-devs" {
		t.Errorf("ttl/max/name = %v/%v/%v", m.TokenTTL, m.TokenMaxTTL, m.RoleName)
	}
	if len(m.OIDCScopes.Elements()) != 0 || m.OIDCScopes.IsNull() {
		t.Errorf("a null list from Vault must read as an empty list, got %v", m.OIDCScopes)
	}
}

func TestLoginRoleDataAlwaysBindsGroupID(t *testing.T) {
	ctx := context.Background()
	extra, _ := claimsValue(map[string][]string{"tid": {"tenant-a"}})
	role := &loginRoleModel{
		UserClaim: types.StringValue("sub"), GroupsClaim: types.StringValue("roles"), BoundClaims: extra,
		BoundAudiences: types.ListNull(types.StringType), AllowedRedirectURIs: types.ListNull(types.StringType),
		OIDCScopes: types.ListNull(types.StringType), TokenPolicies: types.ListNull(types.StringType),
		TokenTTL: types.StringValue("1h"), TokenMaxTTL: types.StringValue("0s"),
	}
	data, diags := loginRoleData(ctx, role, "grp-7", "jwt")
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := map[string]any{"tid": []string{"tenant-a"}, "roles": []string{"grp-7"}}
	if !reflect.DeepEqual(data["bound_claims"], want) || data["bound_claims_type"] != "string" || data["role_type"] != "jwt" {
		t.Errorf("bound claims = %v (%v, %v), want %v as exact strings", data["bound_claims"], data["bound_claims_type"], data["role_type"], want)
	}
	if data["token_ttl"] != int64(3600) || data["token_max_ttl"] != int64(0) {
		t.Errorf("ttl = %v/%v", data["token_ttl"], data["token_max_ttl"])
	}
	// Every managed field is sent, empty lists included, because Vault
	// merges role writes.
	for _, k := range []string{"bound_audiences", "allowed_redirect_uris", "oidc_scopes", "token_policies", "user_claim", "groups_claim"} {
		if _, ok := data[k]; !ok {
			t.Errorf("role write lacks %s", k)
		}
	}
}
