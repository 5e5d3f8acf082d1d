package provider

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// The deploy role tests use their own JWT mounts ("deploy*") on the shared
// Vault; the pipeline's ID tokens are signed by the mount's test signer
// with GitLab's claims.

const (
	deployAddr    = "vaultboot_ci_deploy_role.test"
	deployProject = "platform/vault-config"
	deployAud     = "vaultboot-acc"
)

func deployNames(t *testing.T, n string) naming.DeployRole {
	t.Helper()
	env := accEnv(t)
	d, err := env.DeployRole(n)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// gitlabClaims are the claims of a GitLab CI job's ID token.
func gitlabClaims(project, refType, ref string, protected bool) map[string]any {
	return map[string]any{
		"sub":           fmt.Sprintf("project_path:%s:ref_type:%s:ref:%s", project, refType, ref),
		"aud":           deployAud,
		"project_path":  project,
		"ref":           ref,
		"ref_type":      refType,
		"ref_protected": fmt.Sprint(protected),
	}
}

func testAccDeployConfig(t *testing.T, mount, extra string, auds ...string) string {
	if auds == nil {
		auds = []string{deployAud}
	}
	return testAccConfig(t, fmt.Sprintf(`
resource "vaultboot_ci_deploy_role" "test" {
  name            = "main"
  jwt_mount       = %q
  bound_audiences = %s
  bound_claims = {
    project_path  = [%q]
    ref_protected = ["true"]
  }
%s}
`, mount, hclStrings(auds...), deployProject, extra))
}

// expectedDeployPolicy renders the role's policy as the resource must,
// with the OIDC mount's accessor as Vault has it now.
func expectedDeployPolicy(t *testing.T, d naming.DeployRole, mount string, allowPurge bool) string {
	t.Helper()
	opts := naming.ProviderPolicyOptions{JWTMount: mount, AllowPurge: allowPurge, Accessors: map[string]string{}, MountTypes: map[string]string{}}
	oidc := naming.DefaultConventions().OIDCAuthMount
	mounts, err := testharness.Shared(t).Client.Sys().ListAuth()
	if err != nil {
		t.Fatal(err)
	}
	if m := mounts[oidc+"/"]; m != nil {
		opts.Accessors[oidc], opts.MountTypes[oidc] = m.Accessor, m.Type
	}
	p, err := d.Policy(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkDeployPolicyState compares the policy in state and in Vault with
// the expected one, rendered when the check runs: another test of the
// package may enable the shared "oidc" mount meanwhile.
func checkDeployPolicyState(t *testing.T, d naming.DeployRole, mount string, allowPurge bool) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		want := expectedDeployPolicy(t, d, mount, allowPurge)
		if got := st.RootModule().Resources[deployAddr].Primary.Attributes["policy"]; got != want {
			return fmt.Errorf("policy in state:\n%s\nwant:\n%s", got, want)
		}
		if got := vaultclient.AsString(testharness.Shared(t).Read(t, naming.PolicyPath(d.PolicyName())).Data["policy"]); got != want {
			return fmt.Errorf("policy in Vault:\n%s\nwant:\n%s", got, want)
		}
		return nil
	}
}

// checkDeployRoleInVault asserts the role's locked-down settings as root
// reads them.
func checkDeployRoleInVault(t *testing.T, d naming.DeployRole, mount string, ttl int64, auds []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		v := testharness.Shared(t)
		s := v.Read(t, d.RolePath(mount))
		if s == nil {
			return fmt.Errorf("role %s missing", d.RolePath(mount))
		}
		r := s.Data
		claims := fmt.Sprint(r["bound_claims"])
		want := map[string]any{"project_path": []any{deployProject}, "ref_protected": []any{"true"}, "ref_type": []any{"tag"}}
		var errs []string
		if claims != fmt.Sprint(want) {
			errs = append(errs, fmt.Sprintf("bound_claims = %v, want %v", claims, want))
		}
		if got := vaultclient.AsStrings(r["token_policies"]); !slices.Equal(got, []string{d.PolicyName()}) {
			errs = append(errs, fmt.Sprintf("token_policies = %v", got))
		}
		if got := vaultclient.AsStrings(r["bound_audiences"]); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(auds))) {
			errs = append(errs, fmt.Sprintf("bound_audiences = %v, want %v", got, auds))
		}
		if r["role_type"] != "jwt" || r["groups_claim"] != "" || r["user_claim"] != "sub" || r["bound_claims_type"] != "string" || r["token_no_default_policy"] != true {
			errs = append(errs, fmt.Sprintf("role_type/groups_claim/user_claim/bound_claims_type/no_default = %v/%q/%v/%v/%v", r["role_type"], r["groups_claim"], r["user_claim"], r["bound_claims_type"], r["token_no_default_policy"]))
		}
		if vaultclient.AsInt(r["token_ttl"]) != ttl || vaultclient.AsInt(r["token_max_ttl"]) != ttl {
			errs = append(errs, fmt.Sprintf("token_ttl/max = %v/%v, want %d", r["token_ttl"], r["token_max_ttl"], ttl))
		}
		if len(errs) > 0 {
			return errors.New(strings.Join(errs, "; "))
		}
		return nil
	}
}

