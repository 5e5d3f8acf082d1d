package naming

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// CASyncDocumentSchemaVersion is the version of the CA sync document's
// schema. Within a version fields are only ever added; a change a syncer
// written against an older version could misread (a field removed, renamed
// or given another meaning) bumps it. A syncer must refuse a version it does
// not know.
const CASyncDocumentSchemaVersion = 1

// CA source types, as the document's source.type names them.
const (
	CASourcePKI = "pki"
	CASourceKV  = "kv"
	CASourcePEM = "pem"
)

// Target kinds a syncer writes the CA bundle into.
const (
	TargetKindSecret    = "Secret"
	TargetKindConfigMap = "ConfigMap"
)

// CASyncDocument is the JSON document at secret/data/_vaultboot/E/ca-sync/N
// that a namespace syncer reads (the KV v2 secret's data is this object).
// It is the contract between vaultboot and every syncer: the field names
// and meanings below are stable within CASyncDocumentSchemaVersion, and
// templates/resources/namespace_ca_sync_policy.md.tmpl documents them.
type CASyncDocument struct {
	SchemaVersion int            `json:"schema_version"`
	Environment   string         `json:"environment"`
	Name          string         `json:"name"`
	Source        CASyncSource   `json:"source"`
	Namespaces    CASyncSelector `json:"namespaces"`
	Target        CASyncTarget   `json:"target"`
	CA            CASyncCA       `json:"ca"`
}

// CASyncSource says where the bundle came from and where the syncer may
// read the live CA.
type CASyncSource struct {
	// Type is "pki", "kv" or "pem".
	Type string `json:"type"`
	// PKIMount is set for type "pki".
	PKIMount string `json:"pki_mount,omitempty"`
	// KVMount, KVPath and KVKey are set for type "kv": the bundle is the
	// value of key KVKey in the KV v2 secret at logical path KVPath.
	KVMount string `json:"kv_mount,omitempty"`
	KVPath  string `json:"kv_path,omitempty"`
	KVKey   string `json:"kv_key,omitempty"`
	// ReadPath is the Vault API path the syncer's policy may read for the
	// live CA ("pki/cert/ca_chain", "secret/data/..."); empty for "pem".
	ReadPath string `json:"read_path,omitempty"`
}

// CASyncSelector picks the namespaces that receive the CA. A namespace is
// selected when its name is in MatchNames, or starts with one of
// MatchPrefixes, or carries every label of MatchLabels (when MatchLabels is
// not empty), and its name is not in ExcludeNames. Lists are sorted;
// empty lists and maps are [] and {}, never null.
type CASyncSelector struct {
	MatchNames    []string          `json:"match_names"`
	MatchPrefixes []string          `json:"match_prefixes"`
	MatchLabels   map[string]string `json:"match_labels"`
	ExcludeNames  []string          `json:"exclude_names"`
}

