package examples

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// fiveResources declares one of each resource type; adopt sets
// adopt_existing on all of them.
func fiveResources(adopt bool) string {
	flag := ""
	if adopt {
		flag = "\n  adopt_existing = true"
	}
	return `
terraform {
  required_providers {
    vaultboot = { source = "vaultboot/vaultboot" }
  }
}

provider "vaultboot" {
  environment = "shared"
}

resource "vaultboot_environment" "this" {` + flag + `
}

resource "vaultboot_app_secret_path" "payments" {
  app = "payments"` + flag + `
}

resource "vaultboot_oidc_group_binding" "devs" {
  name       = "devs"
  group_id   = "devs-idp"
  policies   = ["shared-payments-write"]
  auth_mount = "jwt"` + flag + `
}

resource "vaultboot_namespace_ca_sync_policy" "vault_ca" {
  name = "vault-ca"
  ca_source {
    pki_mount = "pki"
  }
  namespaces {
    match_names = ["payments"]
  }
  target {
    kind = "Secret"
  }
  syncer {
    namespace       = "vault-system"
    service_account = "ca-syncer"
  }` + flag + `
}

resource "vaultboot_ci_deploy_role" "release" {
  name            = "release"
  bound_audiences = ["https://vault.example"]
  bound_claims = {
    project_path  = ["platform/vault-config"]
    ref_protected = ["true"]
  }` + flag + `
}
`
}

// countOf counts the distinct diagnostics with summary in the output of a
// Terraform command run with -json: Terraform's human view folds similar
// warnings into one, and an apply plans each resource again, repeating
// the plan's warnings.
func countOf(t *testing.T, out, summary string) int {
	t.Helper()
	details := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Summary, Detail string
			} `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) == nil && msg.Type == "diagnostic" && msg.Diagnostic.Summary == summary {
			details[msg.Diagnostic.Detail] = true
		}
	}
	return len(details)
}

// TestAccOwnershipAcrossProjects: every "already exists" decision of every
// resource type goes through one helper, proven with the real CLI on two
// projects sharing one Vault. Project B's create is refused for each of
// A's five objects; B's import of them warns per object that it takes
// another project's object; B's adopt_existing = true (whose warning no
// create could reach before) takes all five with a warning each; and A's
// next refresh warns for each of its five resources that B manages it now
// (before, only two of five resources said so).
func TestAccOwnershipAcrossProjects(t *testing.T) {
	v := testharness.StartVault(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	v.ConfigureJWTAuth(t, "jwt", testharness.NewJWTSigner(t))
	v.GenerateRootCA(t, "pki", "Shared Test CA", "87600h")
	tf := newTerraform(t)
	env := func(owner string) map[string]string {
		return map[string]string{"VAULT_ADDR": v.Addr, "VAULT_TOKEN": v.Token, "VAULTBOOT_OWNER": owner}
	}
	a, b := t.TempDir(), t.TempDir()
	writeFile(t, a, "main.tf", fiveResources(false))
	tf.must(t, a, env("team/a"), "apply", "-no-color", "-auto-approve")

	writeFile(t, b, "main.tf", fiveResources(false))
	out, err := tf.run(b, env("team/b"), "apply", "-json", "-auto-approve")
	if err == nil {
		t.Fatalf("project B's create of project A's objects succeeded:\n%s", out)
	}
	// The stamp, the app's KV secret and two policies, the group, the CA
	// sync policy and document, the deploy policy: eight objects.
	if n := countOf(t, out, "Object Managed by Another Project"); n != 8 || !strings.Contains(out, `already managed by \"team/a\"`) {
		t.Errorf("project B's create: %d refusals naming team/a, want 8:\n%s", n, out)
	}

	writeFile(t, b, "imports.tf", `
import {
  to = vaultboot_environment.this
  id = "shared"
}
import {
  to = vaultboot_app_secret_path.payments
  id = "payments"
}
import {
  to = vaultboot_oidc_group_binding.devs
  id = "devs"
}
import {
  to = vaultboot_namespace_ca_sync_policy.vault_ca
  id = "vault-ca"
}
import {
  to = vaultboot_ci_deploy_role.release
  id = "release"
}
`)
	out = tf.must(t, b, env("team/b"), "plan", "-json")
	if n := countOf(t, out, "Importing Another Project's Object"); n != 5 {
		t.Errorf("project B's import plan: %d import warnings, want one per resource (5):\n%s", n, out)
	}
	if err := os.Remove(filepath.Join(b, "imports.tf")); err != nil {
		t.Fatal(err)
	}

	writeFile(t, b, "main.tf", fiveResources(true))
	out = tf.must(t, b, env("team/b"), "apply", "-json", "-auto-approve")
	if n := countOf(t, out, "Adopting Another Project's Object"); n != 8 {
		t.Errorf("project B's adopting apply: %d adoption warnings, want 8 (one per object):\n%s", n, out)
	}

	out = tf.must(t, a, env("team/a"), "plan", "-json")
	if n := countOf(t, out, "Managed by Another Project"); n != 5 || !strings.Contains(out, `managed by \"team/b\" now`) {
		t.Errorf("project A's refresh: %d warnings naming team/b, want one per resource (5):\n%s", n, out)
	}
}
