package naming

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden policy files")

func testEnv(t *testing.T) Env {
	t.Helper()
	e, err := NewEnv("production", DefaultConventions())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestValidateName(t *testing.T) {
	valid := []string{"a", "payments", "pay-ments2", "a" + strings.Repeat("b", 39)}
	for _, n := range valid {
		if err := ValidateName(n); err != nil {
			t.Errorf("ValidateName(%q) = %v, want ok", n, err)
		}
	}
	invalid := map[string]string{
		"":                            "empty",
		"Payments":                    "valid name",
		"pay..ments":                  "valid name",
		"pay/ments":                   "valid name",
		"pay*":                        "valid name",
		`pay"`:                        "valid name",
		"pay{}":                       "valid name",
		"pay\nments":                  "valid name",
		"-pay":                        "valid name",
		"pay-":                        "valid name",
		"1pay":                        "valid name",
		"a" + strings.Repeat("b", 40): "valid name",
		"deploy-x":                    "reserved prefix",
		"ca-sync-x":                   "reserved prefix",
	}
	for n, want := range invalid {
		err := ValidateName(n)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateName(%q) = %v, want error containing %q", n, err, want)
		}
	}
}

func TestValidateEnvironment(t *testing.T) {
	for _, e := range []string{"integration", "production", "a", "a" + strings.Repeat("b", 23)} {
		if err := ValidateEnvironment(e); err != nil {
			t.Errorf("%q: %v", e, err)
		}
	}
	for _, e := range []string{"", "Prod", "prod_1", "a" + strings.Repeat("b", 24), "prod/x"} {
		if err := ValidateEnvironment(e); err == nil {
			t.Errorf("%q accepted", e)
		}
	}
}

func TestValidateMount(t *testing.T) {
	for _, m := range []string{"secret", "kv-v2", "team/kv", "pki_int"} {
		if err := ValidateMount(m); err != nil {
			t.Errorf("%q: %v", m, err)
		}
	}
	for _, m := range []string{"", "/secret", "secret/", "a//b", "..", "a/../b", "a b", `a"b`, "a\nb"} {
		if err := ValidateMount(m); err == nil {
			t.Errorf("%q accepted", m)
		}
	}
}

