package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// deployRoleConfig is a deploy role N on mount, applied by owner's project.
func deployRoleConfig(v *testharness.Vault, owner, mount, name string) string {
	return v.ProviderBlock(testAccEnv, ownerLine(owner)) + deployRoleResource("test", name, mount)
}

// TestAccCIDeployRole_planGuard: the deploy role ran no guard at plan
// time, so a plan against a Vault stamped with another environment was
// green and only apply failed. Now the plan fails, naming both.
func TestAccCIDeployRole_planGuard(t *testing.T) {
	v := testharness.StartVault(t)
	stamp(t, v, "integration")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      deployRoleConfig(v, testharness.Owner, naming.DefaultJWTMount, "guarded"),
			PlanOnly:    true,
			ExpectError: testharness.ErrorRE("Environment Mismatch", `stamped environment "integration"`, `configured for environment "acc"`),
		}},
	})
	if v.Read(t, naming.PolicyPath("acc-deploy-guarded")) != nil {
		t.Error("a refused plan wrote the deploy policy")
	}
}

// TestAccCIDeployRole_twoProjects: v1 let a second project (another
// owner) declaring the same deploy role rewrite the first's role and
// policy. Now its create fails naming the first project, the policy keeps
// the first project's marks, and the first project's plan stays empty.
func TestAccCIDeployRole_twoProjects(t *testing.T) {
	v := testharness.Shared(t)
	const mount = "deployowners"
	v.ConfigureJWTAuth(t, mount, testharness.NewJWTSigner(t))
	d := deployNames(t, "owners")
	policyName := d.PolicyName()
	projectB := func(*terraform.State) error {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      deployRoleConfig(v, "team/b", mount, "owners"),
				ExpectError: testharness.ErrorRE("Object Managed by Another Project", `already managed by "team/a"`, "import ID: "+mount+":owners"),
			}},
		})
		if got := policyProject(t, v, policyName); got != "team/a" {
			return fmt.Errorf("the policy %s now names owner %q", policyName, got)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: deployRoleConfig(v, "team/a", mount, "owners"),
				Check: resource.ComposeTestCheckFunc(func(*terraform.State) error {
					if got := policyProject(t, v, policyName); got != "team/a" {
						return fmt.Errorf("the policy %s names owner %q, want team/a", policyName, got)
					}
					return nil
				}, projectB),
			},
			{
				Config:           deployRoleConfig(v, "team/a", mount, "owners"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccCIDeployRole_crashedCreate: a run that died after writing the
// policy (marked by its own project) left nothing in state; the next
// create of the same project completes without adopt_existing, and the
// policy is the provider policy with that project's marks.
func TestAccCIDeployRole_crashedCreate(t *testing.T) {
	v := testharness.Shared(t)
	const mount = "deploycrash"
	v.ConfigureJWTAuth(t, mount, testharness.NewJWTSigner(t))
	d := deployNames(t, "crashed")
	v.Write(t, naming.PolicyPath(d.PolicyName()), map[string]any{"policy": expectedDeployPolicy(t, d, mount, false)})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: deployRoleConfig(v, testharness.Owner, mount, "crashed"),
				Check: resource.ComposeTestCheckFunc(
					checkDeployPolicyState(t, d, mount, false),
					func(*terraform.State) error {
						if v.Read(t, d.RolePath(mount)) == nil {
							return fmt.Errorf("the role %s was not written", d.RolePath(mount))
						}
						if got := policyProject(t, v, d.PolicyName()); got != testharness.Owner {
							return fmt.Errorf("the policy names owner %q", got)
						}
						return nil
					},
				),
			},
			{Config: deployRoleConfig(v, testharness.Owner, mount, "crashed"), PlanOnly: true},
		},
	})
}

// TestAccCIDeployRole_existingVerdicts: what create decides for each kind
// of policy (and role) it finds in a real Vault, with the diagnostic it
// gives: a role whose policy is missing, unmarked or marked without an
// owner is refused, one of another project refused naming it, one of this
// project completed silently. With adopt_existing, an unmarked one is
// taken silently and another project's with the "Adopting Another
// Project's Object" warning, which no create could reach before the
// ownership helper.
func TestAccCIDeployRole_existingVerdicts(t *testing.T) {
	v := testharness.Shared(t)
	const mount = "deployverdicts"
	v.ConfigureJWTAuth(t, mount, testharness.NewJWTSigner(t))
	r := &ciDeployRoleResource{vaultResource{client: testClient(t, v, testAccEnv)}}
	plain, _ := naming.NewEnv(testAccEnv, naming.DefaultConventions())
	other, _ := plain.WithOwner("team/b")
	policyBy := func(env naming.Env) string {
		p, err := env.ProviderPolicy(naming.ProviderPolicyOptions{JWTMount: mount})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name, policy string
		role, ok     bool
		adopt        bool
		want         string // summary of the one diagnostic; "" for none
	}{
		{name: "vroleonly", role: true, want: "Object Already Exists"},
		{name: "vunmarked", policy: `path "secret/*" { capabilities = ["read"] }`, want: "Object Already Exists"},
		{name: "vnoowner", policy: policyBy(plain), want: "Object Already Exists"},
		{name: "vunmarkedadopt", policy: `path "secret/*" { capabilities = ["read"] }`, adopt: true, ok: true},
		{name: "votheradopt", policy: policyBy(other), adopt: true, ok: true, want: "Adopting Another Project's Object"},
		{name: "vother", policy: policyBy(other), want: "Object Managed by Another Project"},
		{name: "vown", policy: expectedDeployPolicy(t, deployNames(t, "vown"), mount, false), ok: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := deployNames(t, c.name)
			if c.policy != "" {
				v.Write(t, naming.PolicyPath(d.PolicyName()), map[string]any{"policy": c.policy})
				defer v.Delete(t, naming.PolicyPath(d.PolicyName()))
			}
			if c.role {
				v.Write(t, d.RolePath(mount), map[string]any{"role_type": "jwt", "user_claim": "sub", "bound_audiences": []string{"x"}})
				defer v.Delete(t, d.RolePath(mount))
			}
			var diags diag.Diagnostics
			ok := r.checkExisting(context.Background(), d, mount, c.adopt, false, &diags)
			if ok != c.ok || (c.want == "") != (len(diags) == 0) || (c.want != "" && (len(diags) != 1 || diags[0].Summary() != c.want)) {
				t.Fatalf("ok = %v, diagnostics %v; want ok = %v and %q", ok, diags, c.ok, c.want)
			}
			if c.name == "votheradopt" && !strings.Contains(diags[0].Detail(), `was managed by "team/b"; adopt_existing = true marks it as managed by "`+testharness.Owner+`" now`) {
				t.Errorf("the warning does not name both projects: %s", diags[0].Detail())
			}
			if c.name == "vother" && !strings.Contains(diags[0].Detail(), `already managed by "team/b"`) {
				t.Errorf("the error does not name the other project: %s", diags[0].Detail())
			}
		})
	}
}
