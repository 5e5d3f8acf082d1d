package provider

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
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
		vault int64
		prior types.String
		want  string
	}{
		{3600, types.StringValue("60m"), "60m"},     // same duration: configured spelling kept
		{3600, types.StringValue("3600s"), "3600s"}, // same
		{7200, types.StringValue("1h"), "2h"},       // drift: Vault's value shows
		{900, types.StringNull(), "15m"},            // import: no spelling to keep
		{0, types.StringValue("0s"), "0s"},
	}
	for _, c := range cases {
		if got := loginRoleDuration(c.vault, c.prior).ValueString(); got != c.want {
			t.Errorf("loginRoleDuration(%v, %v) = %q, want %q", c.vault, c.prior, got, c.want)
		}
	}
}

func TestSetLoginRoleSplitsGroupsClaim(t *testing.T) {
	ctx := context.Background()
	role := &vaultclient.JWTRole{
		RoleType: "jwt", UserClaim: "sub", GroupsClaim: "groups", BoundClaimsType: "string",
		BoundClaims:    map[string][]string{"groups": {"grp-1"}, "tid": {"tenant-a", "tenant-b"}, "email_verified": {"true"}},
		BoundAudiences: []string{"vault"}, Browser: &vaultclient.BrowserFlow{}, TokenPolicies: []string{},
		TokenTTL: 900, TokenMaxTTL: 28800,
	}
	m, diags := setLoginRole(role, nil, "acc-devs")
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

func TestLoginRoleAlwaysBindsGroupID(t *testing.T) {
	ctx := context.Background()
	extra, _ := claimsValue(map[string][]string{"tid": {"tenant-a"}})
	role := &loginRoleModel{
		UserClaim: types.StringValue("sub"), GroupsClaim: types.StringValue("roles"), BoundClaims: extra,
		BoundAudiences: types.ListNull(types.StringType), AllowedRedirectURIs: types.ListNull(types.StringType),
		OIDCScopes: types.ListNull(types.StringType), TokenPolicies: types.ListNull(types.StringType),
		TokenTTL: types.StringValue("1h"), TokenMaxTTL: types.StringValue("0s"),
	}
	got, diags := loginRole(ctx, role, "grp-7", "jwt")
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := map[string][]string{"tid": {"tenant-a"}, "roles": {"grp-7"}}
	if !reflect.DeepEqual(got.BoundClaims, want) || got.BoundClaimsType != "string" || got.RoleType != "jwt" {
		t.Errorf("bound claims = %v (%v, %v), want %v as exact strings", got.BoundClaims, got.BoundClaimsType, got.RoleType, want)
	}
	if got.TokenTTL != 3600 || got.TokenMaxTTL != 0 {
		t.Errorf("ttl = %v/%v", got.TokenTTL, got.TokenMaxTTL)
	}
	// A login role people use carries the browser flow's fields (sent even
	// when empty: vaultclient's test proves every managed field is sent).
	if got.Browser == nil || got.NoDefaultPolicy {
		t.Errorf("login role %+v: want the browser flow and the default policy", got)
	}
}
