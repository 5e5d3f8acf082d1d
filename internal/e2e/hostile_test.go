package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// hclString renders s as an HCL string literal that Terraform hands to the
// provider unchanged: quotes, backslashes and control characters escaped,
// and "${" / "%{" doubled so an injection attempt arrives as text.
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\u%04x`, r)
		case (r == '$' || r == '%') && i+1 < len(s) && s[i+1] == '{':
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// The hostile values: traversal, globs, HCL and policy injection, quotes,
// newlines and control characters, unicode look-alikes and invisible
// characters, and 10 kB strings.
var hostileValues = map[string]string{
	"traversal":         "../sys",
	"traversal deep":    "a/../../sys/policies/acl/root",
	"absolute":          "/sys/raw",
	"glob star":         "app*",
	"glob plus":         "app+",
	"glob segment":      "app/+/x",
	"hcl injection":     `x" } path "sys/*" { capabilities = ["sudo"] } #`,
	"template":          "${file(\"/etc/passwd\")}",
	"directive":         "%{ for x in y }",
	"single quote":      "app'x",
	"double quote":      `app"x`,
	"backslash":         `app\x`,
	"newline":           "app\npath \"sys/*\" { capabilities = [\"sudo\"] }",
	"carriage return":   "app\rx",
	"tab":               "app\tx",
	"nul":               "app\x00x",
	"escape":            "app\x1b[31mx",
	"delete":            "app\x7f",
	"cyrillic a":        "\u0430pp",
	"fullwidth":         "\uff41pp",
	"zero width space":  "app\u200b",
	"zero width joiner": "ap\u200dp",
	"bidi override":     "app\u202etxt",
	"bom":               "\ufeffapp",
	"non-breaking":      "app\u00a0x",
	"uppercase":         "App",
	"10 kB":             strings.Repeat("a", 10240),
	"10 kB traversal":   strings.Repeat("../", 3414),
	"empty":             "",
	"space":             " ",
	"leading dash":      "-app",
	"reserved prefix":   "deploy-x",
	"url":               "https://evil.example/x",
	"comma list":        "a,b",
}

// hostileTargets are the attributes the values are thrown at: every
// resource, the data source and the provider, each with a field that
// reaches a Vault path or a policy document. In each template @NAME@ is the
// block's label, @VALUE@ the HCL literal, @MARK@ the marker comment and
// @ADDR@ the (proxied) Vault address.
var hostileTargets = map[string]string{
	"app.app": `resource "vaultboot_app_secret_path" "@NAME@" {
  app = @VALUE@ @MARK@
}`,
	"app.kubernetes.namespaces": `resource "vaultboot_app_secret_path" "@NAME@" {
  app = "payments"
  kubernetes {
    namespaces       = [@VALUE@] @MARK@
    service_accounts = ["payments"]
  }
}`,
	"app.kubernetes.service_accounts": `resource "vaultboot_app_secret_path" "@NAME@" {
  app = "payments"
  kubernetes {
    namespaces       = ["payments"]
    service_accounts = [@VALUE@] @MARK@
  }
}`,
	"binding.name": `resource "vaultboot_oidc_group_binding" "@NAME@" {
  name     = @VALUE@ @MARK@
  group_id = "devs"
  policies = ["x"]
}`,
	"binding.group_id": `resource "vaultboot_oidc_group_binding" "@NAME@" {
  name     = "devs"
  group_id = @VALUE@ @MARK@
  policies = ["x"]
}`,
	"binding.policies": `resource "vaultboot_oidc_group_binding" "@NAME@" {
  name     = "devs"
  group_id = "devs"
  policies = [@VALUE@] @MARK@
}`,
	"binding.auth_mount": `resource "vaultboot_oidc_group_binding" "@NAME@" {
  name       = "devs"
  group_id   = "devs"
  policies   = ["x"]
  auth_mount = @VALUE@ @MARK@
}`,
	"casync.name":      caSyncHostile("name = @VALUE@ @MARK@", `pki_mount = "pki"`),
	"casync.pki_mount": caSyncHostile(`name = "internal"`, "pki_mount = @VALUE@ @MARK@"),
	"casync.kv_path":   caSyncHostile(`name = "internal"`, "kv_path = @VALUE@ @MARK@"),
	"data.app": `data "vaultboot_app_secret_path" "@NAME@" {
  app = @VALUE@ @MARK@
}`,
	"provider.environment": `provider "vaultboot" {
  alias       = "@NAME@"
  address     = "@ADDR@"
  token       = "x"
  environment = @VALUE@ @MARK@
}
data "vaultboot_environment" "@NAME@" {
  provider = vaultboot.@NAME@
}`,
	"provider.conventions.kv_mount": `provider "vaultboot" {
  alias       = "@NAME@"
  address     = "@ADDR@"
  token       = "x"
  environment = "hostile"
  conventions {
    kv_mount = @VALUE@ @MARK@
  }
}
data "vaultboot_environment" "@NAME@" {
  provider = vaultboot.@NAME@
}`,
}

func caSyncHostile(nameLine, sourceLine string) string {
	return `resource "vaultboot_namespace_ca_sync_policy" "@NAME@" {
  ` + nameLine + `
  ca_source {
    ` + sourceLine + `
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
  }
}`
}

// hostileCase is one value thrown at one field.
type hostileCase struct {
	target, what, value string
}

// coreHostile are the values thrown at every field; "app.app", the field
// every resource's names derive from, gets all of hostileValues.
var coreHostile = []string{
	"traversal", "glob star", "hcl injection", "template", "double quote", "newline",
	"nul", "cyrillic a", "zero width space", "bidi override", "10 kB", "empty",
}

// hostileCases pairs values with fields, except the values a field
// accepts on purpose (allowedFor).
func hostileCases() []hostileCase {
	var out []hostileCase
	for _, target := range slices.Sorted(maps.Keys(hostileTargets)) {
		values := coreHostile
		if target == "app.app" {
			values = slices.Sorted(maps.Keys(hostileValues))
		}
		for _, what := range values {
			if !allowedFor(target, what) {
				out = append(out, hostileCase{target: target, what: what, value: hostileValues[what]})
			}
		}
	}
	return out
}

// allowedFor lists the values a field accepts on purpose. An IdP group id
// is the IdP's own text: it becomes an alias name and a claim value, never a
// path or a policy, so quotes, templates, traversal-looking text and
// non-Latin letters are real group ids; only what is invisible, control,
// empty or oversized is refused.
func allowedFor(target, what string) bool {
	if target != "binding.group_id" {
		return false
	}
	switch what {
	case "traversal", "glob star", "hcl injection", "template", "double quote", "cyrillic a":
		return true
	}
	return false
}

// TestHostileInputsRefusedAtPlan throws every hostile value at every field
// that reaches a path or a policy, in one project, and runs `terraform
// plan` through a request-counting proxy: each case must carry its own
// error diagnostic on its own line, and Vault must see no request at all.
func TestHostileInputsRefusedAtPlan(t *testing.T) {
	v := testharness.Shared(t)
	proxy := testharness.NewCountingProxy(t, v.Addr)
	cases := hostileCases()
	w := testharness.NewWorkdir(t)
	var b strings.Builder
	b.WriteString(block(proxy.URL, v.Token))
	for i, c := range cases {
		body := strings.NewReplacer("@NAME@", fmt.Sprintf("h%03d", i), "@VALUE@", hclString(c.value),
			"@MARK@", fmt.Sprintf("# hostile-%03d", i), "@ADDR@", proxy.URL).Replace(hostileTargets[c.target])
		b.WriteString(body + "\n\n")
	}
	w.WriteConfig(t, b.String())
	out, err := w.Run(t.Context(), "plan", "-json")
	if err == nil {
		t.Fatal("plan of hostile inputs succeeded")
	}
	lines := markerLines(t, filepath.Join(w.Dir, "main.tf"))
	errorsByLine := diagnosticLines(t, out)
	refused := 0
	for i, c := range cases {
		line, ok := lines[fmt.Sprintf("# hostile-%03d", i)]
		if !ok {
			t.Fatalf("%s = %s: marker not found", c.target, c.what)
		}
		if _, ok := errorsByLine[line]; ok {
			refused++
			continue
		}
		t.Errorf("%s = %s (line %d) was not refused with an error on its attribute", c.target, c.what, line)
	}
	t.Logf("hostile inputs refused at plan: %d of %d (%d distinct values across %d fields of every resource, the data source and the provider); Vault requests: %d", refused, len(cases), len(hostileValues), len(hostileTargets), proxy.Requests())
	if n := proxy.Requests(); n != 0 {
		t.Errorf("the plan of hostile inputs sent %d requests to Vault: %v", n, proxy.Paths())
	}
}

// block renders the default provider block.
func block(addr, token string) string {
	return fmt.Sprintf("provider \"vaultboot\" {\n  address = %q\n  token = %q\n  environment = \"hostile\"\n}\n\n", addr, token)
}

// markerLines maps each "# hostile-NNN" marker to its 1-based line.
func markerLines(t *testing.T, path string) map[string]int {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for i, l := range strings.Split(string(raw), "\n") {
		if at := strings.Index(l, "# hostile-"); at >= 0 {
			out[l[at:]] = i + 1
		}
	}
	return out
}

// diagnosticLines maps the start line of every error diagnostic in a
// `terraform plan -json` stream to its summary.
func diagnosticLines(t *testing.T, stream string) map[int]string {
	t.Helper()
	out := map[int]string{}
	for _, l := range strings.Split(stream, "\n") {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity string `json:"severity"`
				Summary  string `json:"summary"`
				Range    struct {
					Start struct {
						Line int `json:"line"`
					} `json:"start"`
				} `json:"range"`
			} `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(l), &msg) != nil || msg.Type != "diagnostic" || msg.Diagnostic.Severity != "error" {
			continue
		}
		out[msg.Diagnostic.Range.Start.Line] = msg.Diagnostic.Summary
	}
	return out
}
