package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hashicorp/vault/api"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
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
  app            = vaultboot_app_secret_path.payroll.app
  with_key_names = true
}

data "vaultboot_app_secret_path" "missing" {
  app            = "payroll-missing"
  with_key_names = true
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
	annotations := exactStrings(app.AgentAnnotations(naming.FormatShell, nil))
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

// providerAs is the acceptance provider block logged in with token instead
// of the root token. (One provider configuration per step: the test
// framework serves every alias from one provider instance.)
func providerAs(t *testing.T, v *testharness.Vault, token string) string {
	t.Helper()
	root := fmt.Sprintf("token       = %q", v.Token)
	block := v.ProviderBlock(testAccEnv)
	if !strings.Contains(block, root) {
		t.Fatalf("provider block has no root token line to replace:\n%s", block)
	}
	return strings.Replace(block, root, fmt.Sprintf("token       = %q", token), 1)
}

// childToken creates a token holding exactly policies (and Vault's default
// policy, as a login would).
func childToken(t *testing.T, v *testharness.Vault, policies ...string) string {
	t.Helper()
	s, err := v.Client.Auth().Token().Create(&api.TokenCreateRequest{Policies: policies, TTL: "1h"})
	if err != nil || s.Auth == nil {
		t.Fatalf("create token with %v: %v", policies, err)
	}
	return s.Auth.ClientToken
}

// TestAccAppSecretPathDataSource_appTokens: the data source works for the
// tokens its documentation names, the app's own E-A-read and E-A-write
// tokens, which may not read the environment stamp (a warning, not an
// error); key_names only with with_key_names = true, and then they are the
// secret's key names as that token sees them.
func TestAccAppSecretPathDataSource_appTokens(t *testing.T) {
	v := testharness.Shared(t)
	app := testAccApp(t, "journal")
	// The app as vaultboot makes it, written as root so that the steps'
	// only provider is the app token's.
	v.Write(t, naming.PolicyPath(app.ReadPolicyName()), map[string]any{"policy": app.ReadPolicy()})
	v.Write(t, naming.PolicyPath(app.WritePolicyName()), map[string]any{"policy": app.WritePolicy()})
	v.Write(t, app.MetadataPath(), map[string]any{"custom_metadata": app.Metadata(nil, "")})
	v.Write(t, app.DataPath(), map[string]any{"data": map[string]any{"JOURNAL_DSN": "x", "API_TOKEN": "y"}})
	readToken, writeToken := childToken(t, v, app.ReadPolicyName()), childToken(t, v, app.WritePolicyName())
	env, _ := naming.NewEnv(testAccEnv, naming.DefaultConventions())
	if caps := v.Capabilities(t, readToken, env.StampDataPath()); len(caps) != 1 || caps[0] != "deny" {
		t.Fatalf("the read token may read the stamp (%v): this test would not prove the warning path", caps)
	}
	const dataSources = `
data "vaultboot_app_secret_path" "keys" {
  app            = "journal"
  with_key_names = true
}

data "vaultboot_app_secret_path" "names_only" {
  app = "journal"
}
`
	const keys, namesOnly = "data.vaultboot_app_secret_path.keys", "data.vaultboot_app_secret_path.names_only"
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(keys, tfjsonpath.New("exists"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue(keys, tfjsonpath.New("key_names"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("API_TOKEN"), knownvalue.StringExact("JOURNAL_DSN")})),
		statecheck.ExpectKnownValue(keys, tfjsonpath.New("read_policy"), knownvalue.StringExact(app.ReadPolicyName())),
		statecheck.ExpectKnownValue(namesOnly, tfjsonpath.New("exists"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue(namesOnly, tfjsonpath.New("key_names"), knownvalue.Null()),
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: providerAs(t, v, readToken) + dataSources, ConfigStateChecks: checks},
			{Config: providerAs(t, v, writeToken) + dataSources, ConfigStateChecks: checks},
		},
	})
}

// TestAccAppSecretPathDataSource_stampWarning checks the diagnostic that
// terraform-plugin-testing cannot assert: for a token that may not read the
// environment stamp the data source's guard is a warning saying it cannot
// verify the environment, while the root token's guard passes silently
// (the shared Vault is stamped or not: either way no error).
func TestAccAppSecretPathDataSource_stampWarning(t *testing.T) {
	v := testharness.Shared(t)
	app := testAccApp(t, "stampless")
	e := accEnv(t)
	c, err := vaultclient.New(context.Background(), vaultclient.Config{Address: v.Addr, Token: childToken(t, v, app.ReadPolicyName()), Env: e, RetryTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.Diagnostics
	if !checkEnvironmentOrWarn(context.Background(), c, &diags) || diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("read token: %v, want exactly one warning", diags)
	}
	w := diags.Warnings()[0]
	if w.Summary() != "Cannot Verify the Environment" || !strings.Contains(w.Detail(), "cannot verify that the Vault at "+v.Addr+` belongs to environment "`+testAccEnv+`"`) {
		t.Errorf("warning %q: %q", w.Summary(), w.Detail())
	}
	t.Logf("%s: %s", w.Summary(), w.Detail())
	var rootDiags diag.Diagnostics
	if !checkEnvironmentOrWarn(context.Background(), testClient(t, v, testAccEnv), &rootDiags) || rootDiags.HasError() {
		t.Errorf("root token: %v", rootDiags)
	}
}
