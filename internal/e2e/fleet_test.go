package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// fleet is a Terraform project of the shape a platform team applies: many
// apps with Kubernetes roles, IdP group bindings and one CA sync policy.
type fleet struct {
	env      string
	apps     int
	bindings int
	casync   bool
	// adopt sets adopt_existing on the apps, for secrets that exist first.
	adopt bool
	// provider lines added to the provider block, e.g. retry_timeout.
	provider []string
}

func (f fleet) appName(i int) string     { return fmt.Sprintf("app-%04d", i) }
func (f fleet) bindingName(i int) string { return fmt.Sprintf("team-%02d", i) }

// config renders the project against v.
func (f fleet) config(v *testharness.Vault) string {
	var b strings.Builder
	b.WriteString(v.ProviderBlock(f.env, f.provider...))
	fmt.Fprintf(&b, `
resource "vaultboot_app_secret_path" "app" {
  for_each       = toset([for i in range(%d) : format("app-%%04d", i)])
  app            = each.key
  adopt_existing = %t
  kubernetes {
    namespaces       = [each.key]
    service_accounts = [each.key]
  }
}
`, f.apps, f.adopt)
	if f.bindings > 0 {
		fmt.Fprintf(&b, `
resource "vaultboot_oidc_group_binding" "team" {
  for_each = toset([for i in range(%d) : format("team-%%02d", i)])
  name     = each.key
  group_id = "idp-%s-${each.key}"
  policies = ["%s-app-0000-read"]
}
`, f.bindings, f.env, f.env)
	}
	if f.casync {
		b.WriteString(`
resource "vaultboot_namespace_ca_sync_policy" "internal" {
  name = "internal"
  ca_source {
    pki_mount = "pki"
  }
  namespaces {
    match_prefixes = ["app-"]
  }
  target {
    kind = "Secret"
  }
  syncer {
    namespace       = "vault-system"
    service_account = "ca-syncer"
  }
}
`)
	}
	return b.String()
}

// resources is the number of resource instances the project declares.
func (f fleet) resources() int {
	n := f.apps + f.bindings
	if f.casync {
		n++
	}
	return n
}

// inventory is what of one environment's objects Vault holds.
type inventory struct {
	policies, roles, groups, secrets []string
}

// want is the inventory a converged apply of f leaves, named by naming.
func (f fleet) want(t *testing.T) inventory {
	t.Helper()
	env, err := naming.NewEnv(f.env, naming.DefaultConventions())
	if err != nil {
		t.Fatal(err)
	}
	var inv inventory
	for i := range f.apps {
		app, err := env.App(f.appName(i))
		if err != nil {
			t.Fatal(err)
		}
		inv.policies = append(inv.policies, app.ReadPolicyName(), app.WritePolicyName())
		inv.roles = append(inv.roles, app.KubernetesRoleName())
		inv.secrets = append(inv.secrets, app.Name())
	}
	for i := range f.bindings {
		b, err := env.Binding(f.bindingName(i))
		if err != nil {
			t.Fatal(err)
		}
		inv.groups = append(inv.groups, b.GroupName())
	}
	if f.casync {
		c, err := env.CASync("internal")
		if err != nil {
			t.Fatal(err)
		}
		inv.policies = append(inv.policies, c.PolicyName())
		inv.roles = append(inv.roles, c.RoleName())
	}
	inv.sort()
	return inv
}

func (inv *inventory) sort() {
	for _, s := range []*[]string{&inv.policies, &inv.roles, &inv.groups, &inv.secrets} {
		slices.Sort(*s)
	}
}

// vaultInventory lists every policy, Kubernetes role and identity group
// whose name starts with "<env>-", and the KV entries under <env>/: what
// Vault really holds, orphans and duplicates included.
func vaultInventory(t *testing.T, c *api.Client, env string) inventory {
	t.Helper()
	list := func(path string) []string {
		s, err := c.Logical().List(path)
		if err != nil {
			t.Fatalf("list %s: %v", path, err)
		}
		if s == nil {
			return nil
		}
		raw, _ := s.Data["keys"].([]any)
		var out []string
		for _, k := range raw {
			out = append(out, fmt.Sprint(k))
		}
		return out
	}
	ours := func(names []string) []string {
		return slices.DeleteFunc(names, func(n string) bool { return !strings.HasPrefix(n, env+"-") })
	}
	inv := inventory{
		policies: ours(list("sys/policies/acl")),
		roles:    ours(list("auth/kubernetes/role")),
		groups:   ours(list("identity/group/name")),
		secrets:  list("secret/metadata/" + env),
	}
	inv.sort()
	return inv
}

// checkConverged asserts that Vault holds exactly what f declares (no
// orphan, nothing missing), that every binding's group has its one alias,
// and that the state lists every resource once.
func checkConverged(t *testing.T, w *testharness.Workdir, c *api.Client, f fleet) {
	t.Helper()
	want, got := f.want(t), vaultInventory(t, c, f.env)
	for name, pair := range map[string][2][]string{
		"policies":         {want.policies, got.policies},
		"kubernetes roles": {want.roles, got.roles},
		"identity groups":  {want.groups, got.groups},
		"app secrets":      {want.secrets, got.secrets},
	} {
		if !slices.Equal(pair[0], pair[1]) {
			t.Errorf("Vault holds %d %s of environment %s, want %d:\nextra: %v\nmissing: %v", len(pair[1]), name, f.env, len(pair[0]), minus(pair[1], pair[0]), minus(pair[0], pair[1]))
		}
	}
	for _, g := range want.groups {
		s, err := c.Logical().Read("identity/group/name/" + g)
		if err != nil || s == nil {
			t.Fatalf("read group %s: %v", g, err)
		}
		if alias, _ := s.Data["alias"].(map[string]any); len(alias) == 0 || alias["name"] != "idp-"+f.env+"-"+strings.TrimPrefix(g, f.env+"-") {
			t.Errorf("group %s has alias %v", g, s.Data["alias"])
		}
	}
	if n := stateResources(t, w); n != f.resources() {
		t.Errorf("state holds %d resource instances, want %d", n, f.resources())
	}
}

// stateResources counts the resource instances in the state.
func stateResources(t *testing.T, w *testharness.Workdir) int {
	t.Helper()
	out, err := w.Run(t.Context(), "show", "-json")
	if err != nil {
		t.Fatalf("terraform show: %v\n%s", err, out)
	}
	var show struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string `json:"address"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &show); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	seen := map[string]bool{}
	for _, r := range show.Values.RootModule.Resources {
		if seen[r.Address] {
			t.Errorf("state lists %s twice", r.Address)
		}
		seen[r.Address] = true
	}
	return len(seen)
}

// minus lists the elements of a not in b.
func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}
