package casyncer

import (
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/cabundle"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// Trust is the pinned expectation a document must meet before its CA is
// published: whoever can write the document (a Terraform run, or anyone
// with that KV path) otherwise decides what every namespace trusts. Each
// part is optional; an empty Trust accepts any valid CA bundle.
type Trust struct {
	// Sources are the source.read_path values allowed ("pem" for an inline
	// bundle, which has none).
	Sources []string
	// Fingerprints are the lowercase hex SHA-256 certificate fingerprints
	// allowed; every certificate of the bundle must be one of them.
	Fingerprints []string
	// Anchors: every certificate of the bundle must be one of them or be
	// signed by one of them.
	Anchors *x509.CertPool
	anchors []*x509.Certificate
}

// ParseTrust reads the comma-separated lists and the anchor file.
func ParseTrust(sources, fingerprints, anchorFile string) (Trust, error) {
	t := Trust{Sources: splitList(sources)}
	for _, f := range splitList(fingerprints) {
		f = strings.ToLower(strings.ReplaceAll(f, ":", ""))
		if b, err := hex.DecodeString(f); err != nil || len(b) != 32 {
			return Trust{}, fmt.Errorf("VAULTBOOT_SYNC_ALLOWED_FINGERPRINTS: %s is not a hex SHA-256 fingerprint", naming.Describe(f))
		}
		t.Fingerprints = append(t.Fingerprints, f)
	}
	if anchorFile == "" {
		return t, nil
	}
	pemBytes, err := os.ReadFile(anchorFile)
	if err != nil {
		return Trust{}, fmt.Errorf("VAULTBOOT_SYNC_TRUST_ANCHOR: %w", err)
	}
	b, err := cabundle.Parse(string(pemBytes))
	if err != nil {
		return Trust{}, fmt.Errorf("VAULTBOOT_SYNC_TRUST_ANCHOR %s: %w", anchorFile, err)
	}
	t.Anchors, t.anchors = x509.NewCertPool(), b.Certificates
	for _, c := range b.Certificates {
		t.Anchors.AddCert(c)
	}
	return t, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Check validates a document's CA the way the syncer must before
// publishing it: a bundle of CA certificates, none expired at now, whose
// source and certificates meet the pins. The error names what failed,
// never the PEM.
func (t Trust) Check(doc naming.CASyncDocument, now time.Time) (*cabundle.Bundle, error) {
	b, err := cabundle.Parse(doc.CA.PEM)
	if err != nil {
		return nil, fmt.Errorf("ca.pem: %w", err)
	}
	if b.NotAfter.Before(now) {
		return nil, fmt.Errorf("ca.pem: a certificate of the bundle expired at %s", b.NotAfter.UTC().Format(time.RFC3339))
	}
	if b.FingerprintSHA256 != doc.CA.FingerprintSHA256 {
		return nil, errors.New("ca.pem does not match ca.fingerprint_sha256: the document was not written by vaultboot or was edited")
	}
	source := doc.Source.ReadPath
	if doc.Source.Type == naming.CASourcePEM {
		source = naming.CASourcePEM
	}
	if len(t.Sources) > 0 && !slices.Contains(t.Sources, source) {
		return nil, fmt.Errorf("the document's source %s is not one of the allowed sources %v", naming.Describe(source), t.Sources)
	}
	for i, c := range b.Certificates {
		fp := cabundle.CertificateFingerprint(c)
		if len(t.Fingerprints) > 0 && !slices.Contains(t.Fingerprints, fp) {
			return nil, fmt.Errorf("certificate %d of the bundle (SHA-256 %s) is not one of the allowed fingerprints", i+1, fp)
		}
		if t.Anchors != nil && !t.anchored(c, now) {
			return nil, fmt.Errorf("certificate %d of the bundle (SHA-256 %s) is neither a trust anchor nor signed by one", i+1, fp)
		}
	}
	return b, nil
}

// anchored reports whether c is an anchor or chains to one at now.
func (t Trust) anchored(c *x509.Certificate, now time.Time) bool {
	if slices.ContainsFunc(t.anchors, c.Equal) {
		return true
	}
	_, err := c.Verify(x509.VerifyOptions{Roots: t.Anchors, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	return err == nil
}
