package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// Environment, Kubernetes auth mount and OIDC auth mount of every
// configuration: vaultboot's default conventions, spelled out for the
// official provider.
const (
	benchEnv      = "bench"
	k8sMount      = "kubernetes"
	oidcMount     = "oidc"
	appsPerGroup  = 10 // one OIDC group binding per this many apps
	tokenTTL      = "1h"
	tokenTTLSecs  = 3600
	vaultbootAddr = "registry.terraform.io/vaultboot/vaultboot"
	officialAddr  = "registry.terraform.io/hashicorp/vault"
)

// Provider is one side of the comparison.
type Provider string

const (
	Vaultboot Provider = "vaultboot"
	Official  Provider = "official"
	Floor     Provider = "floor" // terraform_data of the same shape: Terraform's own cost
)

// needsVault reports whether the configuration talks to Vault.
func (p Provider) needsVault() bool { return p != Floor }

// appVars is one app in the variable map. Vaultboot derives the names,
// documents and markers itself; the official provider and the floor are
// handed exactly what vaultboot writes, rendered by internal/naming.
type appVars struct {
	Description     string            `json:"description"`
	Team            string            `json:"team"`
	Namespaces      []string          `json:"namespaces"`
	ServiceAccounts []string          `json:"service_accounts"`
	ReadPolicy      string            `json:"read_policy,omitempty"`
	ReadDocument    string            `json:"read_document,omitempty"`
	WritePolicy     string            `json:"write_policy,omitempty"`
	WriteDocument   string            `json:"write_document,omitempty"`
	Role            string            `json:"role,omitempty"`
	MetadataPath    string            `json:"metadata_path,omitempty"`
	Metadata        map[string]string `json:"metadata,omitempty"`
}

