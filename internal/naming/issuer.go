package naming

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// AuthTrust is what a JWT/OIDC auth mount's config trusts: its issuer and
// where it gets keys.
type AuthTrust struct {
	BoundIssuer  string
	DiscoveryURL string
	JWKSURL      string
	PubKeys      []string
}

// multiTenantHosts are CI issuers whose ID tokens any of their users can
// get for a workflow of their own: a mount trusting one of them trusts
// every repository on the service.
var multiTenantHosts = map[string]string{
	"token.actions.githubusercontent.com": "GitHub Actions",
	"gitlab.com":                          "GitLab.com",
}

// issuers are the normalised issuer and key URLs of t: lowercase scheme
// and host, no trailing slash, no well-known suffix, so one issuer spelled
// two ways compares equal.
func (t AuthTrust) issuers() []string {
	var out []string
	for _, s := range []string{t.BoundIssuer, t.DiscoveryURL, t.JWKSURL} {
		if s = normaliseIssuer(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func normaliseIssuer(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return strings.TrimRight(s, "/")
	}
	p := strings.TrimRight(u.Path, "/")
	for _, suffix := range []string{"/.well-known/openid-configuration", "/.well-known/jwks", "/oauth/discovery/keys", "/-/jwks"} {
		p = strings.TrimSuffix(p, suffix)
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + p
}

// CheckBindingTrust refuses a group binding mount that trusts the CI (the
// deploy roles' mount's issuer or keys) or a multi-tenant CI issuer: a
// pipeline that may write login roles, groups and aliases there could
// bind its own ID token, or any repository's on the service, to a group
// with any policy and log in with it.
func CheckBindingTrust(mount string, binding AuthTrust, jwtMount string, deploy AuthTrust) error {
	ours := binding.issuers()
	for _, i := range ours {
		if slices.Contains(deploy.issuers(), i) {
			return fmt.Errorf("the binding mount %q trusts %s, the issuer of the deploy roles' mount %q: a pipeline could bind its own ID token to a group and log in with it as anyone; bind only the humans' IdP groups, on a mount that trusts the IdP and not the CI", mount, i, jwtMount)
		}
		if u, err := url.Parse(i); err == nil {
			if name, ok := multiTenantHosts[u.Hostname()]; ok {
				return fmt.Errorf("the binding mount %q trusts %s (%s), whose ID tokens any of its users can get for a workflow of their own: a pipeline could bind any repository on the service to a group and log in with it; bind only the humans' IdP groups", mount, i, name)
			}
		}
	}
	for _, k := range binding.PubKeys {
		if slices.Contains(deploy.PubKeys, k) {
			return fmt.Errorf("the binding mount %q trusts a public key of the deploy roles' mount %q: a pipeline could bind its own ID token to a group and log in with it; bind only the humans' IdP groups, on a mount that trusts the IdP and not the CI", mount, jwtMount)
		}
	}
	return nil
}
