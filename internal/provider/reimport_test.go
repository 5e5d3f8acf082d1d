package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestAccReimport_bindingAndCASync is the import fidelity check of the
// group binding and the CA sync policy (and of an app configured with empty
// values): objects the provider made, forgotten by a removed block (nothing
// destroyed) and imported again with the same configuration (durations
// spelled unlike Vault, empty strings, lists and maps as modules pass them),
// plan no change.
func TestAccReimport_bindingAndCASync(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, "bindreimport", "jwt")
	v.EnableAuth(t, caSyncK8sMount, "kubernetes")
	resources := `
resource "vaultboot_app_secret_path" "reimport-empty" {
  app             = "reimport-empty"
  description     = ""
  custom_metadata = {}
}

resource "vaultboot_oidc_group_binding" "reimport" {
  name       = "reimport"
  group_id   = "grp-reimport"
  policies   = ["acc-reimport-write"]
  auth_mount = "bindreimport"

  login_role {
    bound_audiences = ["vaultboot-acc"]
    bound_claims    = {}
    oidc_scopes     = []
    token_ttl       = "1d"
    token_max_ttl   = "2880m"
  }
}
` + caSyncResource("reimport", `    pem = <<-EOT
`+indent(testCert(t, "vaultboot reimport CA", true, timeNowPlusYear()))+`    EOT`, `
  namespaces {
    match_names    = []
    match_prefixes = ["team-"]
    exclude_names  = []
  }
  target {
    kind   = "Secret"
    labels = {}
  }
  syncer {
    namespace       = "vault-system"
    service_account = "ca-syncer"
  }`)
	ids := map[string]string{
		"vaultboot_oidc_group_binding.reimport":       "reimport",
		"vaultboot_namespace_ca_sync_policy.reimport": "reimport",
		appAddr("reimport-empty"):                     "reimport-empty",
	}
	var addrs []string
	var removed, imports string
	for a, id := range ids {
		addrs = append(addrs, a)
		removed += fmt.Sprintf("removed {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", a)
		imports += fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", a, id)
	}
	noop := []plancheck.PlanCheck{}
	for _, a := range addrs {
		noop = append(noop, plancheck.ExpectResourceAction(a, plancheck.ResourceActionNoop))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: caSyncConfig(t, resources)},
			{Config: caSyncConfig(t, removed)},
			{
				Config:           caSyncConfig(t, resources+imports),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: noop},
			},
		},
	})
}