// checkDeployLogins logs in as pipelines: only a protected tag of the
// bound project gets a token, and that token holds the deploy policy alone.
func checkDeployLogins(t *testing.T, d naming.DeployRole, mount string, signer *testharness.JWTSigner) resource.TestCheckFunc {
	return func(*terraform.State) error {
		v := testharness.Shared(t)
		ok, err := v.LoginJWT(mount, d.RoleName(), signer.Sign(t, gitlabClaims(deployProject, "tag", "v1.2.0", true)))
		if err != nil {
			return fmt.Errorf("protected tag pipeline refused: %w", err)
		}
		if !slices.Equal(ok.Auth.Policies, []string{d.PolicyName()}) || len(ok.Auth.IdentityPolicies) != 0 {
			return fmt.Errorf("tag login policies = %v, identity policies = %v; want exactly [%s] and none", ok.Auth.Policies, ok.Auth.IdentityPolicies, d.PolicyName())
		}
		refused := map[string]map[string]any{
			"branch pipeline":       gitlabClaims(deployProject, "branch", "main", true),
			"unprotected tag":       gitlabClaims(deployProject, "tag", "v1.2.0-rc", false),
			"another project's tag": gitlabClaims("platform/other", "tag", "v1.2.0", true),
			"wrong audience":        mergeClaims(gitlabClaims(deployProject, "tag", "v1.2.0", true), map[string]any{"aud": "other"}),
			"another issuer":        mergeClaims(gitlabClaims(deployProject, "tag", "v1.2.0", true), map[string]any{"iss": "https://gitlab.attacker.test"}),
		}
		for what, claims := range refused {
			if s, err := v.LoginJWT(mount, d.RoleName(), signer.Sign(t, claims)); err == nil {
				return fmt.Errorf("%s logged in with policies %v", what, s.Auth.Policies)
			}
		}
		return nil
	}
}

func mergeClaims(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// TestAccCIDeployRole_basic: create, empty second plan, logins accepted and
// refused, in-place update, drift of the role and policy repaired, import
// with verify, and destroy removing both.
func TestAccCIDeployRole_basic(t *testing.T) {
	v := testharness.Shared(t)
	const mount = "deploybasic"
	signer := testharness.NewJWTSigner(t)
	v.ConfigureJWTAuth(t, mount, signer)
	d := deployNames(t, "main")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if v.Read(t, d.RolePath(mount)) != nil || v.Read(t, naming.PolicyPath(d.PolicyName())) != nil {
				return fmt.Errorf("the role or policy %s survived destroy", d.RoleName())
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: testAccDeployConfig(t, mount, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(deployAddr, tfjsonpath.New("id"), knownvalue.StringExact("main")),
					statecheck.ExpectKnownValue(deployAddr, tfjsonpath.New("role_name"), knownvalue.StringExact("acc-deploy-main")),
					statecheck.ExpectKnownValue(deployAddr, tfjsonpath.New("role_path"), knownvalue.StringExact("auth/"+mount+"/role/acc-deploy-main")),
					statecheck.ExpectKnownValue(deployAddr, tfjsonpath.New("effective_bound_claims").AtMapKey("ref_type"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("tag")})),
					statecheck.ExpectKnownValue(deployAddr, tfjsonpath.New("token_ttl"), knownvalue.StringExact("15m")),
					statecheck.ExpectKnownValue(deployAddr, tfjsonpath.New("token_policies"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("acc-deploy-main")})),
				},
				Check: resource.ComposeTestCheckFunc(
					checkDeployPolicyState(t, d, mount, false),
					checkDeployRoleInVault(t, d, mount, 900, []string{deployAud}),
					checkDeployLogins(t, d, mount, signer),
				),
			},
			{Config: testAccDeployConfig(t, mount, ""), PlanOnly: true},
			{
				Config: testAccDeployConfig(t, mount, "  token_ttl = \"10m\"\n  allow_purge = true\n", deployAud, "other"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(deployAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkDeployPolicyState(t, d, mount, true),
					checkDeployRoleInVault(t, d, mount, 600, []string{deployAud, "other"}),
				),
			},
			{
				// Drift made behind Terraform's back: the policy widened,
				// the role given more policies, a groups claim and branch
				// pipelines. Apply puts every field back.
				PreConfig: func() {
					v.Write(t, naming.PolicyPath(d.PolicyName()), map[string]any{"policy": `path "*" { capabilities = ["sudo", "read"] }`})
					v.Write(t, d.RolePath(mount), map[string]any{
						"role_type": "jwt", "token_policies": []string{d.PolicyName(), "admin"}, "token_no_default_policy": false,
						"groups_claim": "groups", "bound_claims": map[string]any{"project_path": deployProject},
					})
				},
				Config: testAccDeployConfig(t, mount, "  token_ttl = \"10m\"\n  allow_purge = true\n", deployAud, "other"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(deployAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkDeployRoleInVault(t, d, mount, 600, []string{deployAud, "other"}),
					checkDeployPolicyState(t, d, mount, true),
				),
			},
			{
				ResourceName: deployAddr, ImportState: true, ImportStateId: mount + ":main", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"allow_purge"},
			},
		},
	})
}

