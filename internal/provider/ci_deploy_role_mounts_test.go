package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// deployRoleHCL is a deploy role on jwtMount binding groups on bindings.
func deployRoleHCL(resourceName, name, jwtMount, bindings string) string {
	return fmt.Sprintf(`
resource "vaultboot_ci_deploy_role" %q {
  name                = %q
  jwt_mount           = %q
  bound_audiences     = [%q]
  bound_claims        = { project_path = [%q] }
  binding_auth_mounts = %s
}
`, resourceName, name, jwtMount, deployAud, deployProject, bindings)
}

// TestAccCIDeployRole_bindingMountTrust: a binding mount that trusts the
// deploy mount's issuer (the same bound_issuer, or the same key), or a
// multi-tenant CI issuer, is refused when the policy is rendered, by the
// deploy role and by the data source alike: a pipeline could otherwise
// bind its own ID token (or any repository's on the service) to a group
// with any policy and log in with it.
func TestAccCIDeployRole_bindingMountTrust(t *testing.T) {
	v := testharness.Shared(t)
	ci := testharness.NewJWTSigner(t)
	v.ConfigureJWTAuth(t, "mtrust-ci", ci)
	other := testharness.NewJWTSigner(t)
	// Vault fetches a discovery URL or JWKS when configured, and the tests
	// run offline: the issuers are bound_issuer with a key.
	for mount, config := range map[string]map[string]any{
		"mtrust-sameiss": {"jwt_validation_pubkeys": []string{other.PublicKeyPEM}, "bound_issuer": ci.Issuer + "/"},
		"mtrust-samekey": {"jwt_validation_pubkeys": []string{ci.PublicKeyPEM}, "bound_issuer": "https://idp.example"},
		"mtrust-github":  {"jwt_validation_pubkeys": []string{other.PublicKeyPEM}, "bound_issuer": "https://token.actions.githubusercontent.com"},
	} {
		v.EnableAuth(t, mount, "jwt")
		v.Write(t, naming.AuthConfigPath(mount), config)
	}
	idp := testharness.NewJWTSigner(t)
	v.ConfigureJWTAuth(t, "mtrust-idp", idp)
	ds := func(mount string) string {
		return fmt.Sprintf("data \"vaultboot_provider_policy\" \"test\" {\n  jwt_mount           = \"mtrust-ci\"\n  binding_auth_mounts = [%q]\n}\n", mount)
	}
	steps := []resource.TestStep{}
	for mount, want := range map[string]string{
		"mtrust-sameiss": "the issuer of the deploy roles' mount",
		"mtrust-samekey": "a public key of the deploy roles' mount",
		"mtrust-github":  "GitHub Actions",
	} {
		steps = append(steps,
			resource.TestStep{Config: testAccConfig(t, deployRoleHCL("test", "mtrust", "mtrust-ci", fmt.Sprintf("[%q]", mount))), PlanOnly: true, ExpectNonEmptyPlan: true,
				ExpectError: testharness.ErrorRE("Invalid Provider Policy Input", fmt.Sprintf("binding mount %q", mount), want)},
			resource.TestStep{Config: testAccConfig(t, ds(mount)),
				ExpectError: testharness.ErrorRE("Invalid Provider Policy Input", want)})
	}
	// The humans' IdP is another issuer: the policy renders.
	steps = append(steps, resource.TestStep{Config: testAccConfig(t, ds("mtrust-idp"))})
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// TestAccCIDeployRole_mountsOverlap: a deploy role may not live on another
// deploy role's binding mount (that role's pipeline could rewrite it), and
// a deploy role may not bind groups on a mount that holds a deploy role.
func TestAccCIDeployRole_mountsOverlap(t *testing.T) {
	v := testharness.Shared(t)
	v.ConfigureJWTAuth(t, "moverlap-ci", testharness.NewJWTSigner(t))
	v.ConfigureJWTAuth(t, "moverlap-idp", testharness.NewJWTSigner(t))
	v.ConfigureJWTAuth(t, "moverlap-held", testharness.NewJWTSigner(t))
	d := deployNames(t, "moverlap-manual")
	v.Write(t, d.RolePath("moverlap-held"), map[string]any{"role_type": "jwt", "user_claim": "sub", "bound_audiences": []string{"x"}})
	t.Cleanup(func() { v.Delete(t, d.RolePath("moverlap-held")) })
	first := deployRoleHCL("first", "moverlap-a", "moverlap-ci", `["moverlap-idp"]`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccConfig(t, first)},
			{
				Config:      testAccConfig(t, first+deployRoleHCL("second", "moverlap-b", "moverlap-idp", "[]")),
				ExpectError: testharness.ErrorRE("Deploy Role Mounts Overlap", `lets its pipeline write login roles on "moverlap-idp"`),
			},
			{
				Config:      testAccConfig(t, first+deployRoleHCL("second", "moverlap-c", "moverlap-ci", `["moverlap-held"]`)),
				ExpectError: testharness.ErrorRE("Deploy Role Mounts Overlap", `The auth mount "moverlap-held" holds the deploy role`, d.RoleName()),
			},
			{Config: testAccConfig(t, first)},
		},
	})
}
