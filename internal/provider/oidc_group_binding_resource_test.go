package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
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

// Every test here uses its own binding names and auth mounts ("bind*"),
// because all tests of the package share one Vault and run in parallel.

const bindingAddr = "vaultboot_oidc_group_binding.test"

// bindingNames returns the naming of binding n in the tests' environment.
func bindingNames(t *testing.T, n string) naming.Binding {
	t.Helper()
	env := accEnv(t)
	b, err := env.Binding(n)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hclStrings(ss ...string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// bindingGroup reads the identity group as root; nil when absent.
func bindingGroup(t *testing.T, name string) map[string]any {
	t.Helper()
	s := testharness.Shared(t).Read(t, naming.IdentityGroupByNamePath(name))
	if s == nil {
		return nil
	}
	return s.Data
}

func bindingAlias(t *testing.T, group map[string]any) map[string]any {
	t.Helper()
	a, _ := group["alias"].(map[string]any)
	return a
}

// bindingAliasHolder names the group that holds alias name on accessor ("" for none).
func bindingAliasHolder(t *testing.T, name, accessor string) string {
	t.Helper()
	s, err := testharness.Shared(t).Client.Logical().Write(naming.IdentityLookupGroupPath(), map[string]any{
		"alias_name": name, "alias_mount_accessor": accessor,
	})
	if err != nil {
		t.Fatalf("lookup group alias %q: %v", name, err)
	}
	if s == nil || s.Data == nil {
		return ""
	}
	return fmt.Sprint(s.Data["name"])
}

// checkBindingInVault asserts the group, its one alias and (when
// wantRole) the login role exactly as the binding manages them.
func checkBindingInVault(t *testing.T, b naming.Binding, mount, accessor, groupID string, policies []string, wantRole bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		g := bindingGroup(t, b.GroupName())
		if g == nil {
			return fmt.Errorf("identity group %s missing", b.GroupName())
		}
		if g["name"] != b.GroupName() || g["type"] != "external" {
			return fmt.Errorf("group name/type = %v/%v, want %s/external", g["name"], g["type"], b.GroupName())
		}
		if got := vaultclient.AsStrings(g["policies"]); !slices.Equal(got, policies) {
			return fmt.Errorf("group policies = %v, want %v", got, policies)
		}
		meta, _ := g["metadata"].(map[string]any)
		if meta[naming.MarkerKey] != naming.MarkerValue || meta[naming.OwnerKey] != b.Owner() || meta[naming.ProjectKey] != testharness.Owner || len(meta) != 3 {
			return fmt.Errorf("group metadata = %v, want exactly vaultboot's markers for %s", meta, b.Owner())
		}
		a := bindingAlias(t, g)
		if a["name"] != groupID || a["mount_accessor"] != accessor {
			return fmt.Errorf("alias = %v on %v, want %q on %s", a["name"], a["mount_accessor"], groupID, accessor)
		}
		role := testharness.Shared(t).Read(t, b.LoginRolePath(mount))
		if !wantRole {
			if role != nil {
				return fmt.Errorf("role %s exists, want none", b.LoginRolePath(mount))
			}
			return nil
		}
		if role == nil {
			return fmt.Errorf("role %s missing", b.LoginRolePath(mount))
		}
		claims, _ := role.Data["bound_claims"].(map[string]any)
		if got := vaultclient.AsStrings(claims["groups"]); len(claims) != 1 || !slices.Equal(got, []string{groupID}) {
			return fmt.Errorf("role bound_claims = %v, want exactly groups = [%q]", claims, groupID)
		}
		if role.Data["bound_claims_type"] != "string" || role.Data["groups_claim"] != "groups" || role.Data["user_claim"] != "sub" {
			return fmt.Errorf("role bound_claims_type/groups_claim/user_claim = %v/%v/%v", role.Data["bound_claims_type"], role.Data["groups_claim"], role.Data["user_claim"])
		}
		return nil
	}
}

func testAccBindingBasic(t *testing.T, groupID string, policies ...string) string {
	return testAccConfig(t, fmt.Sprintf(`
resource "vaultboot_oidc_group_binding" "test" {
  name       = "devs-basic"
  group_id   = %q
  policies   = %s
  auth_mount = "bindbasic"

  login_role {
    bound_audiences = ["vaultboot-acc"]
    token_ttl       = "15m"
  }
}
`, groupID, hclStrings(policies...)))
}

// TestAccOIDCGroupBinding_basic: create, empty second plan, policy and
// group_id updates in place, drift of every managed object repaired by
// apply, import with verify, and destroy removing group, alias and role.
func TestAccOIDCGroupBinding_basic(t *testing.T) {
	v := testharness.Shared(t)
	accessor := v.EnableAuth(t, "bindbasic", "jwt")
	b := bindingNames(t, "devs-basic")
	rolePath := b.LoginRolePath("bindbasic")
	sameGroup := statecheck.CompareValue(compare.ValuesSame())
	var lastAliasID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if g := bindingGroup(t, b.GroupName()); g != nil {
				return fmt.Errorf("group %s still exists", b.GroupName())
			}
			if s := v.Read(t, naming.IdentityGroupAliasByIDPath(lastAliasID)); s != nil {
				return fmt.Errorf("group alias %s still exists: %v", lastAliasID, s.Data)
			}
			if holder := bindingAliasHolder(t, "grp-basic-2", accessor); holder != "" {
				return fmt.Errorf("alias grp-basic-2 still held by %s", holder)
			}
			if s := v.Read(t, rolePath); s != nil {
				return fmt.Errorf("role %s still exists", rolePath)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: testAccBindingBasic(t, "grp-basic-1", "acc-basic-a-read"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("id"), knownvalue.StringExact("devs-basic")),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("identity_group_name"), knownvalue.StringExact("acc-devs-basic")),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("auth_mount_accessor"), knownvalue.StringExact(accessor)),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("adopt_existing"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
						naming.MarkerKey:  knownvalue.StringExact(naming.MarkerValue),
						naming.OwnerKey:   knownvalue.StringExact("acc/devs-basic"),
						naming.ProjectKey: knownvalue.StringExact(testharness.Owner),
					})),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("login_role").AtMapKey("role_name"), knownvalue.StringExact("acc-devs-basic")),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("login_role").AtMapKey("role_type"), knownvalue.StringExact("jwt")),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("login_role").AtMapKey("token_ttl"), knownvalue.StringExact("15m")),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("login_role").AtMapKey("token_max_ttl"), knownvalue.StringExact("8h")),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("login_role").AtMapKey("effective_bound_claims"), knownvalue.MapExact(map[string]knownvalue.Check{
						"groups": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("grp-basic-1")}),
					})),
					sameGroup.AddStateValue(bindingAddr, tfjsonpath.New("identity_group_id")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkBindingInVault(t, b, "bindbasic", accessor, "grp-basic-1", []string{"acc-basic-a-read"}, true),
					func(*terraform.State) error {
						role := v.Read(t, rolePath)
						if fmt.Sprint(role.Data["token_ttl"]) != "900" || fmt.Sprint(role.Data["token_max_ttl"]) != "28800" ||
							role.Data["role_type"] != "jwt" || !slices.Equal(vaultclient.AsStrings(role.Data["bound_audiences"]), []string{"vaultboot-acc"}) {
							return fmt.Errorf("role fields = %v", role.Data)
						}
						return nil
					},
				),
			},
			{
				// The second plan of an unchanged configuration is empty.
				Config: testAccBindingBasic(t, "grp-basic-1", "acc-basic-a-read"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: testAccBindingBasic(t, "grp-basic-1", "acc-basic-a-read", "acc-basic-b-write"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameGroup.AddStateValue(bindingAddr, tfjsonpath.New("identity_group_id"))},
				Check:             checkBindingInVault(t, b, "bindbasic", accessor, "grp-basic-1", []string{"acc-basic-a-read", "acc-basic-b-write"}, true),
			},
			{
				// A new IdP group id changes the alias and the role's bound
				// claim in place; the identity group (and its id) stays.
				Config: testAccBindingBasic(t, "grp-basic-2", "acc-basic-a-read", "acc-basic-b-write"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameGroup.AddStateValue(bindingAddr, tfjsonpath.New("identity_group_id")),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("group_id"), knownvalue.StringExact("grp-basic-2")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkBindingInVault(t, b, "bindbasic", accessor, "grp-basic-2", []string{"acc-basic-a-read", "acc-basic-b-write"}, true),
					func(*terraform.State) error {
						if holder := bindingAliasHolder(t, "grp-basic-1", accessor); holder != "" {
							return fmt.Errorf("old group id still mapped to %s", holder)
						}
						return nil
					},
				),
			},
			{
				// Drift: policies and metadata edited in Vault.
				PreConfig: func() {
					v.Write(t, b.GroupPath(), map[string]any{"policies": []string{"default"}, "metadata": map[string]string{"team": "someone"}})
				},
				Config: testAccBindingBasic(t, "grp-basic-2", "acc-basic-a-read", "acc-basic-b-write"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameGroup.AddStateValue(bindingAddr, tfjsonpath.New("identity_group_id"))},
				Check:             checkBindingInVault(t, b, "bindbasic", accessor, "grp-basic-2", []string{"acc-basic-a-read", "acc-basic-b-write"}, true),
			},
			{
				// Drift: the alias deleted in Vault.
				PreConfig: func() {
					v.Delete(t, naming.IdentityGroupAliasByIDPath(fmt.Sprint(bindingAlias(t, bindingGroup(t, b.GroupName()))["id"])))
				},
				Config: testAccBindingBasic(t, "grp-basic-2", "acc-basic-a-read", "acc-basic-b-write"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddr, plancheck.ResourceActionUpdate)},
				},
				Check: checkBindingInVault(t, b, "bindbasic", accessor, "grp-basic-2", []string{"acc-basic-a-read", "acc-basic-b-write"}, true),
			},
			{
				// Drift: every managed role field edited in Vault, including
				// a glob that would let any group in.
				PreConfig: func() {
					v.Write(t, rolePath, map[string]any{
						"role_type": "jwt", "user_claim": "email", "groups_claim": "roles",
						"bound_claims_type": "glob", "bound_claims": map[string]any{"groups": []string{"*"}},
						"bound_audiences": []string{"anyone"}, "oidc_scopes": []string{"profile"},
						"token_ttl": 86400, "token_max_ttl": 0, "token_policies": []string{"default", "admin"},
					})
				},
				Config: testAccBindingBasic(t, "grp-basic-2", "acc-basic-a-read", "acc-basic-b-write"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkBindingInVault(t, b, "bindbasic", accessor, "grp-basic-2", []string{"acc-basic-a-read", "acc-basic-b-write"}, true),
					func(*terraform.State) error {
						role := v.Read(t, rolePath).Data
						if fmt.Sprint(role["token_ttl"]) != "900" || fmt.Sprint(role["token_max_ttl"]) != "28800" ||
							len(vaultclient.AsStrings(role["token_policies"])) != 0 || len(vaultclient.AsStrings(role["oidc_scopes"])) != 0 ||
							!slices.Equal(vaultclient.AsStrings(role["bound_audiences"]), []string{"vaultboot-acc"}) {
							return fmt.Errorf("role not repaired: %v", role)
						}
						return nil
					},
				),
			},
			{
				// Drift: the role deleted in Vault. The policies, listed out
				// of Vault's sorted order, are a set: no change for them, and
				// the import below verifies against this unsorted config.
				PreConfig: func() { v.Delete(t, rolePath) },
				Config:    testAccBindingBasic(t, "grp-basic-2", "acc-basic-b-write", "acc-basic-a-read"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameGroup.AddStateValue(bindingAddr, tfjsonpath.New("identity_group_id"))},
				Check:             checkBindingInVault(t, b, "bindbasic", accessor, "grp-basic-2", []string{"acc-basic-a-read", "acc-basic-b-write"}, true),
			},
			{
				ResourceName:      bindingAddr,
				ImportState:       true,
				ImportStateId:     "devs-basic",
				ImportStateVerify: true,
			},
			{
				// The group deleted in Vault while the binding's role stays:
				// the plan recreates the group in place (with a new id).
				PreConfig: func() { v.Delete(t, b.GroupPath()) },
				Config:    testAccBindingBasic(t, "grp-basic-2", "acc-basic-a-read", "acc-basic-b-write"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValue(compare.ValuesDiffer()).AddStateValue(bindingAddr, tfjsonpath.New("identity_group_id")),
				},
				Check: checkBindingInVault(t, b, "bindbasic", accessor, "grp-basic-2", []string{"acc-basic-a-read", "acc-basic-b-write"}, true),
			},
			{
				// Group and role both deleted in Vault: the binding is gone
				// and the plan creates it again.
				PreConfig: func() {
					v.Delete(t, b.GroupPath())
					v.Delete(t, rolePath)
				},
				Config: testAccBindingBasic(t, "grp-basic-2", "acc-basic-a-read", "acc-basic-b-write"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddr, plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkBindingInVault(t, b, "bindbasic", accessor, "grp-basic-2", []string{"acc-basic-a-read", "acc-basic-b-write"}, true),
					func(*terraform.State) error {
						lastAliasID = fmt.Sprint(bindingAlias(t, bindingGroup(t, b.GroupName()))["id"])
						return nil
					},
				),
			},
		},
	})
}

