package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

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

// testAccAppConfig is one vaultboot_app_secret_path named after its app.
func testAccAppConfig(t *testing.T, app, body string) string {
	return testAccConfig(t, fmt.Sprintf("resource \"vaultboot_app_secret_path\" %q {\n  app = %q\n%s\n}\n", app, app, body))
}

func appAddr(app string) string { return "vaultboot_app_secret_path." + app }

// expectComputed checks every computed attribute against naming; without a
// role there is no role name and there are no annotations.
func expectComputed(t *testing.T, app naming.App, withRole bool) []statecheck.StateCheck {
	addr := appAddr(app.Name())
	str := func(attr, want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.StringExact(want))
	}
	checks := []statecheck.StateCheck{
		str("id", app.Name()),
		str("path", testAccEnv+"/"+app.Name()),
		str("data_path", "secret/data/"+testAccEnv+"/"+app.Name()),
		str("read_policy", testAccEnv+"-"+app.Name()+"-read"),
		str("write_policy", testAccEnv+"-"+app.Name()+"-write"),
		str("read_policy_document", app.ReadPolicy()),
		str("write_policy_document", app.WritePolicy()),
	}
	if !withRole {
		return append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("kubernetes_role"), knownvalue.Null()),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("agent_annotations"), knownvalue.Null()))
	}
	return append(checks,
		str("kubernetes_role", testAccEnv+"-"+app.Name()),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("agent_annotations"), knownvalue.MapExact(exactStrings(app.AgentAnnotations(naming.FormatShell, nil)))),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("kubernetes").AtMapKey("token_policies"),
			knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(app.ReadPolicyName())})))
}

// exactStrings is a map check for exactly these strings.
func exactStrings(m map[string]string) map[string]knownvalue.Check {
	out := make(map[string]knownvalue.Check, len(m))
	for k, v := range m {
		out[k] = knownvalue.StringExact(v)
	}
	return out
}

// checkDestroyKeepsSecret is the default destroy: policies and role gone,
// the metadata kept with its markers and the removed marker.
func checkDestroyKeepsSecret(v *testharness.Vault, app naming.App, wantVersions int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if err := checkGone(v, naming.PolicyPath(app.ReadPolicyName()), naming.PolicyPath(app.WritePolicyName()), app.KubernetesRolePath()); err != nil {
			return err
		}
		s, err := metadata(v, app)
		if err != nil {
			return err
		}
		if s == nil {
			return fmt.Errorf("destroy deleted the metadata of %s", app.LogicalPath())
		}
		custom := customMetadata(s)
		if !naming.IsMarked(custom, app.Owner()) {
			return fmt.Errorf("destroy dropped the markers: %v", custom)
		}
		if _, err := time.Parse(time.RFC3339, custom[naming.RemovedKey]); err != nil {
			return fmt.Errorf("removed marker %q is not an RFC3339 time: %w", custom[naming.RemovedKey], err)
		}
		if got := vaultclient.AsInt(s.Data["current_version"]); got != wantVersions {
			return fmt.Errorf("current_version = %d after destroy, want %d", got, wantVersions)
		}
		versions, _ := s.Data["versions"].(map[string]any)
		if int64(len(versions)) != wantVersions {
			return fmt.Errorf("destroy left %d versions, want %d", len(versions), wantVersions)
		}
		return nil
	}
}

