package provider

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// The access proof logs in as IdP group members through a JWT auth mount
// whose signing key the test holds, instead of reading the
// binding's configuration back. The apps' policies come from
// vaultboot_app_secret_path, as in an environment project.
const (
	proofMount    = "bindproof"
	proofGroupID  = "grp-oidcproof-devs"
	proofAudience = "vaultboot-acc"
	proofOpenRole = "oidcproof-open" // a plain role with groups_claim, not managed by the binding
)

// proofLogin signs a token for sub with the given groups and logs in
// through role; it returns the login's auth or Vault's refusal.
func proofLogin(t *testing.T, signer *testharness.JWTSigner, role, sub string, groups []string) (*api.SecretAuth, error) {
	t.Helper()
	claims := map[string]any{"sub": sub, "aud": proofAudience}
	if groups != nil {
		claims["groups"] = groups
	}
	s, err := testharness.Shared(t).LoginJWT(proofMount, role, signer.Sign(t, claims))
	if err != nil {
		return nil, err
	}
	return s.Auth, nil
}

// proofWrite writes a secret version at app's data path as token and
// returns Vault's HTTP status (200 or 204 when allowed).
func proofWrite(t *testing.T, token string, app naming.App) int {
	t.Helper()
	c := testharness.Shared(t).ClientWithToken(t, token)
	_, err := c.Logical().Write(app.DataPath(), map[string]any{"data": map[string]any{"PROOF": "written-by-" + token[:8]}})
	var re *api.ResponseError
	switch {
	case err == nil:
		return http.StatusOK
	case errors.As(err, &re):
		return re.StatusCode
	}
	t.Fatalf("write %s: %v", app.DataPath(), err)
	return 0
}

// TestAccOIDCGroupBinding_accessProof: a member of the IdP group gets the
// binding's policies and can write its app's secret and no other app's; a
// non-member gets none of them; with login_role a non-member cannot log in;
// after destroy the member has lost the access.
func TestAccOIDCGroupBinding_accessProof(t *testing.T) {
	v := testharness.Shared(t)
	signer := testharness.NewJWTSigner(t)
	v.ConfigureJWTAuth(t, proofMount, signer)
	v.Write(t, naming.AuthRolePath(proofMount, proofOpenRole), map[string]any{
		"role_type": "jwt", "user_claim": "sub", "groups_claim": "groups",
		"bound_audiences": []string{proofAudience}, "token_ttl": 300,
	})
	own, other := testAccApp(t, "oidcproof"), testAccApp(t, "oidcproof-other")
	b := bindingNames(t, "devs-oidcproof")
	// The binding grants the write policy of app oidcproof, as an
	// environment project would wire the two resources together.
	config := testAccConfig(t, fmt.Sprintf(`
resource "vaultboot_app_secret_path" "own" {
  app              = %q
  purge_on_destroy = true
}

resource "vaultboot_app_secret_path" "other" {
  app              = %q
  purge_on_destroy = true
}

resource "vaultboot_oidc_group_binding" "test" {
  name       = %q
  group_id   = %q
  policies   = [vaultboot_app_secret_path.own.write_policy]
  auth_mount = %q

  login_role {
    groups_claim    = "groups"
    bound_audiences = [%q]
    token_ttl       = "5m"
  }
}
`, own.Name(), other.Name(), b.Name(), proofGroupID, proofMount, proofAudience))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// Destroying the binding takes the access away again.
		CheckDestroy: func(*terraform.State) error {
			auth, err := proofLogin(t, signer, proofOpenRole, "alice-after-destroy", []string{proofGroupID})
			if err != nil {
				return fmt.Errorf("member login after destroy: %w", err)
			}
			status := proofWrite(t, auth.ClientToken, own)
			t.Logf("access proof: member after destroy via role %s: identity_policies=%v; write %s -> HTTP %d", proofOpenRole, auth.IdentityPolicies, own.DataPath(), status)
			if len(auth.IdentityPolicies) != 0 || status != http.StatusForbidden {
				return fmt.Errorf("member kept access after destroy: identity policies %v, write HTTP %d", auth.IdentityPolicies, status)
			}
			if _, err := proofLogin(t, signer, b.LoginRoleName(), "alice-after-destroy", []string{proofGroupID}); err == nil {
				return fmt.Errorf("login role %s still admits members after destroy", b.LoginRoleName())
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeTestCheckFunc(
				proofMember(t, signer, proofOpenRole, own, other),
				proofNonMember(t, signer, own),
				proofMember(t, signer, b.LoginRoleName(), own, other),
				proofLoginRefused(t, signer, b.LoginRoleName()),
			),
		}},
	})
}

