package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// Every test here stamps or checks a stamp, so each runs on its own
// dedicated Vault: the shared one stays unstamped for the other tests.

const (
	stampPath         = "vaultboot/data/environment"
	stampMetadataPath = "vaultboot/metadata/environment"
)

// stampOf returns the environment v is stamped with and the stamp's
// current version ("" and 0 when unstamped).
func stampOf(t *testing.T, v *testharness.Vault) (string, int64) {
	t.Helper()
	s := v.Read(t, stampPath)
	if s == nil {
		return "", 0
	}
	data, _ := s.Data["data"].(map[string]any)
	meta, _ := s.Data["metadata"].(map[string]any)
	version := vaultclient.AsInt(meta["version"])
	env, _ := data["environment"].(string)
	return env, version
}

// stamp writes a stamp as another project's vaultboot_environment would.
func stamp(t *testing.T, v *testharness.Vault, env string) {
	t.Helper()
	if mountOf(t, v, naming.StampMount) == nil {
		v.EnableSecrets(t, naming.StampMount, "kv", map[string]string{"version": "2"})
	}
	writeStamp(t, v, stampPath, env)
}

// writeStamp writes a stamp at a KV v2 data path: the fixed location or
// one where vaultboot v1 kept stamps.
func writeStamp(t *testing.T, v *testharness.Vault, path, env string) {
	t.Helper()
	v.Write(t, path, map[string]any{"data": map[string]any{"environment": env, naming.MarkerKey: naming.MarkerValue}})
}

func mountOf(t *testing.T, v *testharness.Vault, path string) *api.MountOutput {
	t.Helper()
	mounts, err := v.Client.Sys().ListMounts()
	if err != nil {
		t.Fatal(err)
	}
	return mounts[path+"/"]
}

// TestAccEnvironment_basic stamps a fresh Vault, updates the description in
// place, repairs drift, imports, and destroys the stamp but not the mount.
func TestAccEnvironment_basic(t *testing.T) {
	v := testharness.StartVault(t)
	res := "vaultboot_environment.this"
	cfg := func(desc string) string {
		return v.ProviderBlock("integration") + fmt.Sprintf("resource \"vaultboot_environment\" \"this\" {\n  description = %q\n}\n", desc)
	}
	stampIs := func(env, desc string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			s := v.Read(t, stampPath)
			if s == nil {
				return fmt.Errorf("no stamp at %s", stampPath)
			}
			data, _ := s.Data["data"].(map[string]any)
			if data["environment"] != env || data["description"] != desc || data[naming.MarkerKey] != naming.MarkerValue {
				return fmt.Errorf("stamp data %v", data)
			}
			meta := v.Read(t, stampMetadataPath)
			custom, _ := meta.Data["custom_metadata"].(map[string]any)
			if custom[naming.MarkerKey] != naming.MarkerValue || custom[naming.OwnerKey] != env {
				return fmt.Errorf("stamp metadata lacks markers: %v", custom)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if env, _ := stampOf(t, v); env != "" {
				return fmt.Errorf("stamp %q still exists after destroy", env)
			}
			if m := mountOf(t, v, "secret"); m == nil || m.Options["version"] != "2" {
				return fmt.Errorf("destroy removed or changed the KV mount: %+v", m)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg("integration cluster"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("id"), knownvalue.StringExact("integration")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("environment"), knownvalue.StringExact("integration")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("kv_mount"), knownvalue.StringExact("secret")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("stamp_path"), knownvalue.StringExact(stampPath)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            stampIs("integration", "integration cluster"),
			},
			{
				Config: cfg("integration cluster, eu-west"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				Check: stampIs("integration", "integration cluster, eu-west"),
			},
			{
				PreConfig: func() {
					v.Write(t, stampPath, map[string]any{"data": map[string]any{"environment": "integration", "description": "edited in the UI"}})
				},
				Config: cfg("integration cluster, eu-west"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				Check: stampIs("integration", "integration cluster, eu-west"),
			},
			{ResourceName: res, ImportState: true, ImportStateId: "integration", ImportStateVerify: true},
			{
				ResourceName:  res,
				ImportState:   true,
				ImportStateId: "production",
				ExpectError:   testharness.ErrorRE("Invalid Import ID", `configured for "integration", not "production"`),
			},
			{
				// Stamp deleted out of band: the plan creates it again.
				PreConfig: func() { v.Delete(t, stampMetadataPath) },
				Config:    cfg("integration cluster, eu-west"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionCreate),
				}},
				Check: stampIs("integration", "integration cluster, eu-west"),
			},
		},
	})
}