// TestAccAppSecretPath_lifecycle: create with exact computed values and an
// empty second plan, import, in-place update of every updatable input
// checked in Vault, removal of the kubernetes block, destroy that keeps the
// secret.
func TestAccAppSecretPath_lifecycle(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	app := testAccApp(t, "payments")
	addr := appAddr("payments")
	create := `
  description     = "Payment service"
  custom_metadata = { team = "payments" }
  kubernetes {
    namespaces       = ["payments"]
    service_accounts = ["payments"]
  }`
	update := `
  description          = "Payment service, v2"
  max_versions         = 5
  cas_required         = true
  delete_version_after = "720h"
  custom_metadata      = { team = "payments-core", tier = "1" }
  kubernetes {
    namespaces       = ["payments", "payments-canary"]
    service_accounts = ["payments", "payments-worker"]
    audience         = "vault"
    token_ttl        = "30m"
    token_max_ttl    = "2h"
  }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyKeepsSecret(v, app, 0),
		Steps: []resource.TestStep{
			{
				Config: testAccAppConfig(t, "payments", create),
				ConfigStateChecks: append(expectComputed(t, app, true),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("max_versions"), knownvalue.Int64Exact(10)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cas_required"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("delete_version_after"), knownvalue.StringExact("0s")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("purge_on_destroy"), knownvalue.Bool(false)),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if err := checkAppPolicies(v, app); err != nil {
						return err
					}
					if err := checkRole(v, app, roleWant{namespaces: []string{"payments"}, serviceAccounts: []string{"payments"}, audience: "", policies: []string{app.ReadPolicyName()}}); err != nil {
						return err
					}
					s, err := metadata(v, app)
					if err == nil && s != nil && vaultclient.AsInt(s.Data["current_version"]) != 0 {
						return fmt.Errorf("create wrote a secret version: %v", s.Data["current_version"])
					}
					return checkMetadata(v, app, 10, false, "0s", withMarkers(app, map[string]string{"team": "payments", naming.DescriptionKey: "Payment service"}))
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "payments",
				ImportStateVerify: true,
			},
			{
				Config: testAccAppConfig(t, "payments", update),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("delete_version_after"), knownvalue.StringExact("720h")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("kubernetes").AtMapKey("token_ttl"), knownvalue.StringExact("30m")),
				},
				Check: func(*terraform.State) error {
					if err := checkRole(v, app, roleWant{
						namespaces: []string{"payments", "payments-canary"}, serviceAccounts: []string{"payments", "payments-worker"},
						audience: "vault", ttl: 1800, maxTTL: 7200, policies: []string{app.ReadPolicyName()},
					}); err != nil {
						return err
					}
					return checkMetadata(v, app, 5, true, "720h0m0s", withMarkers(app, map[string]string{"team": "payments-core", "tier": "1", naming.DescriptionKey: "Payment service, v2"}))
				},
			},
			{
				// Vault answers 720h0m0s and seconds; an import reads them back
				// in their shortest spelling, which is how the config says them.
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "id",
			},
			{
				Config: testAccAppConfig(t, "payments", `
  description = "Payment service"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("kubernetes"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("custom_metadata"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
				Check: func(*terraform.State) error {
					if err := checkGone(v, app.KubernetesRolePath()); err != nil {
						return err
					}
					return checkMetadata(v, app, 10, false, "0s", withMarkers(app, map[string]string{naming.DescriptionKey: "Payment service"}))
				},
			},
		},
	})
}

// expectBefore asserts the prior (refreshed) value of an attribute in the
// plan, so a test sees that the plan noticed an out-of-band change.
type expectBefore struct {
	addr  string
	path  []string // attribute names from the resource root
	match func(any) bool
	want  string
}

func (e expectBefore) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.addr {
			continue
		}
		got := rc.Change.Before
		for _, name := range e.path {
			m, _ := got.(map[string]any)
			got = m[name]
		}
		if !e.match(got) {
			resp.Error = fmt.Errorf("%s.%s before the change is %#v: want %s", e.addr, strings.Join(e.path, "."), got, e.want)
		}
		return
	}
	resp.Error = fmt.Errorf("no planned change for %s", e.addr)
}

// driftStep changes Vault behind Terraform's back, then expects the plan to
// show it (action, and the drifted value before the change) and apply to
// restore the exact contents.
func driftStep(config string, change func(), action plancheck.ResourceActionType, restored resource.TestCheckFunc, checks ...plancheck.PlanCheck) resource.TestStep {
	return resource.TestStep{
		PreConfig: change,
		Config:    config,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply:             append([]plancheck.PlanCheck{plancheck.ExpectResourceAction(appAddr("billing"), action)}, checks...),
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		Check: restored,
	}
}

