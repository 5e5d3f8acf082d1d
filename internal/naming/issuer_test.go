package naming

import (
	"strings"
	"testing"
)

func TestCheckBindingTrust(t *testing.T) {
	ci := AuthTrust{BoundIssuer: "https://gitlab.internal", JWKSURL: "https://gitlab.internal/oauth/discovery/keys", PubKeys: []string{"KEY-CI"}}
	idp := AuthTrust{DiscoveryURL: "https://login.example.com/tenant/v2.0", BoundIssuer: "https://login.example.com/tenant/v2.0"}
	if err := CheckBindingTrust("oidc", idp, "jwt", ci); err != nil {
		t.Errorf("the humans' IdP: %v", err)
	}
	bad := []struct {
		binding AuthTrust
		want    string
	}{
		{AuthTrust{BoundIssuer: "https://GitLab.internal/"}, "the issuer of the deploy roles' mount"},
		{AuthTrust{DiscoveryURL: "https://gitlab.internal/.well-known/openid-configuration"}, "the issuer of the deploy roles' mount"},
		{AuthTrust{JWKSURL: "https://gitlab.internal/oauth/discovery/keys"}, "the issuer of the deploy roles' mount"},
		{AuthTrust{PubKeys: []string{"KEY-IDP", "KEY-CI"}}, "a public key of the deploy roles' mount"},
		{AuthTrust{BoundIssuer: "https://token.actions.githubusercontent.com"}, "GitHub Actions"},
		{AuthTrust{DiscoveryURL: "https://gitlab.com"}, "GitLab.com"},
	}
	for _, c := range bad {
		if err := CheckBindingTrust("ci-groups", c.binding, "jwt", ci); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.binding, err, c.want)
		}
	}
}
