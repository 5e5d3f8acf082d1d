package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestAccAppSecretPathDataSource: the computed names, exists, and key_names
// following the secret's latest version (names only: no value reaches the
// state); an app without a secret has exists = false.
func TestAccAppSecretPathDataSource(t *testing.T) {
	v := testharness.Shared(t)
	app := testAccApp(t, "payroll")
	config := testAccConfig(t, `
resource "vaultboot_app_secret_path" "payroll" {
  app = "payroll"
}

data "vaultboot_app_secret_path" "payroll" {
  app = vaultboot_app_secret_path.payroll.app
}

data "vaultboot_app_secret_path" "missing" {
  app = "payroll-missing"
}
`)
	const ds, missing = "data.vaultboot_app_secret_path.payroll", "data.vaultboot_app_secret_path.missing"
	keys := func(addr string, names ...string) statecheck.StateCheck {
		checks := make([]knownvalue.Check, len(names))
		for i, n := range names {
			checks[i] = knownvalue.StringExact(n)
		}
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New("key_names"), knownvalue.ListExact(checks))
	}
	exists := func(addr string, want bool) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New("exists"), knownvalue.Bool(want))
	}
	annotations := map[string]knownvalue.Check{}
	for k, val := range app.AgentAnnotations() {
		annotations[k] = knownvalue.StringExact(val)
	}
	const secretValue = "never-in-state-9f3c"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("path"), knownvalue.StringExact(app.LogicalPath())),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("data_path"), knownvalue.StringExact(app.DataPath())),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("read_policy"), knownvalue.StringExact(app.ReadPolicyName())),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("write_policy"), knownvalue.StringExact(app.WritePolicyName())),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("kubernetes_role"), knownvalue.StringExact(app.KubernetesRoleName())),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("agent_annotations"), knownvalue.MapExact(annotations)),
					exists(ds, true), keys(ds),
					exists(missing, false), keys(missing),
				},
			},
			{
				PreConfig: func() {
					v.Write(t, app.DataPath(), map[string]any{"data": map[string]any{"DB_PASSWORD": secretValue, "API_KEY": secretValue}})
				},
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{exists(ds, true), keys(ds, "API_KEY", "DB_PASSWORD")},
				Check: func(s *terraform.State) error {
					for addr, rs := range s.RootModule().Resources {
						for k, val := range rs.Primary.Attributes {
							if strings.Contains(val, secretValue) {
								return fmt.Errorf("a secret value reached the state: %s.%s", addr, k)
							}
						}
					}
					return nil
				},
			},
			{
				// A soft-deleted latest version has no readable keys.
				PreConfig:         func() { v.Delete(t, app.DataPath()) },
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{exists(ds, true), keys(ds)},
			},
		},
	})
}
