package cabundle

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// newCert returns a self-signed certificate valid until notAfter, as DER.
func newCert(t *testing.T, cn string, isCA bool, notAfter time.Time) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              notAfter,
		BasicConstraintsValid: true,
		IsCA:                  isCA,
	}
	if isCA {
		tmpl.KeyUsage = x509.KeyUsageCertSign
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func pemOf(ders ...[]byte) string {
	var b bytes.Buffer
	for _, d := range ders {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: d})
	}
	return b.String()
}

func TestParseBundle(t *testing.T) {
	root := newCert(t, "Root", true, now.AddDate(10, 0, 0))
	inter := newCert(t, "Intermediate", true, now.AddDate(2, 0, 0))
	// openssl-style text around and between the blocks is ignored.
	text := "subject=CN = Intermediate\n" + pemOf(inter) + "\n\nsubject=CN = Root\r\n" + pemOf(root)
	b, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Certificates) != 2 || b.Certificates[0].Subject.CommonName != "Intermediate" {
		t.Fatalf("certificates out of order: %v", b.Certificates)
	}
	if !b.NotAfter.Equal(now.AddDate(2, 0, 0)) {
		t.Errorf("NotAfter = %s, want the earliest expiry", b.NotAfter)
	}
	if b.PEM != pemOf(inter, root) {
		t.Errorf("canonical PEM = %q", b.PEM)
	}
	sum := sha256.Sum256(append(append([]byte{}, inter...), root...))
	if b.FingerprintSHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("fingerprint = %s", b.FingerprintSHA256)
	}
	one, err := Parse(pemOf(root))
	if err != nil {
		t.Fatal(err)
	}
	single := sha256.Sum256(root)
	if one.FingerprintSHA256 != hex.EncodeToString(single[:]) || CertificateFingerprint(one.Certificates[0]) != one.FingerprintSHA256 {
		t.Errorf("single-certificate fingerprint %s is not the certificate's", one.FingerprintSHA256)
	}
	// The same certificates with other whitespace are the same bundle.
	again, err := Parse(strings.ReplaceAll(text, "\n", "\r\n"))
	if err != nil || again.FingerprintSHA256 != b.FingerprintSHA256 || again.PEM != b.PEM {
		t.Errorf("whitespace changed the bundle: %v", err)
	}
}

func TestParseRejects(t *testing.T) {
	ca := newCert(t, "Root", true, now.AddDate(1, 0, 0))
	leaf := newCert(t, "leaf.example", false, now.AddDate(1, 0, 0))
	keyPEM := "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n"
	cases := map[string]struct{ text, want string }{
		"empty":       {"", "empty"},
		"blank":       {" \n\t", "empty"},
		"not pem":     {"hello, I am not a certificate", "not PEM"},
		"base64 only": {"MIIBszCCAVmgAwIBAgIBATAKBggqhkjOPQQDAjA=", "not PEM"},
		"leaf":        {pemOf(ca, leaf), "certificate 2"},
		"private key": {pemOf(ca) + keyPEM, `"PRIVATE KEY" block`},
		"garbage":     {"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not a valid X.509"},
	}
	for name, c := range cases {
		_, err := Parse(c.text)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", name, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "c2VjcmV0") {
			t.Errorf("%s: the error quotes the input: %v", name, err)
		}
	}
	if _, err := Parse(pemOf(leaf)); err == nil || !strings.Contains(err.Error(), "not a CA certificate") {
		t.Errorf("leaf accepted: %v", err)
	}
}

func TestCheckExpiry(t *testing.T) {
	fresh := newCert(t, "Fresh", true, now.AddDate(1, 0, 0))
	soon := newCert(t, "Soon", true, now.Add(10*24*time.Hour))
	old := newCert(t, "Old", true, now.Add(-time.Hour))

	b, _ := Parse(pemOf(fresh))
	if w, err := b.Check(now); w != "" || err != nil {
		t.Errorf("fresh: %q %v", w, err)
	}
	b, _ = Parse(pemOf(fresh, soon))
	if w, err := b.Check(now); err != nil || !strings.Contains(w, "in 10 days") {
		t.Errorf("soon: %q %v", w, err)
	}
	b, _ = Parse(pemOf(fresh, old))
	if _, err := b.Check(now); err == nil || !strings.Contains(err.Error(), `certificate 2 (subject "CN=Old") expired`) {
		t.Errorf("expired: %v", err)
	}
	// Exactly at NotAfter the certificate is no longer valid.
	b, _ = Parse(pemOf(fresh))
	if _, err := b.Check(b.NotAfter); err == nil {
		t.Error("certificate accepted at its NotAfter instant")
	}
}
