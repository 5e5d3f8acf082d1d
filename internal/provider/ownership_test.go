package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// ownerLine sets the provider's owner in a ProviderBlock.
func ownerLine(owner string) string { return fmt.Sprintf("owner = %q", owner) }

func appConfig(v *testharness.Vault, owner, app string) string {
	return v.ProviderBlock(testAccEnv, ownerLine(owner)) + fmt.Sprintf("resource \"vaultboot_app_secret_path\" %q {\n  app = %q\n}\n", app, app)
}

// policyProject returns the owner in a policy's header, "" when absent.
func policyProject(t *testing.T, v *testharness.Vault, name string) string {
	t.Helper()
	s := v.Read(t, naming.PolicyPath(name))
	if s == nil {
		return ""
	}
	doc, _ := s.Data["policy"].(string)
	return naming.PolicyProject(doc)
}

// metadataProject returns the owner marker of an app's KV metadata.
func metadataProject(t *testing.T, v *testharness.Vault, app naming.App) string {
	t.Helper()
	s := v.Read(t, app.MetadataPath())
	if s == nil {
		return ""
	}
	custom, _ := s.Data["custom_metadata"].(map[string]any)
	p, _ := custom[naming.ProjectKey].(string)
	return p
}

// TestAccOwnership_twoProjects: v1 let project B's create take over
// project A's app (marked "E/A" by any vaultboot), rebind it, and the two
// projects flip-flopped forever. Now B's plan fails naming A, A's
// objects are untouched and A's plan stays empty.
func TestAccOwnership_twoProjects(t *testing.T) {
	v := testharness.StartVault(t)
	env, _ := naming.NewEnv(testAccEnv, naming.DefaultConventions())
	app, _ := env.App("shared")
	projectB := func(*terraform.State) error {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				// The plan already fails, before any resource is created.
				Config:      appConfig(v, "team/b", "shared"),
				PlanOnly:    true,
				ExpectError: testharness.ErrorRE("Object Managed by Another Project", `already managed by "team/a"`, "import it here", "or remove it there"),
			}},
		})
		for _, name := range []string{app.ReadPolicyName(), app.WritePolicyName()} {
			if got := policyProject(t, v, name); got != "team/a" {
				return fmt.Errorf("policy %s now names owner %q", name, got)
			}
		}
		if got := metadataProject(t, v, app); got != "team/a" {
			return fmt.Errorf("KV metadata now names owner %q", got)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: appConfig(v, "team/a", "shared"), Check: projectB},
			{
				Config:           appConfig(v, "team/a", "shared"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccOwnership_ownMarksAndImport: a CI runner that died mid-create
// leaves objects marked by its project and nothing in state; the next
// create of the same project completes with no flag. Objects whose marks
// name no owner are refused like hand-made ones. Import of another
// project's app takes its marks over at the next apply.
func TestAccOwnership_ownMarksAndImport(t *testing.T) {
	v := testharness.StartVault(t)
	base, _ := naming.NewEnv(testAccEnv, naming.DefaultConventions())
	leave := func(owner, name string) naming.App {
		env := base
		if owner != "" {
			env, _ = base.WithOwner(owner)
		}
		app, _ := env.App(name)
		v.Write(t, naming.PolicyPath(app.ReadPolicyName()), map[string]any{"policy": app.ReadPolicy()})
		v.Write(t, app.MetadataPath(), map[string]any{"custom_metadata": app.Markers()})
		return app
	}
	crashed := leave("team/a", "crashed")
	leave("", "older")
	foreign := leave("team/b", "moved")
	marksOf := func(app naming.App, want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for _, name := range []string{app.ReadPolicyName(), app.WritePolicyName()} {
				if got := policyProject(t, v, name); got != want {
					return fmt.Errorf("policy %s names owner %q, want %q", name, got, want)
				}
			}
			if got := metadataProject(t, v, app); got != want {
				return fmt.Errorf("KV metadata of %s names owner %q, want %q", app.Name(), got, want)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: appConfig(v, "team/a", "crashed"), Check: marksOf(crashed, "team/a")},
			// Marks without an owner are not this project's: refused.
			{Config: appConfig(v, "team/a", "older"), PlanOnly: true, ExpectError: testharness.ErrorRE("Object Already Exists", "import it or set adopt_existing = true")},
			{
				Config:        appConfig(v, "team/a", "moved"),
				ResourceName:  "vaultboot_app_secret_path.moved",
				ImportState:   true,
				ImportStateId: "moved",
				// The import shows B's marks; the apply below takes them.
				ImportStatePersist: true,
			},
			{
				Config: appConfig(v, "team/a", "moved"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("vaultboot_app_secret_path.moved", plancheck.ResourceActionUpdate),
				}},
				Check: marksOf(foreign, "team/a"),
			},
		},
	})
}