func TestAppNames(t *testing.T) {
	a, err := testEnv(t).App("payments")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{
		"logical":  a.LogicalPath(),
		"data":     a.DataPath(),
		"metadata": a.MetadataPath(),
		"read":     a.ReadPolicyName(),
		"write":    a.WritePolicyName(),
		"role":     a.KubernetesRoleName(),
		"rolePath": a.KubernetesRolePath(),
		"owner":    a.Owner(),
	}
	want := map[string]string{
		"logical":  "production/payments",
		"data":     "secret/data/production/payments",
		"metadata": "secret/metadata/production/payments",
		"read":     "production-payments-read",
		"write":    "production-payments-write",
		"role":     "production-payments",
		"rolePath": "auth/kubernetes/role/production-payments",
		"owner":    "production/payments",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
}

func TestOtherNames(t *testing.T) {
	e := testEnv(t)
	b, _ := e.Binding("payments-devs")
	c, _ := e.CASync("internal")
	d, _ := e.DeployRole("gitlab")
	checks := []struct{ got, want string }{
		{b.GroupName(), "production-payments-devs"},
		{b.LoginRolePath(""), "auth/oidc/role/production-payments-devs"},
		{b.LoginRolePath("jwt"), "auth/jwt/role/production-payments-devs"},
		{c.PolicyName(), "production-ca-sync-internal"},
		{c.RolePath(), "auth/kubernetes/role/production-ca-sync-internal"},
		{c.DocumentDataPath(), "secret/data/_vaultboot/production/ca-sync/internal"},
		{d.RoleName(), "production-deploy-gitlab"},
		{d.RolePath("jwt"), "auth/jwt/role/production-deploy-gitlab"},
		{e.StampDataPath(), "vaultboot/data/environment"},
		{PolicyPath("production-payments-read"), "sys/policies/acl/production-payments-read"},
		{AuthPath("kubernetes"), "auth/kubernetes"},
		{AuthMountVisibilityPath("kubernetes"), "sys/internal/ui/mounts/auth/kubernetes"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestCustomConventions(t *testing.T) {
	e, err := NewEnv("integration", Conventions{KVMount: "team/kv", KubernetesAuthMount: "k8s", OIDCAuthMount: "sso"})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := e.App("billing")
	if a.DataPath() != "team/kv/data/integration/billing" || a.KubernetesRolePath() != "auth/k8s/role/integration-billing" {
		t.Errorf("conventions ignored: %s %s", a.DataPath(), a.KubernetesRolePath())
	}
	if _, err := NewEnv("integration", Conventions{KVMount: "../x", KubernetesAuthMount: "k", OIDCAuthMount: "o"}); err == nil {
		t.Error("bad mount accepted")
	}
}

// No convention moves the stamp: were it in conventions.kv_mount, a
// provider pointed at another KV mount would never see the real stamp.
func TestStampIgnoresConventions(t *testing.T) {
	e, err := NewEnv("integration", Conventions{KVMount: "team/kv", KubernetesAuthMount: "k8s", OIDCAuthMount: "sso"})
	if err != nil {
		t.Fatal(err)
	}
	if e.StampDataPath() != "vaultboot/data/environment" || e.StampMetadataPath() != "vaultboot/metadata/environment" {
		t.Errorf("stamp moved with the conventions: %s %s", e.StampDataPath(), e.StampMetadataPath())
	}
}

func TestPolicyGolden(t *testing.T) {
	e := testEnv(t)
	a, _ := e.App("payments")
	c, _ := e.CASync("internal")
	pki, _ := NewCASource("pki", "")
	docs := map[string]string{
		"production-payments-read.hcl":    a.ReadPolicy(),
		"production-payments-write.hcl":   a.WritePolicy(),
		"production-ca-sync-internal.hcl": c.Policy(pki),
	}
	for file, got := range docs {
		path := filepath.Join("testdata", file)
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s differs from golden file:\n%s", file, got)
		}
		if PolicyOwner(got) == "" {
			t.Errorf("%s has no owner header", file)
		}
	}
}

func TestPolicyOwner(t *testing.T) {
	a, _ := testEnv(t).App("payments")
	if got := PolicyOwner(a.ReadPolicy()); got != "production/payments" {
		t.Errorf("owner %q", got)
	}
	if got := PolicyOwner(`path "x" { capabilities = ["read"] }`); got != "" {
		t.Errorf("foreign policy has owner %q", got)
	}
}

func TestAgentAnnotations(t *testing.T) {
	a, _ := testEnv(t).App("payments")
	for _, tc := range []struct{ format, file, line string }{
		{FormatShell, "app.env", `export {{ $k }}='`},
		{FormatDotenv, "app.env", `{{ $k }}="`},
		{FormatJSON, "app.json", `toJSON`},
	} {
		ann := a.AgentAnnotations(tc.format, nil)
		tmpl := ann["vault.hashicorp.com/agent-inject-template-"+tc.file]
		if len(ann) != 4 || ann["vault.hashicorp.com/role"] != "production-payments" ||
			ann["vault.hashicorp.com/agent-inject-secret-"+tc.file] != "secret/data/production/payments" ||
			!strings.Contains(tmpl, `secret "secret/data/production/payments"`) || !strings.Contains(tmpl, tc.line) {
			t.Errorf("%s annotations: %v", tc.format, ann)
		}
	}
	ann := a.AgentAnnotations(FormatShell, &InjectorTLS{SecretName: "vault-ca", Key: "ca.crt"})
	if ann["vault.hashicorp.com/tls-secret"] != "vault-ca" || ann["vault.hashicorp.com/ca-cert"] != "/vault/tls/ca.crt" {
		t.Errorf("TLS annotations: %v", ann)
	}
	if ValidateAgentFormat("yaml") == nil || ValidateAgentFormat(FormatDotenv) != nil {
		t.Error("ValidateAgentFormat")
	}
}

func TestJoin(t *testing.T) {
	if got := Join("sys/policies/acl", "production-payments-read"); got != "sys/policies/acl/production-payments-read" {
		t.Errorf("Join = %q", got)
	}
	if got := Join("secret", "data", "_vaultboot/production/ca-sync/internal"); got != "secret/data/_vaultboot/production/ca-sync/internal" {
		t.Errorf("Join = %q", got)
	}
	for _, bad := range [][]string{
		{"secret", "data", "*"}, {"secret", "data", "production/+/x"}, {"sys/policies/acl", "a/../sys"},
		{"secret", "data", ".."}, {"secret", "data", "."}, {"secret", "", "x"}, {"secret//data"}, {"/secret"},
		{"secret/"}, {"secret", "a b"}, {"secret", "pаyments"}, {"secret", `x"y`}, {"secret", "x?y"},
		{"secret", "x#y"}, {"secret", "x%2Fy"}, {"secret", "-x"}, {"secret", ".hidden"}, {"secret", "a..b"}, {},
	} {
		if p, err := CheckedJoin(bad...); err == nil {
			t.Errorf("CheckedJoin(%q) = %q, want a refusal", bad, p)
		}
		func() {
			defer func() {
				if _, ok := recover().(*InvalidPathError); !ok {
					t.Errorf("Join(%q) did not panic with an *InvalidPathError", bad)
				}
			}()
			Join(bad...)
		}()
	}
}

func TestDescribeEscapesNonASCII(t *testing.T) {
	for in, want := range map[string]string{
		"pаyments":              `"p\u0430yments"`,
		"a\nb":                  `"a\nb"`,
		"":                      "an empty value",
		strings.Repeat("é", 40): `"` + strings.Repeat(`\u00e9`, 32) + `" (the first 64 of 80 bytes)`,
	} {
		if got := Describe(in); got != want {
			t.Errorf("Describe(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestCASyncCheckSource(t *testing.T) {
	c, _ := testEnv(t).CASync("internal")
	for _, ok := range []CASource{{PKIMount: "pki"}, {KVPath: "platform/vault-ca"}, {KVPath: "productionx/ca"}, {}} {
		if err := c.CheckSource(ok); err != nil {
			t.Errorf("%+v refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"production/payments", "production", "_vaultboot/production/ca-sync/other", "_vaultboot/environment"} {
		if err := c.CheckSource(CASource{KVPath: bad}); err == nil {
			t.Errorf("kv_path %q accepted: the syncer could read app secrets or vaultboot documents", bad)
		}
	}
}