// TestAccAppSecretPath_drift: a policy, the role and the metadata changed
// one at a time through the Vault API each show in the plan, and apply
// restores the exact contents; objects deleted out of band are recreated;
// lost markers and a single lost policy are repaired in place.
func TestAccAppSecretPath_drift(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	app := testAccApp(t, "billing")
	addr := appAddr("billing")
	config := testAccAppConfig(t, "billing", `
  custom_metadata = { team = "billing" }
  kubernetes {
    namespaces       = ["billing"]
    service_accounts = ["billing"]
  }`)
	injected := "\npath \"secret/data/*\" {\n  capabilities = [\"read\"]\n}\n"
	restored := func(*terraform.State) error {
		if err := checkAppPolicies(v, app); err != nil {
			return err
		}
		if err := checkRole(v, app, roleWant{namespaces: []string{"billing"}, serviceAccounts: []string{"billing"}, policies: []string{app.ReadPolicyName()}}); err != nil {
			return err
		}
		return checkMetadata(v, app, 10, false, "0s", withMarkers(app, map[string]string{"team": "billing"}))
	}
	contains := func(want string) func(any) bool {
		return func(got any) bool { return strings.Contains(fmt.Sprint(got), want) }
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, Check: restored},
			driftStep(config, func() {
				v.Write(t, naming.PolicyPath(app.ReadPolicyName()), map[string]any{"policy": app.ReadPolicy() + injected})
			}, plancheck.ResourceActionUpdate, restored,
				expectBefore{addr, []string{"read_policy_document"}, contains(injected), "the edited policy"},
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("read_policy_document"), knownvalue.StringExact(app.ReadPolicy())),
			),
			driftStep(config, func() {
				v.Write(t, app.KubernetesRolePath(), map[string]any{
					"bound_service_account_namespaces": []string{"elsewhere"},
					"token_policies":                   []string{app.ReadPolicyName(), "admin"},
					"token_ttl":                        600,
				})
			}, plancheck.ResourceActionUpdate, restored,
				expectBefore{addr, []string{"kubernetes", "token_policies"}, contains("admin"), "the added policy"},
				expectBefore{addr, []string{"kubernetes", "namespaces"}, contains("elsewhere"), "the changed namespace"},
				expectBefore{addr, []string{"kubernetes", "token_ttl"}, func(got any) bool { return got == "10m" }, "Vault's TTL"},
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("kubernetes").AtMapKey("token_policies"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(app.ReadPolicyName())})),
			),
			driftStep(config, func() {
				v.Write(t, app.MetadataPath(), map[string]any{
					"max_versions":    3,
					"custom_metadata": withMarkers(app, map[string]string{"team": "ops", "extra": "x"}),
				})
			}, plancheck.ResourceActionUpdate, restored,
				expectBefore{addr, []string{"max_versions"}, func(got any) bool { return fmt.Sprint(got) == "3" }, "3"},
				expectBefore{addr, []string{"custom_metadata"}, contains("extra"), "the added key"},
			),
			driftStep(config, func() {
				v.Delete(t, naming.PolicyPath(app.ReadPolicyName()))
				v.Delete(t, naming.PolicyPath(app.WritePolicyName()))
				v.Delete(t, app.KubernetesRolePath())
			}, plancheck.ResourceActionCreate, restored),
			driftStep(config, func() {
				v.Write(t, app.MetadataPath(), map[string]any{"custom_metadata": map[string]string{"team": "billing"}})
			}, plancheck.ResourceActionUpdate, restored,
				expectBefore{addr, []string{"max_versions"}, func(got any) bool { return got == nil }, "null (metadata not marked)"},
			),
			driftStep(config, func() {
				v.Delete(t, naming.PolicyPath(app.WritePolicyName()))
			}, plancheck.ResourceActionUpdate, restored,
				expectBefore{addr, []string{"write_policy_document"}, func(got any) bool { return got == nil }, "null (policy missing)"},
			),
		},
	})
}

// TestAccAppSecretPath_destroyKeepsSecret: destroy removes policies and role
// and keeps every version; creating the app again picks the kept secret up.
func TestAccAppSecretPath_destroyKeepsSecret(t *testing.T) {
	t.Parallel() // once: the two test cases below run in sequence
	v := testharness.Shared(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	app := testAccApp(t, "ledger")
	config := testAccAppConfig(t, "ledger", `
  kubernetes {
    namespaces       = ["ledger"]
    service_accounts = ["ledger"]
  }`)
	writeVersions := func(*terraform.State) error {
		for _, val := range []string{"v1", "v2"} {
			if _, err := v.Client.Logical().Write(app.DataPath(), map[string]any{"data": map[string]any{"TOKEN": val}}); err != nil {
				return err
			}
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyKeepsSecret(v, app, 2),
		Steps:                    []resource.TestStep{{Config: config, Check: writeVersions}},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyKeepsSecret(v, app, 2),
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				s, err := metadata(v, app)
				if err != nil {
					return err
				}
				if removed, ok := customMetadata(s)[naming.RemovedKey]; ok {
					return fmt.Errorf("create again kept the removed marker %q", removed)
				}
				data, err := vaultRead(v.Client, app.DataPath())
				if err != nil || data == nil {
					return fmt.Errorf("the kept secret is unreadable: %w", err)
				}
				if got := fmt.Sprint(data.Data["data"]); got != "map[TOKEN:v2]" {
					return fmt.Errorf("latest version holds %v, want v2", got)
				}
				return nil
			},
		}},
	})
}