// TestAccCIDeployRole_badInput: what the role refuses at plan time, and a
// foreign policy of the same name that create refuses to take over.
func TestAccCIDeployRole_badInput(t *testing.T) {
	v := testharness.Shared(t)
	const mount = "deploybad"
	v.ConfigureJWTAuth(t, mount, testharness.NewJWTSigner(t))
	d := deployNames(t, "foreign")
	v.Write(t, naming.PolicyPath(d.PolicyName()), map[string]any{"policy": `path "secret/*" { capabilities = ["read"] }`})
	cfg := func(name, claims, extra string) string {
		return testAccConfig(t, fmt.Sprintf(`
resource "vaultboot_ci_deploy_role" "test" {
  name            = %q
  jwt_mount       = %q
  bound_audiences = ["x"]
  bound_claims    = %s
%s}
`, name, mount, claims, extra))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("main", `{ ref_type = ["tag"], ref_protected = ["true"] }`, ""), ExpectError: testharness.ErrorRE("Invalid Bound Claims", "must name the project")},
			{Config: cfg("main", `{ project_path = ["a/b"], ref_type = ["branch"] }`, ""), ExpectError: testharness.ErrorRE("Invalid Bound Claims", "unless allow_branches = true")},
			{Config: cfg("main", `{ project_path = [] }`, ""), ExpectError: testharness.ErrorRE("at least 1")},
			{Config: cfg("main", `{ project_path = [" a/b"] }`, ""), ExpectError: testharness.ErrorRE("leading or trailing whitespace")},
			{Config: cfg("deploy-x", `{ project_path = ["a/b"] }`, ""), ExpectError: testharness.ErrorRE("Invalid Name", "reserved prefix")},
			{Config: cfg("main", `{ project_path = ["a/b"] }`, "  token_ttl = \"24h\"\n"), ExpectError: testharness.ErrorRE("Invalid Token TTL", "outside 1m to 2h")},
			{Config: cfg("main", `{ project_path = ["a/b"] }`, "  binding_auth_mounts = [\""+mount+"\"]\n"), ExpectError: testharness.ErrorRE("Invalid Provider Policy Input", "cannot also be a group binding mount")},
			// A missing mount and a foreign role fail the plan, not the apply.
			{Config: strings.Replace(cfg("main", `{ project_path = ["a/b"] }`, ""), mount, "deploy-missing-mount", 1), PlanOnly: true, ExpectError: testharness.ErrorRE("JWT Auth Mount Not Found", "auth/deploy-missing-mount")},
			{Config: cfg("foreign", `{ project_path = ["a/b"] }`, ""), PlanOnly: true, ExpectError: testharness.ErrorRE("Object Already Exists", "import it")},
		},
	})
}

// TestAccCIDeployRole_allowBranches: a role for merge-request plans binds
// no ref_type, so a branch pipeline logs in; import infers allow_branches
// from the role.
func TestAccCIDeployRole_allowBranches(t *testing.T) {
	v := testharness.Shared(t)
	const mount = "deploybranches"
	signer := testharness.NewJWTSigner(t)
	v.ConfigureJWTAuth(t, mount, signer)
	d := deployNames(t, "mr")
	cfg := testAccConfig(t, fmt.Sprintf(`
resource "vaultboot_ci_deploy_role" "test" {
  name            = "mr"
  jwt_mount       = %q
  bound_audiences = [%q]
  bound_claims    = { project_path = [%q] }
  allow_branches  = true
}
`, mount, deployAud, deployProject))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(deployAddr, tfjsonpath.New("effective_bound_claims"), knownvalue.MapExact(map[string]knownvalue.Check{
						"project_path": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(deployProject)}),
					})),
				},
				Check: func(*terraform.State) error {
					s, err := v.LoginJWT(mount, d.RoleName(), signer.Sign(t, gitlabClaims(deployProject, "branch", "feature-x", false)))
					if err != nil {
						return fmt.Errorf("branch pipeline refused by a role with allow_branches: %w", err)
					}
					if !slices.Equal(s.Auth.Policies, []string{d.PolicyName()}) {
						return fmt.Errorf("branch login policies %v", s.Auth.Policies)
					}
					return nil
				},
			},
			{Config: cfg, PlanOnly: true},
			{ResourceName: deployAddr, ImportState: true, ImportStateId: mount + ":mr", ImportStateVerify: true},
		},
	})
}