// TestAccOwnership_ownerRequired: a resource cannot plan without an owner
// to mark its objects with; the owner falls back to VAULTBOOT_OWNER, then
// the CI's project variables, in that order.
func TestAccOwnership_ownerRequired(t *testing.T) {
	v := testharness.StartVault(t)
	noOwner := fmt.Sprintf("provider \"vaultboot\" {\n  address     = %q\n  token       = %q\n  environment = %q\n}\n", v.Addr, v.Token, testAccEnv)
	app := "resource \"vaultboot_app_secret_path\" \"owned\" {\n  app = \"owned\"\n}\n"
	env, _ := naming.NewEnv(testAccEnv, naming.DefaultConventions())
	owned, _ := env.App("owned")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: noOwner + app, PlanOnly: true, ExpectError: testharness.ErrorRE("Missing Provider Owner", "VAULTBOOT_OWNER", "CI_PROJECT_PATH", "GITHUB_REPOSITORY")},
			{Config: noOwner + `data "vaultboot_environment" "ok" {}`},
			{
				Config:      v.ProviderBlock(testAccEnv, ownerLine("team/../x")) + app,
				PlanOnly:    true,
				ExpectError: testharness.ErrorRE("Invalid Owner", `"team/../x" is not a valid owner`),
			},
			{
				PreConfig: func() {
					t.Setenv("GITHUB_REPOSITORY", "acme/github-repo")
					t.Setenv("CI_PROJECT_PATH", "acme/gitlab-project")
				},
				Config: noOwner + app,
				Check: func(*terraform.State) error {
					if got := policyProject(t, v, owned.ReadPolicyName()); got != "acme/gitlab-project" {
						return fmt.Errorf("owner %q, want CI_PROJECT_PATH before GITHUB_REPOSITORY", got)
					}
					return nil
				},
			},
			{
				// VAULTBOOT_OWNER comes first; the plan shows the marks move.
				PreConfig: func() { t.Setenv("VAULTBOOT_OWNER", "acme/renamed") },
				Config:    noOwner + app,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("vaultboot_app_secret_path.owned", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if got := policyProject(t, v, owned.WritePolicyName()); got != "acme/renamed" {
						return fmt.Errorf("owner %q, want VAULTBOOT_OWNER's", got)
					}
					return nil
				},
			},
		},
	})
}

// TestAccOwnership_stamp: the stamp is marked like every object. Its own
// project re-creating it after losing state completes with no flag; another
// project's create fails naming the owner.
func TestAccOwnership_stamp(t *testing.T) {
	v := testharness.StartVault(t)
	stampConfig := func(owner string) string {
		return v.ProviderBlock(testAccEnv, ownerLine(owner)) + "resource \"vaultboot_environment\" \"this\" {}\n"
	}
	again := func(owner string, want *regexp.Regexp) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: stampConfig(owner), ExpectError: want}},
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: stampConfig("team/a"),
			// The nested same-owner run destroys the stamp at its end.
			ExpectNonEmptyPlan: true,
			Check: func(*terraform.State) error {
				again("team/b", testharness.ErrorRE("Object Managed by Another Project", `The environment stamp "acc" at vaultboot/data/environment on the Vault at`, `is already managed by "team/a"`))
				if env, version := stampOf(t, v); env != testAccEnv || version != 1 {
					return fmt.Errorf("stamp %q version %d after the refused create", env, version)
				}
				// Same owner, state lost: completes (its destroy then
				// removes the stamp).
				again("team/a", nil)
				return nil
			},
		}},
	})
}

// TestAccOwnership_refreshWarnsWhenTakenOver: after another project
// imported or adopted an app, the first project's refresh says so, instead
// of silently planning to take it back.
func TestAccOwnership_refreshWarnsWhenTakenOver(t *testing.T) {
	v := testharness.StartVault(t)
	ctx := context.Background()
	base, _ := naming.NewEnv(testAccEnv, naming.DefaultConventions())
	other, _ := base.WithOwner("team/b")
	app, _ := other.App("taken")
	v.Write(t, naming.PolicyPath(app.ReadPolicyName()), map[string]any{"policy": app.ReadPolicy()})
	r := &appSecretPathResource{vaultResource{client: testClient(t, v, testAccEnv)}}
	state := appState(t, r, "taken")
	resp := fwresource.ReadResponse{State: state}
	r.Read(ctx, fwresource.ReadRequest{State: state}, &resp)
	var warned bool
	for _, d := range resp.Diagnostics.Warnings() {
		warned = warned || (d.Summary() == "Managed by Another Project" && strings.Contains(d.Detail(), `managed by "team/b" now`))
	}
	if resp.Diagnostics.HasError() || !warned {
		t.Fatalf("refresh: %v", resp.Diagnostics)
	}
}