// TestAccEnvironment_kvMount shows the mount rules: an absent conventions
// mount is created as KV v2; an existing KV v1 or non-KV mount is refused
// and left exactly as it was, and nothing is stamped.
func TestAccEnvironment_kvMount(t *testing.T) {
	v := testharness.StartVault(t)
	v.EnableSecrets(t, "kv-one", "kv", map[string]string{"version": "1"})
	v.EnableSecrets(t, "not-kv", "pki", nil)
	cfg := func(mount string) string {
		return v.ProviderBlock("integration", fmt.Sprintf("conventions {\n    kv_mount = %q\n  }", mount)) + "resource \"vaultboot_environment\" \"this\" {}\n"
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("kv-one"), PlanOnly: true, ExpectError: testharness.ErrorRE("KV Mount Is Not Version 2", `"kv-one"`, "KV version 1", "never retunes an existing mount")},
			{Config: cfg("not-kv"), ExpectError: testharness.ErrorRE("KV Mount Is Not a KV Mount", `"pki" secrets engine`, "never replaces an existing mount")},
			{
				Config: cfg("kv-fresh"),
				Check: func(*terraform.State) error {
					m := mountOf(t, v, "kv-fresh")
					if m == nil || m.Type != "kv" || m.Options["version"] != "2" {
						return fmt.Errorf("kv-fresh is not a KV v2 mount: %+v", m)
					}
					if s := v.Read(t, stampPath); s == nil {
						return fmt.Errorf("no stamp at %s", stampPath)
					}
					if s := v.Read(t, "kv-fresh/data/_vaultboot/environment"); s != nil {
						return fmt.Errorf("a stamp in the conventions' KV mount: the stamp has one fixed place")
					}
					return nil
				},
			},
		},
	})
	if m := mountOf(t, v, "kv-one"); m == nil || m.Type != "kv" || m.Options["version"] != "1" {
		t.Errorf("the KV v1 mount was changed: %+v", m)
	}
	if m := mountOf(t, v, "not-kv"); m == nil || m.Type != "pki" {
		t.Errorf("the pki mount was changed: %+v", m)
	}
	for _, p := range []string{"kv-one/_vaultboot/environment", "kv-one/data/_vaultboot/environment", stampPath} {
		if s := v.Read(t, p); s != nil {
			t.Errorf("refused create wrote %s", p)
		}
	}
	if m := mountOf(t, v, "kv-fresh"); m == nil {
		t.Error("destroy removed the mount the resource created: it may hold secrets by then")
	}
}

// TestAccEnvironment_refusesRestamp shows a production project cannot stamp
// (or adopt) a Vault stamped integration, and leaves the stamp untouched.
func TestAccEnvironment_refusesRestamp(t *testing.T) {
	v := testharness.StartVault(t)
	stamp(t, v, "integration")
	want := testharness.ErrorRE("Environment Mismatch", v.Addr, `stamped environment "integration"`, `configured for environment "production"`, "never re-stamps")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: v.ProviderBlock("production") + "resource \"vaultboot_environment\" \"this\" {}\n", PlanOnly: true, ExpectError: want},
			{Config: v.ProviderBlock("production") + "resource \"vaultboot_environment\" \"this\" {}\n", ExpectError: want},
			{Config: v.ProviderBlock("production") + "resource \"vaultboot_environment\" \"this\" {\n  adopt_existing = true\n}\n", ExpectError: want},
		},
	})
	if env, version := stampOf(t, v); env != "integration" || version != 1 {
		t.Errorf("stamp is now %q version %d, want integration version 1", env, version)
	}
}

// TestAccEnvironment_existingStampNeedsImport shows create does not take
// over a stamp of its own environment it did not create, until
// adopt_existing; a Vault stamped by hand keeps its environment.
func TestAccEnvironment_existingStampNeedsImport(t *testing.T) {
	v := testharness.StartVault(t)
	stamp(t, v, "integration")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      v.ProviderBlock("integration") + "resource \"vaultboot_environment\" \"this\" {}\n",
				ExpectError: testharness.ErrorRE(`The environment stamp "integration" at vaultboot/data/environment`, "already exists; import it or set adopt_existing = true"),
			},
			{
				Config: v.ProviderBlock("integration") + "resource \"vaultboot_environment\" \"this\" {\n  adopt_existing = true\n}\n",
				Check: func(*terraform.State) error {
					if env, version := stampOf(t, v); env != "integration" || version != 2 {
						return fmt.Errorf("stamp %q version %d after adopt", env, version)
					}
					return nil
				},
			},
		},
	})
}