// TestAccOIDCGroupBinding_foreign: a group of the same name (in any case)
// that this binding did not create, a login role already on the mount, an
// internal group, and a group id already mapped to another group are never
// taken over silently.
func TestAccOIDCGroupBinding_foreign(t *testing.T) {
	v := testharness.Shared(t)
	accessor := v.EnableAuth(t, "bindforeign", "jwt")
	b := bindingNames(t, "devs-foreign")
	// Made by hand, upper case: Vault's group names are case-insensitive.
	foreign := v.Write(t, naming.IdentityGroupByNamePath("ACC-DEVS-FOREIGN"), map[string]any{"type": "external", "policies": []string{"default"}})
	foreignID := fmt.Sprint(foreign.Data["id"])
	v.Write(t, naming.IdentityGroupByNamePath("acc-devs-internal"), map[string]any{"type": "internal"})
	holder := v.Write(t, naming.IdentityGroupByNamePath("someone-elses-group"), map[string]any{"type": "external"})
	v.Write(t, naming.IdentityGroupAliasPath(), map[string]any{"name": "grp-taken", "mount_accessor": accessor, "canonical_id": holder.Data["id"]})
	v.Write(t, naming.AuthRolePath("bindforeign", "acc-devs-frole"), map[string]any{"role_type": "jwt", "user_claim": "sub", "bound_audiences": []string{"x"}})
	t.Cleanup(func() {
		v.Delete(t, naming.IdentityGroupByNamePath("acc-devs-internal"))
		v.Delete(t, naming.IdentityGroupByNamePath("someone-elses-group"))
		v.Delete(t, naming.AuthRolePath("bindforeign", "acc-devs-frole"))
	})
	config := func(name, groupID, extra string) string {
		return testAccConfig(t, fmt.Sprintf(`
resource "vaultboot_oidc_group_binding" "test" {
  name       = %q
  group_id   = %q
  policies   = ["acc-foreign-read"]
  auth_mount = "bindforeign"
  %s
}
`, name, groupID, extra))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// Refused creates leave nothing behind.
			for _, n := range []string{b.GroupName(), "acc-devs-frole", "acc-devs-taken"} {
				if bindingGroup(t, n) != nil {
					return fmt.Errorf("group %s still exists", n)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      config("devs-foreign", "grp-foreign", ""),
				ExpectError: testharness.ErrorRE("Object Already Exists", `"ACC-DEVS-FOREIGN"`, "already exists", "import it", "adopt_existing = true"),
			},
			{
				Config:      config("devs-internal", "grp-internal", "adopt_existing = true"),
				ExpectError: testharness.ErrorRE("Identity Group Is Not External", `"acc-devs-internal" exists with type "internal"`, "cannot change a group's type"),
			},
			{
				Config:      config("devs-taken", "grp-taken", ""),
				ExpectError: testharness.ErrorRE("Group ID Already Bound", `"grp-taken" is already mapped on auth mount "bindforeign" to the identity group "someone-elses-group"`),
			},
			{
				Config:      config("devs-frole", "grp-frole", "login_role {\n    bound_audiences = [\"x\"]\n  }"),
				ExpectError: testharness.ErrorRE("Object Already Exists", "auth/bindforeign/role/acc-devs-frole already exists", "adopt_existing = true"),
			},
			{
				// adopt_existing takes the foreign group over: same group,
				// renamed to E-N, marked, with the binding's policies.
				Config: config("devs-foreign", "grp-foreign", "adopt_existing = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("identity_group_id"), knownvalue.StringExact(foreignID)),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("identity_group_name"), knownvalue.StringExact("acc-devs-foreign")),
				},
				Check: checkBindingInVault(t, b, "bindforeign", accessor, "grp-foreign", []string{"acc-foreign-read"}, false),
			},
		},
	})
}

