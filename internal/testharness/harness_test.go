package testharness_test

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

func TestMain(m *testing.M) { os.Exit(testharness.Main(m)) }

func TestRepoRoot(t *testing.T) {
	root, err := testharness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(root + "/tools/vault/main.go"); err != nil {
		t.Fatalf("RepoRoot %s: %v", root, err)
	}
}

func TestSharedServer(t *testing.T) {
	v := testharness.Shared(t)
	if os.Getenv("VAULT_ADDR") != "" || os.Getenv("VAULT_TOKEN") != "" {
		t.Fatal("VAULT_ADDR/VAULT_TOKEN leaked into the tests")
	}
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH not set")
	}
	health, err := v.Client.Sys().Health()
	if err != nil || health.Version != "1.13.0" {
		t.Fatalf("health = %+v, %v; want Vault 1.13.0", health, err)
	}
	v.Write(t, "secret/data/harness", map[string]any{"data": map[string]any{"k": "v"}})
	if got := fmt.Sprint(v.Read(t, "secret/data/harness").Data["data"]); got != "map[k:v]" {
		t.Fatalf("read back %v", got)
	}
	v.Delete(t, "secret/metadata/harness")
	if v.Read(t, "secret/data/harness") != nil {
		t.Fatal("secret still there after delete")
	}
	if a, b := v.EnableAuth(t, "approle-h", "approle"), v.EnableAuth(t, "approle-h", "approle"); a == "" || a != b {
		t.Fatalf("EnableAuth not idempotent: %q, %q", a, b)
	}
	v.EnableSecrets(t, "kv-h", "kv", map[string]string{"version": "2"})
	v.EnableSecrets(t, "kv-h", "kv", map[string]string{"version": "2"})
	if caps := v.Capabilities(t, v.Token, "kv-h/data/x"); !slices.Equal(caps, []string{"root"}) {
		t.Fatalf("root capabilities = %v", caps)
	}
	if block := v.ProviderBlock("dev", `namespace_prefix = "x"`); !strings.Contains(block, v.Addr) || !strings.Contains(block, `namespace_prefix = "x"`) {
		t.Fatalf("ProviderBlock:\n%s", block)
	}
}

func TestTLSServer(t *testing.T) {
	v := testharness.StartVault(t, testharness.TLS())
	if !strings.HasPrefix(v.Addr, "https://127.0.0.1:") || v.CACertPEM == "" {
		t.Fatalf("Addr %q, CA %d bytes", v.Addr, len(v.CACertPEM))
	}
	if onDisk, err := os.ReadFile(v.CACertFile); err != nil || string(onDisk) != v.CACertPEM {
		t.Fatalf("CACertFile %s: %v", v.CACertFile, err)
	}
	if _, err := v.Client.Sys().Health(); err != nil {
		t.Fatalf("root client over TLS: %v", err)
	}
	if _, err := http.Get(v.Addr + "/v1/sys/health"); err == nil {
		t.Fatal("a client without the dev CA trusted the server")
	}
	if !strings.Contains(v.ProviderBlock("dev"), v.CACertFile) {
		t.Fatal("ProviderBlock lacks ca_cert_file")
	}
	if v.Addr == testharness.Shared(t).Addr {
		t.Fatal("StartVault reused the shared server")
	}
}

func TestJWTLogin(t *testing.T) {
	v := testharness.Shared(t)
	idp := testharness.NewJWTSigner(t)
	accessor := v.ConfigureJWTAuth(t, "jwt-h", idp)
	v.Write(t, "sys/policies/acl/payments-dev-h", map[string]any{"policy": `path "secret/data/payments/*" { capabilities = ["read"] }`})
	// The shared server outlives -count repeats; a group alias name is unique per mount.
	idpGroup := fmt.Sprintf("payments-developers-%d", time.Now().UnixNano())
	group := v.Write(t, "identity/group", map[string]any{"name": idpGroup, "type": "external", "policies": "payments-dev-h"})
	v.Write(t, "identity/group-alias", map[string]any{"name": idpGroup, "mount_accessor": accessor, "canonical_id": group.Data["id"]})
	v.Write(t, "auth/jwt-h/role/human", map[string]any{
		"role_type": "jwt", "user_claim": "sub", "groups_claim": "groups", "bound_audiences": "vaultboot",
	})

	claims := map[string]any{"sub": "alice", "aud": "vaultboot", "groups": []string{idpGroup}}
	secret, err := v.LoginJWT("jwt-h", "human", idp.Sign(t, claims))
	if err != nil {
		t.Fatalf("login as alice: %v", err)
	}
	if !slices.Contains(secret.Auth.IdentityPolicies, "payments-dev-h") {
		t.Fatalf("identity policies = %v", secret.Auth.IdentityPolicies)
	}
	if caps := v.Capabilities(t, secret.Auth.ClientToken, "secret/data/payments/db"); !slices.Contains(caps, "read") {
		t.Fatalf("group member capabilities = %v", caps)
	}
	_, err = v.LoginJWT("jwt-h", "human", testharness.NewJWTSigner(t).Sign(t, claims))
	if err == nil {
		t.Fatal("a token signed by another key logged in")
	}
	t.Logf("foreign key refused: %v", err)
}

func TestPKIRotate(t *testing.T) {
	v := testharness.Shared(t)
	first := v.GenerateRootCA(t, "pki-h", "harness root", "8760h")
	second := v.RotateRootCA(t, "pki-h", "harness root", "8760h")
	if first == second {
		t.Fatal("rotation kept the same CA")
	}
	for _, certPEM := range []string{first, second} {
		if cn := commonName(t, certPEM); cn != "harness root" {
			t.Fatalf("CA common name %q", cn)
		}
	}
	if served := v.Read(t, "pki-h/cert/ca").Data["certificate"]; strings.TrimSpace(fmt.Sprint(served)) != strings.TrimSpace(second) {
		t.Fatal("pki-h/cert/ca does not serve the rotated CA")
	}
}

func commonName(t *testing.T, certPEM string) string {
	t.Helper()
	block, _ := pem.Decode([]byte(certPEM))
	if block == nil {
		t.Fatalf("not PEM: %q", certPEM)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert.Subject.CommonName
}
