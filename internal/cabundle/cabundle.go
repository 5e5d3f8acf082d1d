// Package cabundle parses and checks a PEM bundle of CA certificates, as the
// namespace CA sync policy publishes it. It is pure (no I/O, the time is
// passed in) so every rule has a unit test, and its errors never quote the
// input: a bundle read from Vault that wrongly holds a private key must not
// end up in a diagnostic.
package cabundle

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Bundle is a parsed, non-empty bundle of CA certificates in input order.
type Bundle struct {
	Certificates []*x509.Certificate
	// PEM is the canonical re-encoding: one CERTIFICATE block per
	// certificate, in order, each ending in a newline, nothing else.
	PEM string
	// FingerprintSHA256 is the lowercase hex SHA-256 of the certificates'
	// DER bytes concatenated in order; for a single certificate it is the
	// usual certificate fingerprint (openssl x509 -fingerprint -sha256).
	FingerprintSHA256 string
	// NotAfter is the earliest expiry of any certificate in the bundle.
	NotAfter time.Time
}

// ErrEmpty is returned for a source that holds no text at all.
var ErrEmpty = errors.New("the CA bundle is empty")

// Parse reads a PEM bundle. Text between blocks (such as the subject lines
// openssl prints) is ignored; every PEM block must be a CERTIFICATE that is
// a CA. The bundle is not checked against the clock: see Bundle.Check.
func Parse(text string) (*Bundle, error) {
	if strings.TrimSpace(text) == "" {
		return nil, ErrEmpty
	}
	b := &Bundle{}
	var canonical bytes.Buffer
	hash := sha256.New()
	rest := []byte(text)
	for n := 1; ; n++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("PEM block %d is a %q block, not a CERTIFICATE: the bundle may hold only CA certificates", n, block.Type)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d is not a valid X.509 certificate: %w", n, err)
		}
		if !cert.BasicConstraintsValid || !cert.IsCA {
			return nil, fmt.Errorf("certificate %d (%s) is not a CA certificate: its basic constraints do not say CA:TRUE", n, subject(cert))
		}
		b.Certificates = append(b.Certificates, cert)
		hash.Write(cert.Raw)
		_ = pem.Encode(&canonical, &pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}) // a bytes.Buffer cannot fail
		if b.NotAfter.IsZero() || cert.NotAfter.Before(b.NotAfter) {
			b.NotAfter = cert.NotAfter
		}
	}
	if len(b.Certificates) == 0 {
		return nil, errors.New("the CA bundle is not PEM: it holds no -----BEGIN CERTIFICATE----- block")
	}
	b.PEM = canonical.String()
	b.FingerprintSHA256 = hex.EncodeToString(hash.Sum(nil))
	return b, nil
}

// ExpiryWarning is how close to expiry a bundle may come before vaultboot
// warns: a month leaves time to rotate the CA.
const ExpiryWarning = 30 * 24 * time.Hour

// Check compares the bundle with the clock: a bundle with an expired
// certificate is an error; one expiring within ExpiryWarning returns a
// warning (and no error).
func (b *Bundle) Check(now time.Time) (warning string, err error) {
	for i, c := range b.Certificates {
		if !now.Before(c.NotAfter) {
			return "", fmt.Errorf("certificate %d (%s) expired on %s: publish a current CA", i+1, subject(c), c.NotAfter.UTC().Format(time.RFC3339))
		}
	}
	if left := b.NotAfter.Sub(now); left < ExpiryWarning {
		return fmt.Sprintf("the CA bundle expires on %s, in %d days: rotate the CA and apply again before then, or namespaces will trust an expired CA", b.NotAfter.UTC().Format(time.RFC3339), int(left.Hours()/24)), nil
	}
	return "", nil
}

// CertificateFingerprint is the lowercase hex SHA-256 of one certificate.
func CertificateFingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// subject names a certificate in messages. A subject is public, and %q
// keeps a hostile one on one line.
func subject(c *x509.Certificate) string {
	if s := c.Subject.String(); s != "" {
		return fmt.Sprintf("subject %q", s)
	}
	return "no subject"
}