// TestOwnershipClaim: the one decision for every object a create finds,
// by verdict and adopt_existing, at plan time (warnings shown) and at apply
// (only refusals). Another vaultboot resource's object is refused even
// with adopt_existing: adopting it would hand one resource's policy to
// another (an app "deploy" once took a deploy role's).
func TestOwnershipClaim(t *testing.T) {
	obj := func(c naming.Claim) []existingObject {
		return []existingObject{{what: `the policy "acc-x-read"`, verdict: naming.Verdict{Claim: c, Owner: "team/b", Identity: "acc/_provider"}}}
	}
	for _, c := range []struct {
		claim          naming.Claim
		adopt, atApply bool
		ok             bool
		want           string // the one diagnostic's summary, "" for none
	}{
		{claim: naming.Ours, ok: true},
		{claim: naming.Foreign, want: "Object Already Exists"},
		{claim: naming.Foreign, adopt: true, ok: true},
		{claim: naming.OtherOwner, want: "Object Managed by Another Project"},
		{claim: naming.OtherOwner, adopt: true, ok: true, want: "Adopting Another Project's Object"},
		{claim: naming.OtherOwner, adopt: true, atApply: true, ok: true},
		{claim: naming.OtherResource, want: "Object of Another vaultboot Resource"},
		{claim: naming.OtherResource, adopt: true, want: "Object of Another vaultboot Resource"},
	} {
		t.Run(fmt.Sprintf("%s/adopt=%v/apply=%v", c.claim, c.adopt, c.atApply), func(t *testing.T) {
			o := ownership{owner: "team/a", identity: "acc/x", importID: "x", adopt: c.adopt, attr: path.Root("app"), atApply: c.atApply}
			var diags diag.Diagnostics
			ok := o.claim(context.Background(), &diags, obj(c.claim))
			if ok != c.ok || (c.want == "") != (len(diags) == 0) || (c.want != "" && (len(diags) != 1 || diags[0].Summary() != c.want)) {
				t.Fatalf("ok = %v, diagnostics %v; want ok = %v and %q", ok, diags, c.ok, c.want)
			}
			if c.claim == naming.OtherResource && !strings.Contains(diags[0].Detail(), `belongs to vaultboot's acc/_provider`) {
				t.Errorf("the refusal does not name the other resource: %s", diags[0].Detail())
			}
			if c.claim == naming.Foreign && !c.adopt && !strings.Contains(diags[0].Detail(), "already exists; import it or set adopt_existing = true") {
				t.Errorf("the refusal does not say what to do: %s", diags[0].Detail())
			}
		})
	}
}

// TestOwnershipObserve: one warning per other project, on refresh and on
// import, naming every object it marks.
func TestOwnershipObserve(t *testing.T) {
	o := ownership{owner: "team/a", identity: "acc/x", importID: "x"}
	objs := []existingObject{
		{what: "the KV secret acc/x", verdict: naming.Verdict{Claim: naming.OtherOwner, Owner: "team/b"}},
		{what: `the policy "acc-x-read"`, verdict: naming.Verdict{Claim: naming.OtherOwner, Owner: "team/b"}},
		{what: `the policy "acc-x-write"`, verdict: naming.Verdict{Claim: naming.Ours, Owner: "team/a"}},
	}
	for importing, want := range map[bool]string{false: "Managed by Another Project", true: "Importing Another Project's Object"} {
		var diags diag.Diagnostics
		o.observe(context.Background(), &diags, importing, objs)
		if len(diags) != 1 || diags[0].Summary() != want || !strings.Contains(diags[0].Detail(), `The KV secret acc/x and the policy "acc-x-read": `) || strings.Contains(diags[0].Detail(), "acc-x-write") {
			t.Errorf("importing = %v: %v, want one %q warning naming both of team/b's objects", importing, diags, want)
		}
	}
}

// TestAccAppSecretPath_reservedNames: an app "deploy" got the policies
// "E-deploy-read" and "E-deploy-write", which are the deploy roles "read"
// and "write"'s; "ca-sync" collided the same way with CA sync policies.
// Both are refused at plan time, saying with what they would collide.
func TestAccAppSecretPath_reservedNames(t *testing.T) {
	v := testharness.Shared(t)
	for _, c := range []struct{ name, other string }{{"deploy", "vaultboot_ci_deploy_role"}, {"ca-sync", "vaultboot_namespace_ca_sync_policy"}} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      appConfig(v, testharness.Owner, c.name),
				PlanOnly:    true,
				ExpectError: testharness.ErrorRE("Invalid Name", fmt.Sprintf("%q is a reserved app name", c.name), c.other),
			}},
		})
	}
}