// proofMember: a token whose groups claim holds group_id gets the binding's
// policy as an identity policy, writes its app's secret and is denied the
// other app's.
func proofMember(t *testing.T, signer *testharness.JWTSigner, role string, own, other naming.App) resource.TestCheckFunc {
	return func(*terraform.State) error {
		auth, err := proofLogin(t, signer, role, "alice-"+role, []string{"grp-unrelated", proofGroupID})
		if err != nil {
			return fmt.Errorf("member login through role %s refused: %w", role, err)
		}
		t.Logf("access proof: member via role %s: login allowed, identity_policies=%v token_policies=%v", role, auth.IdentityPolicies, auth.TokenPolicies)
		if !slices.Contains(auth.IdentityPolicies, own.WritePolicyName()) {
			return fmt.Errorf("member's identity policies %v lack %s", auth.IdentityPolicies, own.WritePolicyName())
		}
		ownStatus, otherStatus := proofWrite(t, auth.ClientToken, own), proofWrite(t, auth.ClientToken, other)
		ownCaps := testharness.Shared(t).Capabilities(t, auth.ClientToken, own.DataPath())
		otherCaps := testharness.Shared(t).Capabilities(t, auth.ClientToken, other.DataPath())
		t.Logf("access proof: member via role %s: write %s -> HTTP %d (capabilities %v); write %s -> HTTP %d (capabilities %v)",
			role, own.DataPath(), ownStatus, ownCaps, other.DataPath(), otherStatus, otherCaps)
		if ownStatus != http.StatusOK || !slices.Contains(ownCaps, "update") {
			return fmt.Errorf("member could not write %s: HTTP %d, capabilities %v", own.DataPath(), ownStatus, ownCaps)
		}
		if otherStatus != http.StatusForbidden || !slices.Equal(otherCaps, []string{"deny"}) {
			return fmt.Errorf("member could write another app's %s: HTTP %d, capabilities %v", other.DataPath(), otherStatus, otherCaps)
		}
		return nil
	}
}

// proofNonMember: through a role that admits any group, a token without
// group_id logs in but gets none of the binding's policies.
func proofNonMember(t *testing.T, signer *testharness.JWTSigner, own naming.App) resource.TestCheckFunc {
	return func(*terraform.State) error {
		auth, err := proofLogin(t, signer, proofOpenRole, "bob", []string{"grp-unrelated"})
		if err != nil {
			return fmt.Errorf("non-member login through the open role refused: %w", err)
		}
		status := proofWrite(t, auth.ClientToken, own)
		t.Logf("access proof: non-member via role %s: login allowed, identity_policies=%v token_policies=%v; write %s -> HTTP %d",
			proofOpenRole, auth.IdentityPolicies, auth.TokenPolicies, own.DataPath(), status)
		if len(auth.IdentityPolicies) != 0 {
			return fmt.Errorf("non-member got identity policies %v", auth.IdentityPolicies)
		}
		if status != http.StatusForbidden {
			return fmt.Errorf("non-member wrote %s: HTTP %d", own.DataPath(), status)
		}
		return nil
	}
}

// proofLoginRefused: the binding's login role refuses tokens without
// group_id (other groups, or no groups claim at all).
func proofLoginRefused(t *testing.T, signer *testharness.JWTSigner, role string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		// Refused for the groups claim, not for some other reason. Without
		// any groups claim Vault already fails to read the groups (a role
		// with groups_claim refuses that too); an empty or foreign list is
		// refused by the bound claim.
		mismatch := regexp.MustCompile(`claim "groups" does not match any associated bound claim values`)
		cases := []struct {
			name   string
			groups []string
			want   *regexp.Regexp
		}{
			{"other groups", []string{"grp-unrelated", "grp-oidcproof-devs-x"}, mismatch},
			{"empty groups", []string{}, mismatch},
			{"no groups claim", nil, regexp.MustCompile(`"groups" claim not found in token|claim "groups" is missing`)},
		}
		for _, c := range cases {
			auth, err := proofLogin(t, signer, role, "mallory", c.groups)
			t.Logf("access proof: non-member (%s: %v) via login role %s: login refused: %v", c.name, c.groups, role, err)
			if err == nil {
				return fmt.Errorf("login role %s admitted a token with %s (policies %v)", role, c.name, auth.IdentityPolicies)
			}
			if !c.want.MatchString(err.Error()) {
				return fmt.Errorf("login with %s refused for another reason: %w", c.name, err)
			}
		}
		return nil
	}
}
