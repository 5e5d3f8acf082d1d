package provider

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// probe is the smallest configuration that makes the provider talk to Vault:
// the environment data source reads the stamp through the configured client.
const probe = `data "vaultboot_environment" "probe" {}`

// providerTest runs one plan/apply of cfg + probe; wantErr, when not nil, is
// the error the step must fail with.
func providerTest(t *testing.T, cfg string, wantErr *regexp.Regexp) {
	t.Helper()
	step := resource.TestStep{Config: cfg + "\n" + probe, ExpectError: wantErr}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{step},
	})
}

// block renders a provider block from raw attribute lines, with the
// acceptance tests' owner.
func block(lines ...string) string {
	return rawBlock(append([]string{fmt.Sprintf("owner = %q", testharness.Owner)}, lines...)...)
}

// rawBlock renders a provider block from exactly the lines given.
func rawBlock(lines ...string) string {
	out := "provider \"vaultboot\" {\n"
	for _, l := range lines {
		out += "  " + l + "\n"
	}
	return out + "}\n"
}

func TestAccProvider_tokenAttribute(t *testing.T) {
	providerTest(t, testharness.Shared(t).ProviderBlock(testAccEnv), nil)
}

func TestAccProvider_tokenFromEnv(t *testing.T) {
	v := testharness.Shared(t)
	t.Setenv("HOME", t.TempDir()) // no ~/.vault-token to fall back on
	t.Setenv("VAULT_TOKEN", v.Token)
	providerTest(t, block(fmt.Sprintf("address = %q", v.Addr), `environment = "acc"`), nil)
}

func TestAccProvider_addressFromEnv(t *testing.T) {
	v := testharness.Shared(t)
	t.Setenv("VAULT_ADDR", v.Addr)
	providerTest(t, block(fmt.Sprintf("token = %q", v.Token), `environment = "acc"`), nil)
}

func TestAccProvider_tokenFromFile(t *testing.T) {
	v := testharness.Shared(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.WriteFile(filepath.Join(home, ".vault-token"), []byte(v.Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	providerTest(t, block(fmt.Sprintf("address = %q", v.Addr), `environment = "acc"`), nil)
}

func TestAccProvider_missingToken(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	providerTest(t, block(fmt.Sprintf("address = %q", testharness.Shared(t).Addr), `environment = "acc"`), testharness.ErrorRE("Missing Vault Token"))
}

func TestAccProvider_wrongToken(t *testing.T) {
	cfg := block(fmt.Sprintf("address = %q", testharness.Shared(t).Addr), `token = "hvs.not-a-real-token"`, `environment = "acc"`)
	providerTest(t, cfg, testharness.ErrorRE("permission denied on vaultboot/data/environment", "data.vaultboot_provider_policy"))
}

func TestAccProvider_tlsWithCA(t *testing.T) {
	v := testharness.StartVault(t, testharness.TLS())
	providerTest(t, v.ProviderBlock(testAccEnv), nil)
	pemCfg := block(fmt.Sprintf("address = %q", v.Addr), fmt.Sprintf("token = %q", v.Token), `environment = "acc"`,
		fmt.Sprintf("ca_cert_pem = %q", v.CACertPEM))
	providerTest(t, pemCfg, nil)
}

func TestAccProvider_tlsWithCAFromEnv(t *testing.T) {
	v := testharness.StartVault(t, testharness.TLS())
	t.Setenv("VAULT_CACERT", v.CACertFile)
	providerTest(t, block(fmt.Sprintf("address = %q", v.Addr), fmt.Sprintf("token = %q", v.Token), `environment = "acc"`), nil)
}

func TestAccProvider_tlsWithoutCA(t *testing.T) {
	v := testharness.StartVault(t, testharness.TLS())
	cfg := block(fmt.Sprintf("address = %q", v.Addr), fmt.Sprintf("token = %q", v.Token), `environment = "acc"`)
	providerTest(t, cfg, testharness.ErrorRE("x509: certificate signed by unknown authority"))
}

func TestAccProvider_jwtLogin(t *testing.T) {
	v := testharness.Shared(t)
	t.Setenv("HOME", t.TempDir())
	signer := testharness.NewJWTSigner(t)
	v.ConfigureJWTAuth(t, "jwt-provider", signer)
	v.Write(t, "sys/policies/acl/provider-jwt-probe", map[string]any{
		"policy": `path "vaultboot/data/environment" { capabilities = ["read"] }`,
	})
	v.Write(t, "auth/jwt-provider/role/terraform-acc", map[string]any{
		"role_type":       "jwt",
		"user_claim":      "sub",
		"bound_audiences": []string{"vault"},
		"token_policies":  []string{"provider-jwt-probe"},
		"token_ttl":       "5m",
	})
	jwt := signer.Sign(t, map[string]any{"sub": "ci-job-1", "aud": "vault"})
	login := func(jwtLine string) string {
		return block(fmt.Sprintf("address = %q", v.Addr), `environment = "acc"`,
			"auth_login_jwt {", `  mount = "jwt-provider"`, `  role = "terraform-acc"`, jwtLine, "}")
	}
	providerTest(t, login(fmt.Sprintf("  jwt = %q", jwt)), nil)

	t.Setenv("VAULTBOOT_AUTH_JWT", jwt)
	providerTest(t, login(""), nil)

	wrongAudience := signer.Sign(t, map[string]any{"sub": "ci-job-1", "aud": "other"})
	providerTest(t, login(fmt.Sprintf("  jwt = %q", wrongAudience)), testharness.ErrorRE("Login auth/jwt-provider/login failed with HTTP 400", "audience", `Check auth_login_jwt: the role "terraform-acc" must exist`))
}

func TestAccProvider_unreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + l.Addr().String()
	_ = l.Close()
	cfg := block(fmt.Sprintf("address = %q", addr), `token = "x"`, `environment = "acc"`, `retry_timeout = "2s"`)
	providerTest(t, cfg, testharness.ErrorRE("connection refused", "gave up after retrying", "retry_timeout"))
}

func TestAccProvider_planTimeValidation(t *testing.T) {
	cases := map[string]struct{ cfg, err string }{
		"http to a remote host": {block(`address = "http://vault.example.com:8200"`, `token = "x"`, `environment = "acc"`), "plain http to a host that is not loopback"},
		"uppercase environment": {block(`address = "http://127.0.0.1:1"`, `token = "x"`, `environment = "Prod"`), `"Prod" is not a valid environment`},
		"slash in environment":  {block(`address = "http://127.0.0.1:1"`, `token = "x"`, `environment = "prod/x"`), "not a valid environment"},
		"negative retry":        {block(`address = "http://127.0.0.1:1"`, `token = "x"`, `environment = "acc"`, `retry_timeout = "-1s"`), "is negative"},
		"zero retry":            {block(`address = "http://127.0.0.1:1"`, `token = "x"`, `environment = "acc"`, `retry_timeout = "0s"`), `"0s" is shorter than one second`},
		"bad kv mount": {block(`address = "http://127.0.0.1:1"`, `token = "x"`, `environment = "acc"`,
			"conventions {", `  kv_mount = "../sys"`, "}"), "not a valid mount path"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      c.cfg + "\n" + probe,
					PlanOnly:    true,
					ExpectError: testharness.ErrorRE(c.err),
				}},
			})
		})
	}
}