// TestAccOIDCGroupBinding_badInput: bad input is refused with a clear
// message, at plan time where Vault need not be asked.
func TestAccOIDCGroupBinding_badInput(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, "bindbaduserpass", "userpass")
	v.EnableAuth(t, "bindbadoidc", "oidc")
	config := func(attrs string) string {
		return testAccConfig(t, fmt.Sprintf(`
resource "vaultboot_oidc_group_binding" "test" {
%s
}
`, attrs))
	}
	valid := `  name = "devs-bad"
  group_id = "grp-bad"
  policies = ["acc-bad-read"]
  auth_mount = "bindbadoidc"
`
	plan := func(attrs string, want ...string) resource.TestStep {
		return resource.TestStep{Config: config(attrs), PlanOnly: true, ExpectError: testharness.ErrorRE(want...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			plan(strings.Replace(valid, `"grp-bad"`, `""`, 1), `Invalid Group ID`, `group id is empty`),
			plan(strings.Replace(valid, `"grp-bad"`, `" grp-bad"`, 1), `Invalid Group ID`, `leading or trailing whitespace`),
			plan(strings.Replace(valid, `"grp-bad"`, `"grp-bad\t"`, 1), `Invalid Group ID`, `leading or trailing whitespace`),
			plan(strings.Replace(valid, `"grp-bad"`, `"grp\u0007bad"`, 1), `Invalid Group ID`, `control character`),
			plan(strings.Replace(valid, `"devs-bad"`, `"Devs_Bad"`, 1), `Invalid Name`, `not a valid name`),
			plan(strings.Replace(valid, `"devs-bad"`, `"deploy-x"`, 1), `Invalid Name`, `reserved prefix`),
			plan(strings.Replace(valid, `["acc-bad-read"]`, `["root"]`, 1), `Invalid Policy Name`, `root`),
			plan(strings.Replace(valid, `["acc-bad-read"]`, `["Acc Bad"]`, 1), `Invalid Policy Name`, `not a valid policy name`),
			plan(strings.Replace(valid, `["acc-bad-read"]`, `[]`, 1), `policies`, `at least 1`),
			plan(strings.Replace(valid, `"bindbadoidc"`, `"../sys"`, 1), `Invalid Mount Path`),
			// A userpass mount's logins carry no groups claim.
			plan(strings.Replace(valid, `"bindbadoidc"`, `"bindbaduserpass"`, 1), `Unsupported Auth Mount Type`, `"bindbaduserpass"`, `type "userpass"`, `oidc or jwt`),
			// An OIDC role needs redirect URIs; known from the mount at plan time.
			plan(valid+"  login_role {}\n", `Missing Redirect URIs`, `"bindbadoidc"`, `type oidc`),
			plan(valid+"  login_role {\n    allowed_redirect_uris = [\"not a uri\"]\n  }\n", `Invalid Redirect URI`),
			plan(valid+"  login_role {\n    allowed_redirect_uris = [\"https://vault.test/cb\"]\n    bound_claims = { groups = [\"other\"] }\n  }\n", `Groups Claim in Bound Claims`),
			plan(valid+"  login_role {\n    allowed_redirect_uris = [\"https://vault.test/cb\"]\n    token_ttl = \"9h\"\n  }\n", `Token TTL Above Maximum`),
			plan(valid+"  login_role {\n    allowed_redirect_uris = [\"https://vault.test/cb\"]\n    groups_claim = \"my groups\"\n  }\n", `Invalid Claim Name`),
			{
				// A mount that does not exist may still be created in the same
				// run, so it is reported when apply needs it.
				Config:      config(strings.Replace(valid, `"bindbadoidc"`, `"bindnomount"`, 1)),
				ExpectError: testharness.ErrorRE("Auth Mount Not Found", "No auth method is enabled at auth/bindnomount", "type oidc or jwt"),
			},
		},
	})
}