// TestAccEnvironmentGuard_mismatch points a production provider at a Vault
// stamped integration: the plan fails, naming both environments and the
// address, before any write — the policy, role and document the CA sync
// policy would create do not exist afterwards.
func TestAccEnvironmentGuard_mismatch(t *testing.T) {
	v := testharness.StartVault(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	stamp(t, v, "integration")
	caPEM := testCert(t, "vaultboot guard CA", true, timeNowPlusYear())
	cfg := v.ProviderBlock("production") + caSyncResource("guarded", fmt.Sprintf("    pem = <<-EOT\n%s    EOT", indent(caPEM)), caSyncDefaultBlocks)
	want := testharness.ErrorRE("Environment Mismatch", v.Addr, `stamped environment "integration"`, `configured for environment "production"`, "refusing to touch it")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ExpectError: want},
			{Config: cfg, PlanOnly: true, ExpectError: want},
			{Config: v.ProviderBlock("production") + `data "vaultboot_environment" "this" {}`, ExpectError: want},
		},
	})
	for _, p := range []string{
		"sys/policies/acl/production-ca-sync-guarded",
		"auth/kubernetes/role/production-ca-sync-guarded",
		"secret/metadata/_vaultboot/production/ca-sync/guarded",
	} {
		if s := v.Read(t, p); s != nil {
			t.Errorf("%s exists: the guard let a write through", p)
		}
	}
	if env, version := stampOf(t, v); env != "integration" || version != 1 {
		t.Errorf("stamp is now %q version %d", env, version)
	}
}

// TestAccEnvironmentGuard_missingStamp shows an unstamped Vault is a
// warning, not an error: resources apply and nothing stamps it behind the
// user's back; the data source reports it unstamped.
func TestAccEnvironmentGuard_missingStamp(t *testing.T) {
	v := testharness.StartVault(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	caPEM := testCert(t, "vaultboot unstamped CA", true, timeNowPlusYear())
	cfg := v.ProviderBlock("integration") + caSyncResource("unstamped", fmt.Sprintf("    pem = <<-EOT\n%s    EOT", indent(caPEM)), caSyncDefaultBlocks) +
		"data \"vaultboot_environment\" \"this\" {}\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.vaultboot_environment.this", tfjsonpath.New("stamped"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.vaultboot_environment.this", tfjsonpath.New("environment"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.vaultboot_environment.this", tfjsonpath.New("address"), knownvalue.StringExact(v.Addr)),
				statecheck.ExpectKnownValue("vaultboot_namespace_ca_sync_policy.unstamped", tfjsonpath.New("policy_name"), knownvalue.StringExact("integration-ca-sync-unstamped")),
			},
			Check: func(*terraform.State) error {
				if env, _ := stampOf(t, v); env != "" {
					return fmt.Errorf("something stamped the Vault %q", env)
				}
				return nil
			},
		}},
	})
}

// TestAccEnvironmentGuard_diagnostics calls the guard as every resource
// does, to show what plugin-testing cannot: the missing-stamp warning comes
// once per provider run, and a mismatch is an error for every caller.
func TestAccEnvironmentGuard_diagnostics(t *testing.T) {
	v := testharness.StartVault(t)
	ctx := context.Background()

	unstamped := testClient(t, v, "integration")
	var first, second diag.Diagnostics
	if !checkEnvironment(ctx, unstamped, &first) || !checkEnvironment(ctx, unstamped, &second) {
		t.Fatal("a missing stamp stopped the guard")
	}
	if len(first) != 1 || first[0].Severity() != diag.SeverityWarning || first[0].Summary() != "Vault Has No Environment Stamp" {
		t.Errorf("first caller: %v", first)
	}
	if len(second) != 0 {
		t.Errorf("second caller got %v: the warning must show once per run", second)
	}
	t.Logf("missing stamp: %s: %s", first[0].Summary(), first[0].Detail())

	stamp(t, v, "integration")
	production := testClient(t, v, "production")
	for i := 0; i < 2; i++ {
		var d diag.Diagnostics
		if checkEnvironment(ctx, production, &d) {
			t.Fatalf("call %d: mismatch passed the guard", i+1)
		}
		if len(d) != 1 || d[0].Summary() != "Environment Mismatch" || !regexp.MustCompile(`Vault at `+regexp.QuoteMeta(v.Addr)+` is stamped environment "integration" at vaultboot/data/environment but this provider is configured for environment "production"`).MatchString(d[0].Detail()) {
			t.Errorf("call %d: %v", i+1, d)
		}
		if i == 0 {
			t.Logf("mismatch: %s: %s", d[0].Summary(), d[0].Detail())
		}
	}
	var ok diag.Diagnostics
	if !checkEnvironment(ctx, testClient(t, v, "integration"), &ok) || len(ok) != 0 {
		t.Errorf("matching stamp: %v", ok)
	}
}

// TestAccEnvironmentDataSource_stamped reads a stamp made by the resource.
func TestAccEnvironmentDataSource_stamped(t *testing.T) {
	v := testharness.StartVault(t)
	ds := "data.vaultboot_environment.this"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: v.ProviderBlock("integration") + `
resource "vaultboot_environment" "this" {
  description = "integration cluster"
}

data "vaultboot_environment" "this" {
  depends_on = [vaultboot_environment.this]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("environment"), knownvalue.StringExact("integration")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("stamped"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("description"), knownvalue.StringExact("integration cluster")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("kv_mount"), knownvalue.StringExact("secret")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("stamp_path"), knownvalue.StringExact(stampPath)),
			},
		}},
	})
}
