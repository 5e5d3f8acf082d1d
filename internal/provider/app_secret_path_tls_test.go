package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestAccAppSecretPath_injectorTLS closes the CA loop on a -dev-tls Vault: a
// CA sync policy publishes that Vault's own CA for a Secret target, the app
// takes the policy's injector_tls, and its annotations name exactly the
// Secret name and key the published document gives the syncer. Then the
// real Vault Agent does what the injected one would: it trusts only the CA
// from the document, mounted at the annotation's ca-cert path, logs in with
// the annotation's role as the app's service account (Kubernetes auth) and
// renders the annotation's template. A ConfigMap target is refused at plan.
func TestAccAppSecretPath_injectorTLS(t *testing.T) {
	t.Parallel()
	v := testharness.StartVault(t, testharness.TLS())
	k := testharness.SharedKube(t)
	v.ConfigureKubernetesAuth(t, "kubernetes", k)
	app := testAccApp(t, "tlsapp")
	env, err := naming.NewEnv(testAccEnv, naming.DefaultConventions())
	if err != nil {
		t.Fatal(err)
	}
	cs, err := env.CASync("vault-ca")
	if err != nil {
		t.Fatal(err)
	}
	config := func(kind string) string {
		return v.ProviderBlock(testAccEnv) + fmt.Sprintf(`
resource "vaultboot_namespace_ca_sync_policy" "vault_ca" {
  name = "vault-ca"
  ca_source {
    pem = <<-EOT
%s    EOT
  }
  namespaces {
    match_names = ["tlsapp"]
  }
  target {
    kind = %q
    name = "vault-tls-ca"
    key  = "vault-ca.pem"
  }
  syncer {
    namespace       = "vault-system"
    service_account = "ca-syncer"
  }
}

resource "vaultboot_app_secret_path" "tlsapp" {
  app = "tlsapp"
  kubernetes {
    namespaces       = ["tlsapp"]
    service_accounts = ["tlsapp"]
  }
  injector_tls = vaultboot_namespace_ca_sync_policy.vault_ca.injector_tls
}
`, indent(v.CACertPEM), kind)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(naming.TargetKindConfigMap),
				PlanOnly:    true,
				ExpectError: testharness.ErrorRE("Injector TLS Needs a Secret", "takes a Secret, not a ConfigMap"),
			},
			{
				Config: config(naming.TargetKindSecret),
				Check: func(s *terraform.State) error {
					secret := v.Read(t, cs.DocumentDataPath())
					data, _ := secret.Data["data"].(map[string]any)
					doc, err := naming.ParseCASyncDocument(data)
					if err != nil {
						return fmt.Errorf("the published document does not parse: %w", err)
					}
					ann := annotations(s.RootModule().Resources[appAddr("tlsapp")].Primary.Attributes)
					if got, want := ann["vault.hashicorp.com/tls-secret"], doc.Target.Name; got != want || doc.Target.Kind != naming.TargetKindSecret {
						return fmt.Errorf("tls-secret annotation %q, the document's %s target is %q", got, doc.Target.Kind, want)
					}
					if got, want := ann["vault.hashicorp.com/ca-cert"], "/vault/tls/"+doc.Target.Key; got != want {
						return fmt.Errorf("ca-cert annotation %q, want %q (the document's key)", got, want)
					}
					// The injector mounts the synced Secret at /vault/tls/: here
					// a directory holding the document's PEM under its key.
					mount := t.TempDir()
					caFile := filepath.Join(mount, strings.TrimPrefix(ann["vault.hashicorp.com/ca-cert"], "/vault/tls/"))
					if err := os.WriteFile(caFile, []byte(doc.CA.PEM), 0o600); err != nil {
						return err
					}
					v.Write(t, app.DataPath(), map[string]any{"data": map[string]any{"GREETING": "it's TLS all the way"}})
					rendered, err := v.RenderWithAgent(t, testharness.AgentAuth{
						KubernetesMount:   "kubernetes",
						KubernetesRole:    ann["vault.hashicorp.com/role"],
						ServiceAccountJWT: k.ServiceAccountToken(t, "tlsapp", "tlsapp"),
					}, ann["vault.hashicorp.com/agent-inject-template-app.env"], caFile, time.Minute)
					if err != nil {
						return err
					}
					if want := "export GREETING='it'\\''s TLS all the way'\n"; string(rendered) != want {
						return fmt.Errorf("the agent rendered %q, want %q", rendered, want)
					}
					return nil
				},
			},
		},
	})
}

// annotations collects a flatmap state's agent_annotations.
func annotations(attrs map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range attrs {
		if name, ok := strings.CutPrefix(k, "agent_annotations."); ok && name != "%" {
			out[name] = v
		}
	}
	return out
}
