package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// importBlock is an import block for the app resource named after its app.
func importBlock(app string) string {
	return fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", appAddr(app), app)
}

// TestAccAppSecretPath_importHandMade: importing a hand-made app reads back
// every field Vault holds, including a role vaultboot did not make (its
// extra namespace, audience, TTLs and extra token policy), so the plan shows
// exactly what apply changes, and apply changes exactly that.
func TestAccAppSecretPath_importHandMade(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	app := testAccApp(t, "handmade")
	addr := appAddr("handmade")
	v.Write(t, app.MetadataPath(), map[string]any{"max_versions": 7, "custom_metadata": map[string]string{"team": "handmade"}})
	v.Write(t, naming.PolicyPath(app.ReadPolicyName()), map[string]any{"policy": "path \"secret/data/acc/handmade\" {\n  capabilities = [\"read\"]\n}\n"})
	v.Write(t, app.KubernetesRolePath(), map[string]any{
		"bound_service_account_namespaces": []string{"handmade", "handmade-debug"},
		"bound_service_account_names":      []string{"handmade"},
		"audience":                         "vault",
		"token_ttl":                        3600,
		"token_max_ttl":                    86400,
		"token_policies":                   []string{app.ReadPolicyName(), "handmade-admin"},
	})
	config := testAccAppConfig(t, "handmade", `
  max_versions    = 7
  custom_metadata = { team = "handmade" }
  kubernetes {
    namespaces       = ["handmade"]
    service_accounts = ["handmade"]
    audience         = "vault"
    token_ttl        = "1h"
    token_max_ttl    = "1d"
  }`) + importBlock("handmade")
	before := func(path []string, want string) expectBefore {
		return expectBefore{addr, path, func(got any) bool { return fmt.Sprint(got) == want }, want}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					// What Vault holds, read back by the import ...
					before([]string{"kubernetes", "namespaces"}, "[handmade handmade-debug]"),
					before([]string{"kubernetes", "token_policies"}, "[acc-handmade-read handmade-admin]"),
					before([]string{"kubernetes", "audience"}, "vault"),
					before([]string{"kubernetes", "token_ttl"}, "1h"),
					before([]string{"kubernetes", "token_max_ttl"}, "24h"),
					before([]string{"max_versions"}, "7"),
					before([]string{"custom_metadata"}, "map[team:handmade]"),
					before([]string{"write_policy_document"}, "<nil>"),
					// ... and what apply makes of it. An equal duration in
					// another spelling ("1d", Vault's 24h) is no change.
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("kubernetes").AtMapKey("namespaces"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("handmade")})),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("kubernetes").AtMapKey("token_policies"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(app.ReadPolicyName())})),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("kubernetes").AtMapKey("token_max_ttl"), knownvalue.StringExact("24h")),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				if err := checkAppPolicies(v, app); err != nil {
					return err
				}
				return checkRole(v, app, roleWant{namespaces: []string{"handmade"}, serviceAccounts: []string{"handmade"}, audience: "vault", ttl: 3600, maxTTL: 86400, policies: []string{app.ReadPolicyName()}})
			},
		}},
	})
}

// TestAccAppSecretPath_importKeptSecret: an app whose conventions were
// destroyed keeps its secret; importing it (secret there, policies gone)
// works, and the plan writes the policies back.
func TestAccAppSecretPath_importKeptSecret(t *testing.T) {
	v := testharness.Shared(t)
	app := testAccApp(t, "kept")
	config := testAccAppConfig(t, "kept", `  description = "kept after destroy"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyKeepsSecret(v, app, 1),
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				v.Write(t, app.DataPath(), map[string]any{"data": map[string]any{"TOKEN": "v1"}})
				return nil
			},
		}},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config + importBlock("kept"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(appAddr("kept"), plancheck.ResourceActionUpdate),
					expectBefore{appAddr("kept"), []string{"read_policy_document"}, func(got any) bool { return got == nil }, "no policy"},
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				if err := checkAppPolicies(v, app); err != nil {
					return err
				}
				return checkMetadata(v, app, 10, false, "0s", withMarkers(app, map[string]string{naming.DescriptionKey: "kept after destroy"}))
			},
		}},
	})
}

// TestAccAppSecretPath_importOwnIsEmpty: forget an app the provider made
// (removed block, nothing destroyed), import it again with the same
// configuration, durations spelled unlike Vault ("30d", "90s", "1d"): the
// import plans no change at all.
func TestAccAppSecretPath_importOwnIsEmpty(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	app := testAccApp(t, "reimport")
	config := testAccAppConfig(t, "reimport", `
  description          = "made by vaultboot"
  delete_version_after = "30d"
  custom_metadata      = { team = "reimport" }
  kubernetes {
    namespaces       = ["reimport"]
    service_accounts = ["reimport"]
    token_ttl        = "90s"
    token_max_ttl    = "1d"
  }`)
	removed := testAccConfig(t, fmt.Sprintf("removed {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", appAddr("reimport")))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{Config: removed},
			{
				Config: config + importBlock("reimport"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(appAddr("reimport"), plancheck.ResourceActionNoop)},
				},
				Check: func(*terraform.State) error {
					return checkMetadata(v, app, 10, false, "720h0m0s", withMarkers(app, map[string]string{"team": "reimport", naming.DescriptionKey: "made by vaultboot"}))
				},
			},
		},
	})
}