// CASyncTarget is the object the syncer writes in every selected namespace:
// a Secret (type Opaque) or ConfigMap named Name whose key Key holds
// CA.PEM, with these labels and annotations.
type CASyncTarget struct {
	Kind        string            `json:"kind"`
	Name        string            `json:"name"`
	Key         string            `json:"key"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

// CASyncCA is the CA bundle as vaultboot validated it at the last apply.
type CASyncCA struct {
	// PEM is the bundle to publish: one CERTIFICATE block per certificate,
	// each ending in a newline.
	PEM string `json:"pem"`
	// FingerprintSHA256 is the lowercase hex SHA-256 of the certificates'
	// DER bytes concatenated in bundle order.
	FingerprintSHA256 string `json:"fingerprint_sha256"`
	// NotAfter is the earliest expiry in the bundle, RFC 3339 in UTC.
	NotAfter     string              `json:"not_after"`
	Certificates []CASyncCertificate `json:"certificates"`
}

// CASyncCertificate describes one certificate of the bundle, in order.
type CASyncCertificate struct {
	Subject           string `json:"subject"`
	NotAfter          string `json:"not_after"`
	FingerprintSHA256 string `json:"fingerprint_sha256"`
}

// Document builds and validates the CA sync document. kvKey is the key
// holding the bundle for a KV source and ignored otherwise.
func (c CASync) Document(src CASource, kvKey string, sel CASyncSelector, target CASyncTarget, ca CASyncCA) (CASyncDocument, error) {
	s, err := c.documentSource(src, kvKey)
	if err != nil {
		return CASyncDocument{}, err
	}
	if err := sel.Validate(); err != nil {
		return CASyncDocument{}, err
	}
	if err := target.Validate(); err != nil {
		return CASyncDocument{}, err
	}
	if err := ca.validate(); err != nil {
		return CASyncDocument{}, err
	}
	return CASyncDocument{
		SchemaVersion: CASyncDocumentSchemaVersion,
		Environment:   c.env.name,
		Name:          c.name,
		Source:        s,
		Namespaces:    sel.normalized(),
		Target:        target.normalized(),
		CA:            ca,
	}, nil
}

func (c CASync) documentSource(src CASource, kvKey string) (CASyncSource, error) {
	switch {
	case src.PKIMount != "":
		return CASyncSource{Type: CASourcePKI, PKIMount: src.PKIMount, ReadPath: c.SourcePath(src)}, nil
	case src.KVPath != "":
		if err := ValidateKubernetesDataKey(kvKey); err != nil {
			return CASyncSource{}, fmt.Errorf("the KV key: %w", err)
		}
		return CASyncSource{Type: CASourceKV, KVMount: c.env.conv.KVMount, KVPath: src.KVPath, KVKey: kvKey, ReadPath: c.SourcePath(src)}, nil
	}
	return CASyncSource{Type: CASourcePEM}, nil
}

// Validate checks the selector: at least one match rule, and every name,
// prefix and label a valid Kubernetes one.
func (s CASyncSelector) Validate() error {
	if len(s.MatchNames) == 0 && len(s.MatchPrefixes) == 0 && len(s.MatchLabels) == 0 {
		return errors.New("the namespace selector needs at least one of match_names, match_prefixes or match_labels")
	}
	for _, n := range append(slices.Clone(s.MatchNames), s.ExcludeNames...) {
		if err := ValidateKubernetesNamespace(n); err != nil {
			return err
		}
	}
	for _, p := range s.MatchPrefixes {
		if err := ValidateKubernetesNamespacePrefix(p); err != nil {
			return err
		}
	}
	return validateLabels(s.MatchLabels)
}

// Validate checks the target's kind, name, key, labels and annotations.
func (t CASyncTarget) Validate() error {
	if t.Kind != TargetKindSecret && t.Kind != TargetKindConfigMap {
		return fmt.Errorf("%s is not a target kind: use %q or %q", Describe(t.Kind), TargetKindSecret, TargetKindConfigMap)
	}
	if err := ValidateKubernetesObjectName(t.Name); err != nil {
		return err
	}
	if err := ValidateKubernetesDataKey(t.Key); err != nil {
		return err
	}
	if err := validateLabels(t.Labels); err != nil {
		return err
	}
	size := 0
	for k, v := range t.Annotations {
		if err := ValidateKubernetesLabelKey(k); err != nil {
			return err
		}
		size += len(k) + len(v)
	}
	if size > MaxAnnotationsSize {
		return fmt.Errorf("the annotations total %d bytes: Kubernetes allows at most %d", size, MaxAnnotationsSize)
	}
	return nil
}

func validateLabels(labels map[string]string) error {
	for k, v := range labels {
		if err := ValidateKubernetesLabelKey(k); err != nil {
			return err
		}
		if err := ValidateKubernetesLabelValue(v); err != nil {
			return err
		}
	}
	return nil
}

func (ca CASyncCA) validate() error {
	if ca.PEM == "" || len(ca.Certificates) == 0 {
		return errors.New("the CA bundle is empty")
	}
	if b, err := hex.DecodeString(ca.FingerprintSHA256); err != nil || len(b) != 32 {
		return fmt.Errorf("%s is not a hex SHA-256 fingerprint", Describe(ca.FingerprintSHA256))
	}
	if _, err := time.Parse(time.RFC3339, ca.NotAfter); err != nil {
		return fmt.Errorf("%s is not an RFC 3339 time", Describe(ca.NotAfter))
	}
	return nil
}

func (s CASyncSelector) normalized() CASyncSelector {
	return CASyncSelector{
		MatchNames:    sortedCopy(s.MatchNames),
		MatchPrefixes: sortedCopy(s.MatchPrefixes),
		MatchLabels:   mapCopy(s.MatchLabels),
		ExcludeNames:  sortedCopy(s.ExcludeNames),
	}
}

func (t CASyncTarget) normalized() CASyncTarget {
	t.Labels, t.Annotations = mapCopy(t.Labels), mapCopy(t.Annotations)
	return t
}

func sortedCopy(ss []string) []string {
	out := append([]string{}, ss...)
	slices.Sort(out)
	return slices.Compact(out)
}

func mapCopy(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	maps.Copy(out, m)
	return out
}

// Data is the document as the KV v2 secret's data: the JSON object itself,
// so a syncer reads it at .data.data of the KV read.
func (d CASyncDocument) Data() map[string]any {
	raw, _ := json.Marshal(d) // plain strings, ints, slices and maps cannot fail
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return m
}

// CanonicalJSON renders a document's data (as written, or as read back from
// Vault) as indented JSON with sorted keys, so the document vaultboot wants
// and the one Vault holds compare as text.
func CanonicalJSON(data map[string]any) (string, error) {
	raw, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return "", err
	}
	return string(raw), nil
}

// ParseCASyncDocument decodes a document read from Vault. It refuses a
// schema version it does not know, as a syncer must.
func ParseCASyncDocument(data map[string]any) (CASyncDocument, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return CASyncDocument{}, err
	}
	var d CASyncDocument
	if err := json.Unmarshal(raw, &d); err != nil {
		return CASyncDocument{}, fmt.Errorf("the CA sync document does not match schema version %d: %w", CASyncDocumentSchemaVersion, err)
	}
	if d.SchemaVersion != CASyncDocumentSchemaVersion {
		return CASyncDocument{}, fmt.Errorf("the CA sync document has schema_version %d, this vaultboot writes %d", d.SchemaVersion, CASyncDocumentSchemaVersion)
	}
	return d, nil
}