// groupVars is one OIDC group binding.
type groupVars struct {
	GroupID  string            `json:"group_id"`
	Policies []string          `json:"policies"`
	Group    string            `json:"group,omitempty"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

// workload is the N apps and N/10 group bindings of one benchmark size.
type workload struct {
	apps   map[string]appVars
	groups map[string]groupVars
}

// newWorkload builds N apps named app-0001…; every tenth app's team gets a
// group binding that grants its write policy. full adds what the official
// provider needs spelled out.
func newWorkload(n int, full bool) (workload, error) {
	env, err := naming.NewEnv(benchEnv, naming.DefaultConventions())
	if err != nil {
		return workload{}, err
	}
	w := workload{apps: map[string]appVars{}, groups: map[string]groupVars{}}
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("app-%04d", i)
		app, err := env.App(name)
		if err != nil {
			return workload{}, err
		}
		v := appVars{
			Description:     "Benchmark app " + name,
			Team:            fmt.Sprintf("team-%03d", (i-1)/appsPerGroup+1),
			Namespaces:      []string{name},
			ServiceAccounts: []string{name, name + "-worker"},
		}
		if full {
			v.ReadPolicy, v.ReadDocument = app.ReadPolicyName(), app.ReadPolicy()
			v.WritePolicy, v.WriteDocument = app.WritePolicyName(), app.WritePolicy()
			v.Role = app.KubernetesRoleName()
			v.MetadataPath = app.MetadataPath()
			v.Metadata = app.Metadata(map[string]string{"team": v.Team}, v.Description)
		}
		w.apps[name] = v
		if (i-1)%appsPerGroup != 0 {
			continue
		}
		b, err := env.Binding(v.Team)
		if err != nil {
			return workload{}, err
		}
		g := groupVars{GroupID: "/teams/" + v.Team, Policies: []string{app.WritePolicyName()}}
		if full {
			g.Group, g.Metadata = b.GroupName(), b.Markers()
		}
		w.groups[v.Team] = g
	}
	return w, nil
}

// writeConfig writes the Terraform configuration of p for n apps into dir:
// main.tf and terraform.tfvars.json. blockSize > 0 splits the apps into
// resource blocks of that many instances (the layout the README advises
// for large shared modules); 0 keeps one for_each block per resource type.
func writeConfig(dir string, p Provider, n, blockSize int, oidcAccessor string) error {
	w, err := newWorkload(n, p != Vaultboot)
	if err != nil {
		return err
	}
	chunks := chunk(sortedKeys(w.apps), blockSize)
	vars := map[string]any{"groups": w.groups}
	var tf strings.Builder
	tf.WriteString(header(p))
	for i, names := range chunks {
		suffix := ""
		if len(chunks) > 1 {
			suffix = fmt.Sprintf("_%02d", i)
		}
		sub := make(map[string]appVars, len(names))
		for _, name := range names {
			sub[name] = w.apps[name]
		}
		vars["apps"+suffix] = sub
		fmt.Fprintf(&tf, "variable %q {\n  type = map(any)\n}\n\n", "apps"+suffix)
		tf.WriteString(appBlocks(p, suffix))
	}
	tf.WriteString(groupBlocks(p))
	if p == Official {
		vars["oidc_accessor"] = oidcAccessor
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(vars, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "terraform.tfvars.json"), b, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tf.String()), 0o644)
}

// header is the terraform block, the provider block and the variables
// every layout shares. Address and token come from VAULT_ADDR/VAULT_TOKEN.
func header(p Provider) string {
	switch p {
	case Vaultboot:
		return `terraform {
  required_providers {
    vaultboot = { source = "vaultboot/vaultboot" }
  }
}

provider "vaultboot" {
  environment = "` + benchEnv + `"
}

resource "vaultboot_environment" "this" {
  description = "make bench"
}

variable "groups" {
  type = map(object({ group_id = string, policies = list(string) }))
}

`
	case Official:
		return `terraform {
  required_providers {
    vault = { source = "hashicorp/vault" }
  }
}

provider "vault" {}

variable "groups" {
  type = map(any)
}

variable "oidc_accessor" {
  type = string
}

`
	}
	return `variable "groups" {
  type = map(any)
}

`
}

// appBlocks are the per-app resources over var.apps<suffix>.
func appBlocks(p Provider, suffix string) string {
	r := strings.NewReplacer("SUFFIX", suffix, "K8S", k8sMount, "TTL", fmt.Sprint(tokenTTLSecs))
	switch p {
	case Vaultboot:
		return r.Replace(`resource "vaultboot_app_secret_path" "appSUFFIX" {
  for_each        = var.appsSUFFIX
  app             = each.key
  description     = each.value.description
  custom_metadata = { team = each.value.team }

  kubernetes {
    namespaces       = each.value.namespaces
    service_accounts = each.value.service_accounts
    token_ttl        = "` + tokenTTL + `"
  }

  depends_on = [vaultboot_environment.this]
}

`)
	case Official:
		return r.Replace(`resource "vault_policy" "readSUFFIX" {
  for_each = var.appsSUFFIX
  name     = each.value.read_policy
  policy   = each.value.read_document
}

resource "vault_policy" "writeSUFFIX" {
  for_each = var.appsSUFFIX
  name     = each.value.write_policy
  policy   = each.value.write_document
}

resource "vault_kubernetes_auth_backend_role" "appSUFFIX" {
  for_each                         = var.appsSUFFIX
  backend                          = "K8S"
  role_name                        = each.value.role
  bound_service_account_names      = each.value.service_accounts
  bound_service_account_namespaces = each.value.namespaces
  token_ttl                        = TTL
  token_policies                   = [vault_policy.readSUFFIX[each.key].name]
}

resource "vault_generic_endpoint" "metadataSUFFIX" {
  for_each             = var.appsSUFFIX
  path                 = each.value.metadata_path
  ignore_absent_fields = true
  data_json = jsonencode({
    max_versions         = 10
    cas_required         = false
    delete_version_after = "0s"
    custom_metadata      = each.value.metadata
  })
}

`)
	}
	return r.Replace(`resource "terraform_data" "appSUFFIX" {
  for_each = var.appsSUFFIX
  input    = each.value
}

`)
}

// groupBlocks bind one IdP group per ten apps.
func groupBlocks(p Provider) string {
	switch p {
	case Vaultboot:
		return `resource "vaultboot_oidc_group_binding" "team" {
  for_each = var.groups
  name     = each.key
  group_id = each.value.group_id
  policies = each.value.policies

  depends_on = [vaultboot_environment.this]
}
`
	case Official:
		return `resource "vault_identity_group" "team" {
  for_each = var.groups
  name     = each.value.group
  type     = "external"
  policies = each.value.policies
  metadata = each.value.metadata
}

resource "vault_identity_group_alias" "team" {
  for_each       = var.groups
  name           = each.value.group_id
  mount_accessor = var.oidc_accessor
  canonical_id   = vault_identity_group.team[each.key].id
}
`
	}
	return `resource "terraform_data" "team" {
  for_each = var.groups
  input    = each.value
}
`
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// chunk splits names into runs of size; size <= 0 keeps one run.
func chunk(names []string, size int) [][]string {
	if size <= 0 || size >= len(names) {
		return [][]string{names}
	}
	var out [][]string
	for len(names) > size {
		out = append(out, names[:size])
		names = names[size:]
	}
	return append(out, names)
}
