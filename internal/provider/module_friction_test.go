package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestAccModuleFriction: what a shared module passes through from its
// variables means the same as leaving it out: description = "" is no
// description, empty selector sets and maps are absent; an app without a
// kubernetes block advertises no role and no annotations. Each applies and
// then plans nothing.
func TestAccModuleFriction(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, caSyncK8sMount, "kubernetes")
	app := testAccApp(t, "passthrough")
	cs := caSyncNames(t, "passthrough")
	config := caSyncConfig(t, `
resource "vaultboot_app_secret_path" "passthrough" {
  app             = "passthrough"
  description     = ""
  custom_metadata = {}
}
`+caSyncResource("passthrough", `    pem = <<-EOT
`+indent(testCert(t, "vaultboot passthrough CA", true, timeNowPlusYear()))+`    EOT`, `
  namespaces {
    match_names    = []
    match_prefixes = ["team-"]
    match_labels   = {}
    exclude_names  = []
  }
  target {
    kind        = "Secret"
    labels      = {}
    annotations = {}
  }
  syncer {
    namespace       = "vault-system"
    service_account = "ca-syncer"
  }`))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: append(expectComputed(t, app, false),
				statecheck.ExpectKnownValue(appAddr("passthrough"), tfjsonpath.New("description"), knownvalue.StringExact(""))),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				if err := checkMetadata(v, app, 10, false, "0s", withMarkers(app, nil)); err != nil {
					return fmt.Errorf("description = \"\" must write no description: %w", err)
				}
				if err := checkGone(v, app.KubernetesRolePath()); err != nil {
					return err
				}
				secret := v.Read(t, cs.DocumentDataPath())
				data, _ := secret.Data["data"].(map[string]any)
				doc, err := naming.ParseCASyncDocument(data)
				if err != nil {
					return err
				}
				if sel := doc.Namespaces; len(sel.MatchNames) != 0 || len(sel.MatchLabels) != 0 || len(sel.ExcludeNames) != 0 || fmt.Sprint(sel.MatchPrefixes) != "[team-]" {
					return fmt.Errorf("the selector is %+v, want only the prefix team-", sel)
				}
				return nil
			},
		}},
	})
}

// TestAccOIDCGroupBinding_policyWarnings: granted policies that do not exist
// in Vault, or that vaultboot wrote for another environment, warn at plan
// time, naming them; this environment's app policies (which the same apply
// may create) and existing policies do not.
func TestAccOIDCGroupBinding_policyWarnings(t *testing.T) {
	v := testharness.Shared(t)
	other, err := naming.NewEnv("elsewhere", naming.DefaultConventions())
	if err != nil {
		t.Fatal(err)
	}
	foreign, _ := other.App("payments")
	v.Write(t, naming.PolicyPath(foreign.WritePolicyName()), map[string]any{"policy": foreign.WritePolicy()})
	v.Write(t, naming.PolicyPath("shared-readonly"), map[string]any{"policy": "path \"sys/health\" {\n  capabilities = [\"read\"]\n}\n"})
	var diags diag.Diagnostics
	warnBindingPolicies(context.Background(), testClient(t, v, testAccEnv), []string{
		"shared-readonly", "acc-notyet-write", "typo-policy", foreign.WritePolicyName(),
	}, &diags)
	if diags.HasError() || len(diags) != 2 {
		t.Fatalf("diagnostics %v, want two warnings", diags)
	}
	missing, crossed := diags[0], diags[1]
	if missing.Summary() != "Granted Policy Does Not Exist" || !strings.Contains(missing.Detail(), `"typo-policy"`) ||
		strings.Contains(missing.Detail(), "acc-notyet-write") || strings.Contains(missing.Detail(), "shared-readonly") {
		t.Errorf("missing: %s: %s", missing.Summary(), missing.Detail())
	}
	if crossed.Summary() != "Granted Policy Belongs to Another Environment" || !strings.Contains(crossed.Detail(), `"elsewhere-payments-write" (environment "elsewhere")`) {
		t.Errorf("crossed: %s: %s", crossed.Summary(), crossed.Detail())
	}
	for _, d := range diags {
		t.Logf("%s: %s", d.Summary(), d.Detail())
	}
}

// TestAccAppSecretPath_nonASCIIName: a name with a look-alike letter is
// refused at plan time with the letter escaped, so the diagnostic shows
// why "pаyments" is not "payments".
func TestAccAppSecretPath_nonASCIIName(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      testAccConfig(t, "resource \"vaultboot_app_secret_path\" \"x\" {\n  app = \"p\u0430yments\"\n}\n"),
			PlanOnly:    true,
			ExpectError: testharness.ErrorRE(`"p\u0430yments" is not a valid name`),
		}},
	})
}