// TestAccAppSecretPath_purgeOnDestroy: with purge_on_destroy the metadata and
// every version are deleted too.
func TestAccAppSecretPath_purgeOnDestroy(t *testing.T) {
	v := testharness.Shared(t)
	app := testAccApp(t, "archive")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return checkGone(v, naming.PolicyPath(app.ReadPolicyName()), naming.PolicyPath(app.WritePolicyName()), app.MetadataPath(), app.DataPath())
		},
		Steps: []resource.TestStep{{
			Config: testAccAppConfig(t, "archive", `  purge_on_destroy = true`),
			Check: func(*terraform.State) error {
				_, err := v.Client.Logical().Write(app.DataPath(), map[string]any{"data": map[string]any{"K": "v"}})
				return err
			},
		}},
	})
}

// TestAccAppSecretPath_adoptExisting: create refuses foreign objects with
// the "already exists" error and writes nothing; adopt_existing takes them
// over and keeps the secret's versions.
func TestAccAppSecretPath_adoptExisting(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	app := testAccApp(t, "invoices")
	addr := appAddr("invoices")
	kubernetes := `
  kubernetes {
    namespaces       = ["invoices"]
    service_accounts = ["invoices"]
  }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyKeepsSecret(v, app, 1),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					v.Write(t, naming.PolicyPath(app.ReadPolicyName()), map[string]any{"policy": "path \"secret/data/legacy\" {\n  capabilities = [\"read\"]\n}\n"})
					v.Write(t, app.DataPath(), map[string]any{"data": map[string]any{"LEGACY": "1"}})
					v.Write(t, app.KubernetesRolePath(), map[string]any{
						"bound_service_account_namespaces": []string{"legacy"},
						"bound_service_account_names":      []string{"legacy"},
						"token_policies":                   []string{"legacy"},
					})
				},
				// One refused create reports every foreign object.
				Config: testAccAppConfig(t, "invoices", kubernetes),
				ExpectError: regexp.MustCompile(`(?s)` + testharness.ErrorRE(`The KV secret acc/invoices (metadata at secret/metadata/acc/invoices) already exists; import it or set adopt_existing = true to take it over. It is not marked as vaultboot's for acc/invoices`).String() +
					`.*` + testharness.ErrorRE(`The policy "acc-invoices-read" (sys/policies/acl/acc-invoices-read) already exists; import it or set adopt_existing = true to take it over. It is not marked as vaultboot's for acc/invoices`).String() +
					`.*` + testharness.ErrorRE(`The Kubernetes auth role "acc-invoices" (auth/kubernetes/role/acc-invoices) already exists; import it or set adopt_existing = true to take it over. It is not marked as vaultboot's for acc/invoices`).String()),
			},
			{
				PreConfig: func() {
					if err := checkGone(v, naming.PolicyPath(app.WritePolicyName())); err != nil {
						t.Fatalf("the refused create wrote something: %v", err)
					}
				},
				Config: testAccAppConfig(t, "invoices", kubernetes+"\n  adopt_existing = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: expectComputed(t, app, true),
				Check: func(*terraform.State) error {
					if err := checkAppPolicies(v, app); err != nil {
						return err
					}
					if err := checkRole(v, app, roleWant{namespaces: []string{"invoices"}, serviceAccounts: []string{"invoices"}, policies: []string{app.ReadPolicyName()}}); err != nil {
						return err
					}
					if err := checkMetadata(v, app, 10, false, "0s", withMarkers(app, nil)); err != nil {
						return err
					}
					data, err := vaultRead(v.Client, app.DataPath())
					if err != nil || data == nil {
						return fmt.Errorf("adopting lost the secret: %w", err)
					}
					return nil
				},
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"adopt_existing"},
			},
		},
	})
}