// TestAccCIDeployRole_purgeNeedsAllowPurge: with the provider policy
// rendered without allow_purge, destroying an app with purge_on_destroy is
// refused by Vault and the error names allow_purge; the secret's versions
// stay.
func TestAccCIDeployRole_purgeNeedsAllowPurge(t *testing.T) {
	v := testharness.Shared(t)
	env, err := naming.NewEnv(testAccEnv, naming.DefaultConventions())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := env.ProviderPolicy(naming.ProviderPolicyOptions{JWTMount: "deploypurge"})
	if err != nil {
		t.Fatal(err)
	}
	v.Write(t, naming.PolicyPath("deploy-purge-proof"), map[string]any{"policy": policy})
	token := v.Write(t, "auth/token/create", map[string]any{"policies": []string{"deploy-purge-proof"}, "no_default_policy": true, "ttl": "15m"}).Auth.ClientToken
	app, _ := env.App("purge-proof")
	withApp := `
resource "vaultboot_app_secret_path" "test" {
  app              = "purge-proof"
  purge_on_destroy = true
}
`
	asToken := fmt.Sprintf("provider \"vaultboot\" {\n  address     = %q\n  token       = %q\n  environment = %q\n}\n", v.Addr, token, testAccEnv)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccConfig(t, withApp),
				Check: func(*terraform.State) error {
					v.Write(t, app.DataPath(), map[string]any{"data": map[string]any{"K": "v1"}})
					return nil
				},
			},
			{
				Config:      asToken,
				ExpectError: testharness.ErrorRE("Permission denied on "+app.MetadataPath()+" (delete)", "allow_purge = true"),
			},
			{
				// The refused purge kept every version; root destroys.
				PreConfig: func() {
					if v.Read(t, app.DataPath()) == nil {
						t.Error("the secret's versions were erased by a refused purge")
					}
				},
				Config: testAccConfig(t, ""),
			},
		},
	})
}

// TestAccCIDeployRole_loginRolePoliciesRefused: a binding whose login role
// has token policies of its own is refused to a token holding the provider
// policy, and the error says why.
func TestAccCIDeployRole_loginRolePoliciesRefused(t *testing.T) {
	v := testharness.Shared(t)
	const mount = "deploytp"
	accessor := v.EnableAuth(t, mount, "jwt")
	env, err := naming.NewEnv(testAccEnv, naming.DefaultConventions())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := env.ProviderPolicy(naming.ProviderPolicyOptions{JWTMount: "deploytp-ci", BindingAuthMounts: []string{mount}, Accessors: map[string]string{mount: accessor}, MountTypes: map[string]string{mount: "jwt"}})
	if err != nil {
		t.Fatal(err)
	}
	v.Write(t, naming.PolicyPath("deploy-tp-proof"), map[string]any{"policy": policy})
	token := v.Write(t, "auth/token/create", map[string]any{"policies": []string{"deploy-tp-proof"}, "no_default_policy": true, "ttl": "15m"}).Auth.ClientToken
	cfg := fmt.Sprintf(`provider "vaultboot" {
  address     = %q
  token       = %q
  environment = %q
  owner       = "vaultboot/acceptance-tests"
}

resource "vaultboot_oidc_group_binding" "test" {
  name       = "tp-proof"
  group_id   = "grp-tp-proof"
  policies   = ["acc-x-read"]
  auth_mount = %q
  login_role {
    bound_audiences = ["x"]
    token_policies  = ["acc-tp-extra"]
  }
}
`, v.Addr, token, testAccEnv, mount)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: testharness.ErrorRE("Unable to Write the Login Role", "refuses login roles with token policies of their own"),
		}},
	})
	if s := v.Read(t, naming.AuthRolePath(mount, "acc-tp-proof")); s != nil {
		t.Errorf("the login role was written: %v", s.Data)
	}
	// The group was written before the refused role: remove it.
	v.Delete(t, naming.IdentityGroupByNamePath("acc-tp-proof"))
}
