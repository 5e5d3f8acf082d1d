package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/cabundle"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// caSource is a CA sync policy's validated source.
type caSource struct {
	src   naming.CASource
	kvKey string
	pem   string
}

// sourceError says which source failed; it never quotes the source's text.
// missing marks a source that is absent or empty, as opposed to one holding
// something wrong: at plan time a missing source may still be created by the
// same apply, so it only warns then.
type sourceError struct {
	where   string
	err     error
	missing bool
}

func (e *sourceError) Error() string { return "the CA source " + e.where + ": " + e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// isSourceMissing reports whether err means the CA source is absent or empty.
func isSourceMissing(err error) bool {
	var se *sourceError
	return errors.As(err, &se) && se.missing
}

// readCABundle reads and parses the CA bundle from its source. Vault is read
// for a PKI mount (<mount>/cert/ca_chain) or a KV path; inline PEM is only
// parsed. The bundle is not checked against the clock here. Vault failures
// other than a missing source come back as the *vaultclient.Error.
func readCABundle(ctx context.Context, c *vaultclient.Client, cs naming.CASync, s caSource) (*cabundle.Bundle, error) {
	where := cs.SourcePath(s.src)
	var text string
	switch {
	case s.src.PKIMount != "":
		chain, err := c.ReadPKICAChain(ctx, s.src.PKIMount)
		if errors.Is(err, vaultclient.ErrNoCA) {
			return nil, &sourceError{where: where, err: err, missing: true}
		}
		if err != nil {
			return nil, err
		}
		text = chain
	case s.src.KVPath != "":
		t, err := readKVCA(ctx, c, where, s.kvKey)
		if err != nil {
			return nil, err
		}
		text = t
	default:
		where, text = "pem", s.pem
	}
	b, err := cabundle.Parse(text)
	if err != nil {
		return nil, &sourceError{where: where, err: err, missing: errors.Is(err, cabundle.ErrEmpty)}
	}
	return b, nil
}

// readKVCA reads one key of a KV v2 secret. Other keys' values are dropped
// unread; only their names appear in an error, to help fix a wrong kv_key.
func readKVCA(ctx context.Context, c *vaultclient.Client, path, key string) (string, error) {
	data, found, err := c.ReadKVData(ctx, path)
	if err != nil {
		return "", err
	}
	if !found {
		return "", &sourceError{where: path, missing: true, err: errors.New("no KV v2 secret there (or its latest version is deleted): write the CA bundle there first")}
	}
	v, ok := data[key]
	if !ok {
		names := make([]string, 0, len(data))
		for k := range data {
			names = append(names, naming.Describe(k))
		}
		sort.Strings(names)
		return "", &sourceError{where: path, missing: true, err: fmt.Errorf("the secret has no key %s (its keys: %s); set ca_source.kv_key", naming.Describe(key), strings.Join(names, ", "))}
	}
	text, ok := v.(string)
	if !ok {
		return "", &sourceError{where: path, err: fmt.Errorf("the value of key %s is not a string: store the PEM bundle as text", naming.Describe(key))}
	}
	return text, nil
}

// caDocument turns a parsed bundle into the document's CA section.
func caDocument(b *cabundle.Bundle) naming.CASyncCA {
	ca := naming.CASyncCA{PEM: b.PEM, FingerprintSHA256: b.FingerprintSHA256, NotAfter: rfc3339(b.NotAfter)}
	for _, cert := range b.Certificates {
		ca.Certificates = append(ca.Certificates, naming.CASyncCertificate{
			Subject:           cert.Subject.String(),
			NotAfter:          rfc3339(cert.NotAfter),
			FingerprintSHA256: cabundle.CertificateFingerprint(cert),
		})
	}
	return ca
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
