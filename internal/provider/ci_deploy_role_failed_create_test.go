package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// deployRoleResource is deploy role name on mount at address
// vaultboot_ci_deploy_role.<addr>.
func deployRoleResource(addr, name, mount string) string {
	return fmt.Sprintf(`
resource "vaultboot_ci_deploy_role" %q {
  name            = %q
  jwt_mount       = %q
  bound_audiences = [%q]
  bound_claims = {
    project_path  = [%q]
    ref_protected = ["true"]
  }
}
`, addr, name, mount, deployAud, deployProject)
}

// TestAccCIDeployRole_failedCreateStaysInState: v1 wrote the policy, and
// when the role's write failed (here a 403) returned no state: the marked
// policy stayed in Vault, and removing the role from the configuration
// never deleted it. The failed create is in state now (tainted): kept in
// the configuration it is replaced and converges, removed its policy is
// destroyed. A role deleted by hand later is written again by an update.
func TestAccCIDeployRole_failedCreateStaysInState(t *testing.T) {
	v := testharness.Shared(t)
	const mount = "deployorphan"
	signer := testharness.NewJWTSigner(t)
	v.ConfigureJWTAuth(t, mount, signer)
	kept, gone := deployNames(t, "orphan"), deployNames(t, "orphangone")
	limited := limitedProviderBlock(t, v, "deploy-no-role-write", `
path "*" { capabilities = ["create", "read", "update", "delete", "list", "sudo"] }
path "auth/deployorphan/role/*" { capabilities = ["read"] }
`)
	keptCfg := deployRoleResource("test", "orphan", mount)
	goneCfg := deployRoleResource("gone", "orphangone", mount)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if v.Read(t, kept.RolePath(mount)) != nil || v.Read(t, naming.PolicyPath(kept.PolicyName())) != nil {
				return fmt.Errorf("the role or policy %s survived destroy", kept.RoleName())
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      limited + keptCfg + goneCfg,
				ExpectError: testharness.ErrorRE("Unable to Write the Deploy Role", "auth/deployorphan/role/acc-deploy-orphan"),
			},
			{
				PreConfig: func() {
					for _, d := range []naming.DeployRole{kept, gone} {
						if v.Read(t, naming.PolicyPath(d.PolicyName())) == nil {
							t.Fatalf("the failed create wrote no policy %s: nothing to prove", d.PolicyName())
						}
					}
				},
				Config: testAccConfig(t, keptCfg),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(deployAddr, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction("vaultboot_ci_deploy_role.gone", plancheck.ResourceActionDestroy),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkDeployPolicyState(t, kept, mount, false),
					checkDeployRoleInVault(t, kept, mount, 900, []string{deployAud}),
					checkDeployLogins(t, kept, mount, signer),
					func(*terraform.State) error {
						if v.Read(t, naming.PolicyPath(gone.PolicyName())) != nil || v.Read(t, gone.RolePath(mount)) != nil {
							return fmt.Errorf("the removed role's policy or role %s is still in Vault", gone.PolicyName())
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() { v.Delete(t, kept.RolePath(mount)) },
				Config:    testAccConfig(t, keptCfg),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(deployAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkDeployRoleInVault(t, kept, mount, 900, []string{deployAud}),
			},
			{
				// A refresh keeps a role whose policy is ours; an import
				// of one whose role is gone still finds nothing.
				PreConfig:     func() { v.Delete(t, kept.RolePath(mount)) },
				Config:        testAccConfig(t, keptCfg),
				ResourceName:  deployAddr,
				ImportState:   true,
				ImportStateId: mount + ":orphan",
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
		},
	})
}

// TestAccCIDeployRole_refusedCreateRecordsNothing: a create refused for a
// foreign policy, or for a foreign role without a policy, writes nothing
// and records nothing: recorded, its replacement or destroy would delete
// the foreign objects.
func TestAccCIDeployRole_refusedCreateRecordsNothing(t *testing.T) {
	v := testharness.Shared(t)
	const mount = "deployrefused"
	v.ConfigureJWTAuth(t, mount, testharness.NewJWTSigner(t))
	policy, role := deployNames(t, "rpolicy"), deployNames(t, "rrole")
	const foreignRules = `path "secret/data/foreign" { capabilities = ["read"] }`
	v.Write(t, naming.PolicyPath(policy.PolicyName()), map[string]any{"policy": foreignRules})
	v.Write(t, role.RolePath(mount), map[string]any{"role_type": "jwt", "user_claim": "sub", "bound_audiences": []string{"x"}})
	t.Cleanup(func() {
		v.Delete(t, naming.PolicyPath(policy.PolicyName()))
		v.Delete(t, role.RolePath(mount))
	})
	refused := testharness.ErrorRE("Object Already Exists", "is not marked as vaultboot's")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccConfig(t, deployRoleResource("test", "rpolicy", mount)), ExpectError: refused},
			{Config: testAccConfig(t, deployRoleResource("test", "rrole", mount)), ExpectError: refused},
			{
				// Nothing declared: a refused create in state would be
				// destroyed now, taking the foreign objects with it.
				Config: testAccConfig(t, `data "vaultboot_environment" "only" {}`),
				Check: func(*terraform.State) error {
					if s := v.Read(t, naming.PolicyPath(policy.PolicyName())); s == nil || s.Data["policy"] != foreignRules {
						return fmt.Errorf("the foreign policy %s is gone or changed", policy.PolicyName())
					}
					if v.Read(t, role.RolePath(mount)) == nil {
						return fmt.Errorf("the foreign role %s is gone", role.RolePath(mount))
					}
					if v.Read(t, policy.RolePath(mount)) != nil || v.Read(t, naming.PolicyPath(role.PolicyName())) != nil {
						return fmt.Errorf("a refused create wrote its role or policy")
					}
					return nil
				},
			},
		},
	})
}