// TestAccOIDCGroupBinding_mountAndRole: the auth mount defaults to the
// provider's conventions; changing it moves the alias and the login role in
// place; an oidc mount gets an oidc role; removing login_role deletes the
// role.
func TestAccOIDCGroupBinding_mountAndRole(t *testing.T) {
	v := testharness.Shared(t)
	jwtAccessor := v.EnableAuth(t, "bindmovejwt", "jwt")
	oidcAccessor := v.EnableAuth(t, "bindmoveoidc", "oidc")
	b := bindingNames(t, "devs-move")
	sameGroup := statecheck.CompareValue(compare.ValuesSame())
	conventions := `conventions { oidc_auth_mount = "bindmovejwt" }`
	config := func(mountLine, role string) string {
		return testharness.Shared(t).ProviderBlock(testAccEnv, conventions) + fmt.Sprintf(`
resource "vaultboot_oidc_group_binding" "test" {
  name     = "devs-move"
  group_id = "grp-move"
  policies = ["acc-move-read"]
  %s
  %s
}
`, mountLine, role)
	}
	oidcRole := `login_role {
    allowed_redirect_uris = ["https://vault.test:8200/ui/vault/auth/bindmoveoidc/oidc/callback"]
    oidc_scopes           = ["groups"]
  }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if bindingGroup(t, b.GroupName()) != nil || v.Read(t, b.LoginRolePath("bindmoveoidc")) != nil {
				return fmt.Errorf("group or role of %s left behind", b.Name())
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config("", "login_role {}"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("auth_mount"), knownvalue.StringExact("bindmovejwt")),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("login_role").AtMapKey("role_type"), knownvalue.StringExact("jwt")),
					sameGroup.AddStateValue(bindingAddr, tfjsonpath.New("identity_group_id")),
				},
				Check: checkBindingInVault(t, b, "bindmovejwt", jwtAccessor, "grp-move", []string{"acc-move-read"}, true),
			},
			{
				Config: config(`auth_mount = "bindmoveoidc"`, oidcRole),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("auth_mount_accessor"), knownvalue.StringExact(oidcAccessor)),
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("login_role").AtMapKey("role_type"), knownvalue.StringExact("oidc")),
					sameGroup.AddStateValue(bindingAddr, tfjsonpath.New("identity_group_id")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkBindingInVault(t, b, "bindmoveoidc", oidcAccessor, "grp-move", []string{"acc-move-read"}, true),
					func(*terraform.State) error {
						if v.Read(t, b.LoginRolePath("bindmovejwt")) != nil {
							return fmt.Errorf("role left behind on the old mount")
						}
						role := v.Read(t, b.LoginRolePath("bindmoveoidc")).Data
						if role["role_type"] != "oidc" || !slices.Equal(vaultclient.AsStrings(role["oidc_scopes"]), []string{"groups"}) {
							return fmt.Errorf("oidc role = %v", role)
						}
						return nil
					},
				),
			},
			{
				ResourceName:      bindingAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config: config(`auth_mount = "bindmoveoidc"`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(bindingAddr, tfjsonpath.New("login_role"), knownvalue.Null()),
					sameGroup.AddStateValue(bindingAddr, tfjsonpath.New("identity_group_id")),
				},
				Check: checkBindingInVault(t, b, "bindmoveoidc", oidcAccessor, "grp-move", []string{"acc-move-read"}, false),
			},
		},
	})
}