// TestAccAppSecretPath_invalidInput: every bad input fails at plan time on
// its attribute, before anything reaches Vault.
func TestAccAppSecretPath_invalidInput(t *testing.T) {
	bad := func(attrLine, body string, want string) resource.TestStep {
		return resource.TestStep{
			Config:      testAccConfig(t, "resource \"vaultboot_app_secret_path\" \"bad\" {\n"+body+"\n}\n"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)` + regexp.QuoteMeta(want) + `.*` + attrLine),
		}
	}
	k8s := func(extra string) string {
		return "  app = \"refunds\"\n  kubernetes {\n    namespaces       = [\"refunds\"]\n    service_accounts = [\"refunds\"]\n" + extra + "  }"
	}
	var steps []resource.TestStep
	for _, name := range []string{
		`Refunds`, `ref..unds`, `ref/unds`, `ref*`, `ref\"unds`, `ref{unds}`, `ref\nunds`, ``,
		"a" + strings.Repeat("b", 40), `deploy-refunds`, `ca-sync-refunds`, `-refunds`,
	} {
		steps = append(steps, bad(`app\s+=`, "  app = \""+name+"\"", "Invalid Name"))
	}
	steps = append(steps,
		bad(`namespaces\s+=`, "  app = \"refunds\"\n  kubernetes {\n    namespaces       = [\"*\"]\n    service_accounts = [\"refunds\"]\n  }", "Wildcard Not Allowed"),
		bad(`service_accounts\s+=`, "  app = \"refunds\"\n  kubernetes {\n    namespaces       = [\"refunds\"]\n    service_accounts = [\"*\"]\n  }", "Wildcard Not Allowed"),
		bad(`namespaces\s+=`, "  app = \"refunds\"\n  allow_wildcard = true\n  kubernetes {\n    namespaces       = [\"*\", \"refunds\"]\n    service_accounts = [\"refunds\"]\n  }", "Wildcard Mixed With Names"),
		bad(`namespaces\s+=`, "  app = \"refunds\"\n  kubernetes {\n    namespaces       = [\"team-*\"]\n    service_accounts = [\"refunds\"]\n  }", "Invalid Namespace"),
		bad(`token_ttl\s+=`, k8s("    token_ttl = \"-5m\"\n"), "Invalid Duration"),
		bad(`token_max_ttl\s+=`, k8s("    token_max_ttl = \"-1h\"\n"), "Invalid Duration"),
		bad(`token_ttl\s+=`, k8s("    token_ttl = \"2h\"\n    token_max_ttl = \"1h\"\n"), "Token TTL Above Maximum"),
		bad(`delete_version_after\s+=`, "  app = \"refunds\"\n  delete_version_after = \"-1s\"", "Invalid Duration"),
		bad(`max_versions\s+=`, "  app = \"refunds\"\n  max_versions = -1", "Invalid Attribute Value"),
		bad(`custom_metadata\s+=`, "  app = \"refunds\"\n  custom_metadata = { \""+naming.OwnerKey+"\" = \"acc/other\" }", "Invalid Metadata Key"),
		bad(`custom_metadata\s+=`, "  app = \"refunds\"\n  custom_metadata = { team = \"\" }", "Invalid Metadata Value"),
		bad(`description\s+=`, "  app = \"refunds\"\n  description = \""+strings.Repeat("d", 513)+"\"", "Invalid Description"),
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// TestAccAppSecretPath_wildcardAllowed: allow_wildcard lets ["*"] through
// (with a plan-time warning, see TestAppSecretPathWildcardWarning) and the
// role really is bound to every namespace.
func TestAccAppSecretPath_wildcardAllowed(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	app := testAccApp(t, "status-page")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccAppConfig(t, "status-page", `
  allow_wildcard = true
  kubernetes {
    namespaces       = ["*"]
    service_accounts = ["status-page"]
  }`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				return checkRole(v, app, roleWant{namespaces: []string{"*"}, serviceAccounts: []string{"status-page"}, policies: []string{app.ReadPolicyName()}})
			},
		}},
	})
}
