package casyncer

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newCA(t *testing.T, cn string, parent *testCA, notAfter time.Time) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: notAfter, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &testCA{cert: c, key: key}
}

func (c *testCA) pem() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw}))
}

func (c *testCA) fingerprint() string {
	sum := sha256.Sum256(c.cert.Raw)
	return hex.EncodeToString(sum[:])
}

func docOf(ca *testCA, readPath string) naming.CASyncDocument {
	return naming.CASyncDocument{
		SchemaVersion: 1,
		Source:        naming.CASyncSource{Type: naming.CASourcePKI, PKIMount: "pki", ReadPath: readPath},
		CA:            naming.CASyncCA{PEM: ca.pem(), FingerprintSHA256: ca.fingerprint()},
	}
}

func TestTrustCheck(t *testing.T) {
	now := time.Now()
	root := newCA(t, "root", nil, now.AddDate(5, 0, 0))
	inter := newCA(t, "intermediate", root, now.AddDate(1, 0, 0))
	other := newCA(t, "other", nil, now.AddDate(5, 0, 0))
	expired := newCA(t, "expired", nil, now.Add(-time.Hour))
	anchorFile := filepath.Join(t.TempDir(), "anchor.pem")
	if err := os.WriteFile(anchorFile, []byte(root.pem()), 0o600); err != nil {
		t.Fatal(err)
	}
	anchored, err := ParseTrust("", "", anchorFile)
	if err != nil {
		t.Fatal(err)
	}
	pinned, err := ParseTrust("pki/cert/ca_chain", strings.ToUpper(root.fingerprint()), "")
	if err != nil {
		t.Fatal(err)
	}
	tampered := docOf(root, "pki/cert/ca_chain")
	tampered.CA.FingerprintSHA256 = other.fingerprint()
	cases := []struct {
		name  string
		trust Trust
		doc   naming.CASyncDocument
		want  string // "" accepts
	}{
		{"no pins", Trust{}, docOf(other, "x/cert/ca_chain"), ""},
		{"expired", Trust{}, docOf(expired, "pki/cert/ca_chain"), "expired"},
		{"fingerprint mismatch", Trust{}, tampered, "does not match"},
		{"pinned source and fingerprint", pinned, docOf(root, "pki/cert/ca_chain"), ""},
		{"other source", pinned, docOf(root, "pki2/cert/ca_chain"), "not one of the allowed sources"},
		{"other fingerprint", pinned, docOf(other, "pki/cert/ca_chain"), "not one of the allowed fingerprints"},
		{"anchor itself", anchored, docOf(root, "pki/cert/ca_chain"), ""},
		{"signed by the anchor", anchored, docOf(inter, "pki/cert/ca_chain"), ""},
		{"not from the anchor", anchored, docOf(other, "pki/cert/ca_chain"), "neither a trust anchor"},
	}
	for _, c := range cases {
		_, err := c.trust.Check(c.doc, now)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		case err != nil && strings.Contains(err.Error(), "BEGIN CERTIFICATE"):
			t.Errorf("%s: the error quotes the PEM", c.name)
		}
	}
	if _, err := ParseTrust("", "abc", ""); err == nil {
		t.Error("a malformed fingerprint was accepted")
	}
}

func TestParseConfig(t *testing.T) {
	env := map[string]string{
		"VAULT_ADDR":              "https://vault.internal:8200",
		"VAULTBOOT_SYNC_ROLE":     "production-ca-sync-internal-ca",
		"VAULTBOOT_SYNC_DOCUMENT": "secret/data/_vaultboot/production/ca-sync/internal-ca",
	}
	getenv := func(k string) string { return env[k] }
	c, err := Parse([]string{"--vaultboot-sync-poll=5s", "--vaultboot-sync-lease-namespace=vault-system"}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Poll != 5*time.Second || c.AuthMount != "kubernetes" || c.Listen != ":8080" || c.TokenFile != defaultTokenFile || c.LeaseNamespace != "vault-system" {
		t.Fatalf("config %+v", c)
	}
	bad := map[string][]string{
		"plain http off loopback": {"--vault-addr=http://vault.internal:8200"},
		"role of another policy":  {"--vaultboot-sync-role=production-ca-sync-other"},
		"not a document path":     {"--vaultboot-sync-document=secret/data/production/payments"},
		"path traversal":          {"--vaultboot-sync-document=secret/data/_vaultboot/production/ca-sync/.."},
		"poll too short":          {"--vaultboot-sync-poll=10ms"},
		"stray argument":          {"extra"},
	}
	for name, args := range bad {
		if _, err := Parse(args, getenv); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}
