package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

const k8sApp = `resource "vaultboot_app_secret_path" %[1]q {
  app = %[1]q
  kubernetes {
    namespaces       = ["payments"]
    service_accounts = ["payments"]
  }
}
`

// TestAccPreflight_missingMounts: v1 planned green with a conventions
// mount that does not exist, and apply failed after writing policies, KV
// metadata or CA documents. The plan now names the mount and the setting.
func TestAccPreflight_missingMounts(t *testing.T) {
	v := testharness.StartVault(t)
	v.EnableSecrets(t, "kv-one", "kv", map[string]string{"version": "1"})
	conv := func(line string) string { return "conventions {\n    " + line + "\n  }" }
	caPEM := testCert(t, "vaultboot preflight CA", true, timeNowPlusYear())
	caSync := caSyncResource("preflight", fmt.Sprintf("    pem = <<-EOT\n%s    EOT", indent(caPEM)), caSyncDefaultBlocks)
	binding := "resource \"vaultboot_oidc_group_binding\" \"devs\" {\n  name     = \"devs\"\n  group_id = \"grp-devs\"\n  policies = [\"acc-payments-read\"]\n}\n"
	steps := []struct{ cfg, want string }{
		{v.ProviderBlock(testAccEnv) + fmt.Sprintf(k8sApp, "payments"), `Kubernetes auth mount "kubernetes" (conventions.kubernetes_auth_mount)`},
		{v.ProviderBlock(testAccEnv, conv(`kv_mount = "nokv"`)) + guardApp, `KV v2 mount "nokv" (conventions.kv_mount)`},
		{v.ProviderBlock(testAccEnv, conv(`kv_mount = "kv-one"`)) + guardApp, `"kv-one" (conventions.kv_mount) at ` + v.Addr + ` is KV version 1`},
		{v.ProviderBlock(testAccEnv) + caSync, `Kubernetes auth mount "kubernetes"`},
		{v.ProviderBlock(testAccEnv) + binding, "Auth Mount Not Found"},
	}
	var ts []tfresource.TestStep
	for _, s := range steps {
		ts = append(ts, tfresource.TestStep{Config: s.cfg, PlanOnly: true, ExpectError: testharness.ErrorRE(s.want)})
	}
	tfresource.Test(t, tfresource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: ts})
	assertAbsent(t, v, "sys/policies/acl/acc-payments-read", "secret/metadata/acc/payments", "sys/policies/acl/acc-ca-sync-preflight")
}

// limitedProviderBlock is the provider block of v with a token that holds
// only the policy name, written with the given rules: it lets a create's
// first writes through and denies a later one.
func limitedProviderBlock(t *testing.T, v *testharness.Vault, name, rules string) string {
	t.Helper()
	v.Write(t, naming.PolicyPath(name), map[string]any{"policy": rules})
	tok, err := v.Client.Auth().Token().Create(&api.TokenCreateRequest{Policies: []string{name}, NoDefaultPolicy: true})
	if err != nil {
		t.Fatal(err)
	}
	limited := *v
	limited.Token = tok.Auth.ClientToken
	return limited.ProviderBlock(testAccEnv)
}

