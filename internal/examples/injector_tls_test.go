package examples

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestAccModuleInjectorTrustsVault closes the CA loop of the shared module
// against a -dev-tls Vault: the module publishes the Vault's own CA through
// a CA sync policy with a Secret target and wires the covered app's
// injector_tls to it. Playing the namespace syncer and the injector, the
// test writes the document's ca.pem under target.key into a directory
// standing in for the Secret mounted at /vault/tls/, checks that the app's
// annotations name exactly that Secret and file, and starts the real Vault
// Agent with that CA file: it must verify the server's certificate, log in
// and render the app's secret.
func TestAccModuleInjectorTrustsVault(t *testing.T) {
	v := testharness.StartVault(t, testharness.TLS())
	const env = "tlstest"
	v.EnableAuth(t, "kubernetes", "kubernetes")
	v.Write(t, "auth/kubernetes/config", map[string]any{
		"kubernetes_host": "https://kubernetes.invalid:443", "disable_local_ca_jwt": true, "kubernetes_ca_cert": "placeholder",
	})
	v.EnableAuth(t, "oidc", "oidc")

	tf := newTerraform(t)
	work := copyExamples(t, "modules")
	dir := filepath.Join(work, "tls")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "main.tf", `
terraform {
  required_providers {
    vaultboot = { source = "vaultboot/vaultboot" }
  }
}

variable "vault_ca_pem" {
  type = string
}

provider "vaultboot" {
  environment = "`+env+`"
}

resource "vaultboot_environment" "this" {}

module "conventions" {
  source      = "../modules/vault-conventions"
  environment = "`+env+`"
  apps = {
    billing = { namespaces = ["team-billing"], service_accounts = ["billing-api"], owner_group = "billing-devs" }
  }
  groups = {
    billing-devs = { group_id = "billing-developers" }
  }
  ca_sync_policies = {
    vault-ca = {
      ca_source  = { pem = var.vault_ca_pem }
      namespaces = { match_prefixes = ["team-"] }
      target     = { kind = "Secret", name = "vault-server-ca", key = "vault-ca.pem" }
      syncer     = { namespace = "vault-system", service_account = "vault-ca-syncer" }
    }
  }
}

output "apps" {
  value = module.conventions.apps
}

output "ca_sync_policies" {
  value = module.conventions.ca_sync_policies
}
`)
	vars := map[string]string{
		"VAULT_ADDR": v.Addr, "VAULT_TOKEN": v.Token, "VAULT_CACERT": v.CACertFile,
		"VAULTBOOT_OWNER": "platform/tls-test", "TF_VAR_vault_ca_pem": v.CACertPEM,
	}
	tf.must(t, dir, vars, "get", "-no-color")
	tf.must(t, dir, vars, "apply", "-no-color", "-auto-approve", "-target=vaultboot_environment.this")
	tf.must(t, dir, vars, "apply", "-no-color", "-auto-approve")
	var outputs struct {
		Apps struct {
			Value map[string]struct {
				DataPath         string            `json:"data_path"`
				ReadPolicy       string            `json:"read_policy"`
				AgentAnnotations map[string]string `json:"agent_annotations"`
			} `json:"value"`
		} `json:"apps"`
		CASync struct {
			Value map[string]struct {
				DocumentPath string `json:"document_path"`
			} `json:"value"`
		} `json:"ca_sync_policies"`
	}
	if err := json.Unmarshal([]byte(tf.must(t, dir, vars, "output", "-json")), &outputs); err != nil {
		t.Fatal(err)
	}
	app := outputs.Apps.Value["billing"]

	// The syncer: read the document and publish ca.pem under target.key of
	// the Secret target.name; the injector mounts that Secret at /vault/tls/.
	doc := v.Read(t, outputs.CASync.Value["vault-ca"].DocumentPath).Data
	kind, name, key := str(dig(doc, "data", "target", "kind")), str(dig(doc, "data", "target", "name")), str(dig(doc, "data", "target", "key"))
	if kind != "Secret" {
		t.Fatalf("document target kind %q, want Secret", kind)
	}
	if got := app.AgentAnnotations["vault.hashicorp.com/tls-secret"]; got != name {
		t.Errorf("tls-secret annotation %q, want the document's target.name %q", got, name)
	}
	caCert := app.AgentAnnotations["vault.hashicorp.com/ca-cert"]
	if caCert != "/vault/tls/"+key {
		t.Fatalf("ca-cert annotation %q, want /vault/tls/%s (the document's target.key)", caCert, key)
	}
	secretMount := t.TempDir() // stands in for /vault/tls/ in the pod
	writeFile(t, secretMount, strings.TrimPrefix(caCert, "/vault/tls/"), str(dig(doc, "data", "ca", "pem")))

	// The agent, as injected: the app's read policy, the annotation's
	// template, and only the synced CA file to trust the server with.
	v.Write(t, app.DataPath, map[string]any{"data": map[string]any{"DB_PASSWORD": "s3cr'et"}})
	token, err := v.Client.Auth().Token().Create(&api.TokenCreateRequest{Policies: []string{app.ReadPolicy}, TTL: "5m"})
	if err != nil {
		t.Fatal(err)
	}
	tmpl := app.AgentAnnotations["vault.hashicorp.com/agent-inject-template-app.env"]
	rendered, err := v.RenderWithAgent(t, testharness.AgentAuth{Token: token.Auth.ClientToken}, tmpl, filepath.Join(secretMount, strings.TrimPrefix(caCert, "/vault/tls/")), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if want := `export DB_PASSWORD='s3cr'\''et'`; !strings.Contains(string(rendered), want) {
		t.Errorf("the agent trusting the synced CA rendered %q, want the app's secret: %s", rendered, want)
	}
}
