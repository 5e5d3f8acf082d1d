package examples

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestAccAdoptWithGeneratedConfig follows the "Adopting an existing Vault"
// guide: conventions made by hand through the Vault API (with a secret
// holding two versions) are imported with import blocks, `terraform plan
// -generate-config-out` writes their configuration, apply takes them over,
// and the next plan is empty. The secret's versions survive. Then the
// "Renaming and moving apps" guide: a moved block into a for_each key plans
// no change.
func TestAccAdoptWithGeneratedConfig(t *testing.T) {
	v := testharness.StartVault(t)
	const env = "legacy"
	handMadeConventions(t, v, env)

	tf := newTerraform(t)
	dir := t.TempDir()
	vars := map[string]string{"VAULT_ADDR": v.Addr, "VAULT_TOKEN": v.Token, "VAULTBOOT_OWNER": "platform/legacy-vault"}
	writeFile(t, dir, "main.tf", `
terraform {
  required_providers {
    vaultboot = { source = "vaultboot/vaultboot" }
  }
}

provider "vaultboot" {
  environment = "`+env+`"
}

resource "vaultboot_environment" "this" {}
`)
	writeFile(t, dir, "imports.tf", `
import {
  to = vaultboot_app_secret_path.payments
  id = "payments"
}

import {
  to = vaultboot_app_secret_path.billing
  id = "billing"
}

import {
  to = vaultboot_oidc_group_binding.payments_devs
  id = "payments-devs"
}
`)
	tf.must(t, dir, vars, "plan", "-no-color", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatalf("no generated.tf: %v", err)
	}
	t.Logf("generated.tf:\n%s", generated)
	for _, want := range []string{`app = "payments"`, `"payments-worker"`, `token_ttl = "1h"`, `max_versions = 5`, `team = "payments"`, `"payments-devs-idp"`, `policies = ["legacy-payments-write"]`} {
		if !strings.Contains(strings.Join(strings.Fields(string(generated)), " "), want) {
			t.Errorf("generated.tf lacks %s:\n%s", want, generated)
		}
	}

	tf.must(t, dir, vars, "apply", "-no-color", "-auto-approve")
	tf.planIsEmpty(t, dir, vars)

	if got := dig(v.Read(t, "secret/data/"+env+"/payments").Data, "data", "API_KEY"); got != "v2" {
		t.Errorf("the adopted secret's latest value is %v, want v2: adoption must not touch secret data", got)
	}
	meta := v.Read(t, "secret/metadata/"+env+"/payments").Data
	if meta["current_version"] != json.Number("2") || meta["max_versions"] != json.Number("5") {
		t.Errorf("the adopted secret has current_version %v and max_versions %v, want 2 and the hand-made 5", meta["current_version"], meta["max_versions"])
	}
	if policy := str(v.Read(t, "sys/policies/acl/"+env+"-payments-read").Data["policy"]); !strings.HasPrefix(policy, "# managed by vaultboot: "+env+"/payments") {
		t.Errorf("the hand-written read policy was not replaced by the conventions':\n%s", policy)
	}

	// Import blocks have done their job; the guide says to remove them.
	if err := os.Remove(filepath.Join(dir, "imports.tf")); err != nil {
		t.Fatal(err)
	}
	moveIntoForEach(t, dir)
	tf.must(t, dir, vars, "plan", "-no-color", "-out=move.tfplan")
	show := tf.must(t, dir, vars, "show", "-json", "move.tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address         string `json:"address"`
			PreviousAddress string `json:"previous_address"`
			Change          struct {
				Actions []string `json:"actions"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(show), &plan); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	moved := false
	for _, rc := range plan.ResourceChanges {
		if !slices.Equal(rc.Change.Actions, []string{"no-op"}) {
			t.Errorf("%s: the move plans %v, want no change", rc.Address, rc.Change.Actions)
		}
		moved = moved || rc.PreviousAddress == "vaultboot_app_secret_path.payments" && rc.Address == `vaultboot_app_secret_path.app["payments"]`
	}
	if !moved {
		t.Errorf("the plan does not move vaultboot_app_secret_path.payments to app[\"payments\"]: %s", show)
	}
}

// handMadeConventions writes what a team following the conventions by hand
// would have: two apps' secrets (payments with two versions), their
// policies with hand-written texts, payments' Kubernetes role, and the
// payments developers' external group with its alias.
func handMadeConventions(t *testing.T, v *testharness.Vault, env string) {
	t.Helper()
	v.EnableAuth(t, "kubernetes", "kubernetes")
	v.Write(t, "auth/kubernetes/config", map[string]any{
		"kubernetes_host": "https://kubernetes.invalid:443", "disable_local_ca_jwt": true, "kubernetes_ca_cert": "placeholder",
	})
	oidc := v.EnableAuth(t, "oidc", "oidc")
	for _, version := range []string{"v1", "v2"} {
		v.Write(t, "secret/data/"+env+"/payments", map[string]any{"data": map[string]any{"API_KEY": version}})
	}
	v.Write(t, "secret/data/"+env+"/billing", map[string]any{"data": map[string]any{"DB_URL": "postgres://billing"}})
	v.Write(t, "secret/metadata/"+env+"/payments", map[string]any{"max_versions": 5, "custom_metadata": map[string]any{"team": "payments"}})
	for _, app := range []string{"payments", "billing"} {
		p := env + "/" + app
		v.Write(t, "sys/policies/acl/"+env+"-"+app+"-read", map[string]any{"policy": `path "secret/data/` + p + `" { capabilities = ["read"] }`})
		v.Write(t, "sys/policies/acl/"+env+"-"+app+"-write", map[string]any{"policy": `path "secret/data/` + p + `" { capabilities = ["create", "update", "read"] }`})
	}
	v.Write(t, "auth/kubernetes/role/"+env+"-payments", map[string]any{
		"bound_service_account_names":      []string{"payments", "payments-worker"},
		"bound_service_account_namespaces": []string{"payments"},
		"token_policies":                   []string{env + "-payments-read"},
		"token_ttl":                        "1h",
	})
	group := v.Write(t, "identity/group", map[string]any{"name": env + "-payments-devs", "type": "external", "policies": []string{env + "-payments-write"}})
	v.Write(t, "identity/group-alias", map[string]any{"name": "payments-devs-idp", "mount_accessor": oidc, "canonical_id": group.Data["id"]})
}

// moveIntoForEach turns the generated payments resource into the
// for_each instance app["payments"] and adds the moved block the guide shows.
func moveIntoForEach(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, "generated.tf")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(raw), `resource "vaultboot_app_secret_path" "payments" {`,
		"resource \"vaultboot_app_secret_path\" \"app\" {\n  for_each = toset([\"payments\"])", 1)
	if src == string(raw) {
		t.Fatalf("generated.tf has no vaultboot_app_secret_path.payments block:\n%s", raw)
	}
	src += "\nmoved {\n  from = vaultboot_app_secret_path.payments\n  to   = vaultboot_app_secret_path.app[\"payments\"]\n}\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestAccAdoptExistingWarnsWhatChanges: adopt_existing = true on
// hand-made conventions planned only "+ create", then silently dropped the
// hand-made custom_metadata key and changed max_versions and token_ttl.
// The plan now warns, one entry per field, with what it was and will be;
// keys kept by setting them stay untouched, and the secret's versions
// survive the apply.
func TestAccAdoptExistingWarnsWhatChanges(t *testing.T) {
	v := testharness.StartVault(t)
	const env = "legacy"
	handMadeConventions(t, v, env)
	tf := newTerraform(t)
	dir := t.TempDir()
	vars := map[string]string{"VAULT_ADDR": v.Addr, "VAULT_TOKEN": v.Token, "VAULTBOOT_OWNER": "platform/legacy-vault"}
	config := func(customMetadata string) string {
		return `
terraform {
  required_providers {
    vaultboot = { source = "vaultboot/vaultboot" }
  }
}

provider "vaultboot" {
  environment = "` + env + `"
}

resource "vaultboot_app_secret_path" "payments" {
  app            = "payments"
  adopt_existing = true` + customMetadata + `
  kubernetes {
    namespaces       = ["payments"]
    service_accounts = ["payments", "payments-worker"]
  }
}
`
	}
	writeFile(t, dir, "main.tf", config(""))
	out := strings.Join(strings.Fields(tf.must(t, dir, vars, "plan", "-no-color")), " ")
	for _, want := range []string{
		"Warning: Adoption Overwrites Existing Settings",
		`existing objects of app "payments" follow this configuration, which changes`,
		"max_versions: 5 → 10",
		`custom_metadata["team"]: removed (set it in custom_metadata to keep it)`,
		"kubernetes.token_ttl: 1h0m0s → the mount's default",
		`the policy "legacy-payments-read": its text is replaced by the naming contract's`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the adopting plan does not say %q:\n%s", want, out)
		}
	}
	if _, warning, _ := strings.Cut(out, "Adoption Overwrites Existing Settings"); strings.Contains(warning, "kubernetes.namespaces") || strings.Contains(warning, "cas_required") {
		t.Errorf("the warning lists fields that do not change:\n%s", warning)
	}

	writeFile(t, dir, "main.tf", config("\n  max_versions   = 5\n  custom_metadata = { team = \"payments\" }"))
	out = strings.Join(strings.Fields(tf.must(t, dir, vars, "plan", "-no-color")), " ")
	if strings.Contains(out, "max_versions:") || strings.Contains(out, "custom_metadata[") {
		t.Errorf("fields the configuration keeps are still listed:\n%s", out)
	}
	tf.must(t, dir, vars, "apply", "-no-color", "-auto-approve")
	meta := v.Read(t, "secret/metadata/"+env+"/payments").Data
	if meta["current_version"] != json.Number("2") || meta["max_versions"] != json.Number("5") || dig(meta, "custom_metadata", "team") != "payments" {
		t.Errorf("after adoption: current_version %v, max_versions %v, custom_metadata %v; want 2, 5 and team = payments kept", meta["current_version"], meta["max_versions"], meta["custom_metadata"])
	}
}