// TestAccPreflight_mountRemovedBeforeApply: the plan saw the Kubernetes
// mount, then it was removed before the apply. The apply (a new provider
// process: nothing cached) checks again before its first write and leaves
// nothing behind.
func TestAccPreflight_mountRemovedBeforeApply(t *testing.T) {
	v := testharness.StartVault(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	ctx := context.Background()
	if err := testClient(t, v, testAccEnv).RequireKubernetesAuth(ctx); err != nil {
		t.Fatalf("plan-time check: %v", err)
	}
	if err := v.Client.Sys().DisableAuth("kubernetes"); err != nil {
		t.Fatal(err)
	}
	r := &appSecretPathResource{vaultResource{client: testClient(t, v, testAccEnv)}}
	state := appState(t, r, "removed")
	resp := resource.CreateResponse{State: tfsdk.State{Schema: state.Schema, Raw: tftypes.NewValue(state.Schema.Type().TerraformType(ctx), nil)}}
	r.Create(ctx, resource.CreateRequest{Plan: tfsdk.Plan(state)}, &resp)
	errs := resp.Diagnostics.Errors()
	if len(errs) != 1 || errs[0].Summary() != "Mount Not Usable" {
		t.Fatalf("create: %v", resp.Diagnostics)
	}
	t.Logf("%s: %s", errs[0].Summary(), errs[0].Detail())
	if !resp.State.Raw.IsNull() {
		t.Error("a refused create recorded state")
	}
	assertAbsent(t, v, "sys/policies/acl/acc-removed-read", "sys/policies/acl/acc-removed-write", "secret/metadata/acc/removed")
}

// TestAccPreflight_failedCreateStaysInState: a 403 on the last write
// (the role) left v1's policies and KV metadata outside state, where
// destroy never found them. A create that fails after its first write now
// records the app (tainted), so removing it from the configuration
// destroys what was made, and keeping it replaces it.
func TestAccPreflight_failedCreateStaysInState(t *testing.T) {
	v := testharness.StartVault(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	limited := limitedProviderBlock(t, v, "no-role-write", `
path "vaultboot/data/environment" { capabilities = ["read"] }
path "sys/mounts/secret" { capabilities = ["read"] }
path "secret/metadata/acc/orphan" { capabilities = ["create", "read", "update"] }
path "sys/policies/acl/acc-orphan-*" { capabilities = ["read", "update"] }
path "auth/kubernetes/role/acc-orphan" { capabilities = ["read"] }
`)
	// purge_on_destroy, and a secret kept from an earlier life of the app:
	// the replacement of the failed create must not purge it.
	app := strings.Replace(fmt.Sprintf(k8sApp, "orphan"), "app = \"orphan\"", "app = \"orphan\"\n  purge_on_destroy = true", 1)
	env := accEnv(t)
	orphan, _ := env.App("orphan")
	v.Write(t, orphan.MetadataPath(), map[string]any{"custom_metadata": orphan.Markers()})
	v.Write(t, orphan.DataPath(), map[string]any{"data": map[string]any{"API_KEY": "kept"}})
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: limited + app, ExpectError: testharness.ErrorRE("Unable to Create App Secret Path", "Permission denied on auth/kubernetes/role/acc-orphan")},
			{
				Config: v.ProviderBlock(testAccEnv) + app,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("vaultboot_app_secret_path.orphan", plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
			{
				PreConfig: func() {
					if s := v.Read(t, orphan.KubernetesRolePath()); s == nil {
						t.Error("the replacing apply did not complete the role")
					}
					if s := v.Read(t, orphan.DataPath()); s == nil {
						t.Error("replacing the failed create purged the kept secret")
					}
				},
				Config: v.ProviderBlock(testAccEnv) + `data "vaultboot_environment" "only" {}`,
				Check: func(*terraform.State) error {
					assertAbsent(t, v, naming.PolicyPath(orphan.ReadPolicyName()), naming.PolicyPath(orphan.WritePolicyName()), orphan.KubernetesRolePath())
					return nil
				},
			},
		},
	})
}

// TestAccPreflight_namespaceWithoutNamespaces: Vault's open-source edition
// ignores X-Vault-Namespace, so v1 applied a "team-a" project to the root
// namespace without a word. A namespace on a server without namespaces is
// an error now, for resources and data sources alike.
func TestAccPreflight_namespaceWithoutNamespaces(t *testing.T) {
	v := testharness.StartVault(t)
	want := testharness.ErrorRE("Vault Has No Namespaces", `namespace is "team-a"`, "(version 1.13.0) has no namespaces", "Remove namespace")
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: v.ProviderBlock(testAccEnv, `namespace = "team-a"`) + guardApp, PlanOnly: true, ExpectError: want},
			{Config: v.ProviderBlock(testAccEnv, `namespace = "team-a"`) + `data "vaultboot_environment" "this" {}`, ExpectError: want},
		},
	})
	assertAbsent(t, v, "sys/policies/acl/acc-payments-read")
}

// TestAccCASyncPolicy_markersFirst: v1 wrote the CA sync document before
// its markers, so a failure in between (here a 403 on the markers) left an
// unmarked document the next create refused as foreign. The markers go
// first now: the failed create is recorded (tainted) and the next apply
// completes it without adopt_existing.
func TestAccCASyncPolicy_markersFirst(t *testing.T) {
	v := testharness.StartVault(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	limited := limitedProviderBlock(t, v, "no-doc-markers", `
path "*" { capabilities = ["create", "read", "update", "delete", "list", "sudo"] }
path "secret/metadata/_vaultboot/acc/ca-sync/order" { capabilities = ["read"] }
`)
	caPEM := testCert(t, "vaultboot order CA", true, timeNowPlusYear())
	cfg := caSyncResource("order", fmt.Sprintf("    pem = <<-EOT\n%s    EOT", indent(caPEM)), caSyncDefaultBlocks)
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: limited + cfg, ExpectError: testharness.ErrorRE("Unable to Mark the CA Sync Document", "Permission denied on secret/metadata/_vaultboot/acc/ca-sync/order")},
			{
				PreConfig: func() { assertAbsent(t, v, "secret/data/_vaultboot/acc/ca-sync/order") },
				Config:    v.ProviderBlock(testAccEnv) + cfg,
			},
		},
	})
}
