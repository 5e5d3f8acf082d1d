package naming

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func testCA() CASyncCA {
	return CASyncCA{
		PEM:               "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
		FingerprintSHA256: strings.Repeat("ab", 32),
		NotAfter:          "2035-01-02T03:04:05Z",
		Certificates:      []CASyncCertificate{{Subject: "CN=Internal Root", NotAfter: "2035-01-02T03:04:05Z", FingerprintSHA256: strings.Repeat("ab", 32)}},
	}
}

func testSelector() CASyncSelector {
	return CASyncSelector{
		MatchNames:    []string{"payments", "billing"},
		MatchPrefixes: []string{"team-"},
		MatchLabels:   map[string]string{"vault.internal/ca": "true"},
		ExcludeNames:  []string{"kube-system"},
	}
}

func testTarget() CASyncTarget {
	return CASyncTarget{Kind: TargetKindConfigMap, Name: "vault-ca", Key: "ca.crt", Labels: map[string]string{"app.kubernetes.io/managed-by": "vaultboot"}}
}

// vaultRoundTrip decodes data the way vault/api does (json.Number for
// numbers), as a syncer or Read sees the document.
func vaultRoundTrip(t *testing.T, data map[string]any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCASyncDocumentGolden(t *testing.T) {
	c, _ := testEnv(t).CASync("internal")
	pki, _ := NewCASource("pki", "")
	doc, err := c.Document(pki, "", testSelector(), testTarget(), testCA())
	if err != nil {
		t.Fatal(err)
	}
	got, err := CanonicalJSON(doc.Data())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "production-ca-sync-internal.json")
	if *update {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got+"\n" != string(want) {
		t.Errorf("document differs from the golden file:\n%s", got)
	}
	// What Vault returns renders to the same text, and parses back.
	back := vaultRoundTrip(t, doc.Data())
	if again, _ := CanonicalJSON(back); again != got {
		t.Errorf("round trip through Vault changed the document:\n%s", again)
	}
	parsed, err := ParseCASyncDocument(back)
	if err != nil || !reflect.DeepEqual(parsed, doc) {
		t.Errorf("parse = %+v, %v", parsed, err)
	}
}

func TestCASyncDocumentSources(t *testing.T) {
	c, _ := testEnv(t).CASync("internal")
	kv, _ := NewCASource("", "platform/vault-ca")
	doc, err := c.Document(kv, "ca.pem", testSelector(), testTarget(), testCA())
	if err != nil {
		t.Fatal(err)
	}
	want := CASyncSource{Type: CASourceKV, KVMount: "secret", KVPath: "platform/vault-ca", KVKey: "ca.pem", ReadPath: "secret/data/platform/vault-ca"}
	if doc.Source != want {
		t.Errorf("kv source = %+v", doc.Source)
	}
	if _, err := c.Document(kv, "a/b", testSelector(), testTarget(), testCA()); err == nil {
		t.Error("bad KV key accepted")
	}
	pem, _ := NewCASource("", "")
	doc, err = c.Document(pem, "ignored", CASyncSelector{MatchPrefixes: []string{"apps-"}}, testTarget(), testCA())
	if err != nil {
		t.Fatal(err)
	}
	if doc.Source != (CASyncSource{Type: CASourcePEM}) {
		t.Errorf("pem source = %+v", doc.Source)
	}
	// Empty selector parts are [] and {}, never null, for typed syncers.
	raw, _ := json.Marshal(doc)
	for _, s := range []string{`"match_names":[]`, `"match_labels":{}`, `"exclude_names":[]`, `"annotations":{}`} {
		if !strings.Contains(string(raw), s) {
			t.Errorf("document lacks %s: %s", s, raw)
		}
	}
}

func TestCASyncDocumentRejects(t *testing.T) {
	c, _ := testEnv(t).CASync("internal")
	pki, _ := NewCASource("pki", "")
	tgt := func(f func(*CASyncTarget)) CASyncTarget { x := testTarget(); f(&x); return x }
	sel := func(f func(*CASyncSelector)) CASyncSelector { x := testSelector(); f(&x); return x }
	ca := func(f func(*CASyncCA)) CASyncCA { x := testCA(); f(&x); return x }
	cases := map[string]struct {
		sel  CASyncSelector
		tgt  CASyncTarget
		ca   CASyncCA
		want string
	}{
		"no selector":      {CASyncSelector{ExcludeNames: []string{"x"}}, testTarget(), testCA(), "at least one of"},
		"bad name":         {sel(func(s *CASyncSelector) { s.MatchNames = []string{"*"} }), testTarget(), testCA(), "namespace name"},
		"bad exclude":      {sel(func(s *CASyncSelector) { s.ExcludeNames = []string{"Kube"} }), testTarget(), testCA(), "namespace name"},
		"bad prefix":       {sel(func(s *CASyncSelector) { s.MatchPrefixes = []string{"team*"} }), testTarget(), testCA(), "namespace prefix"},
		"bad label":        {sel(func(s *CASyncSelector) { s.MatchLabels = map[string]string{"a": "b c"} }), testTarget(), testCA(), "label value"},
		"bad kind":         {testSelector(), tgt(func(t *CASyncTarget) { t.Kind = "secret" }), testCA(), "target kind"},
		"bad target name":  {testSelector(), tgt(func(t *CASyncTarget) { t.Name = "Vault_CA" }), testCA(), "object name"},
		"bad key":          {testSelector(), tgt(func(t *CASyncTarget) { t.Key = "../ca" }), testCA(), "key"},
		"bad annotation":   {testSelector(), tgt(func(t *CASyncTarget) { t.Annotations = map[string]string{"a b": "x"} }), testCA(), "annotation key"},
		"huge annotations": {testSelector(), tgt(func(t *CASyncTarget) { t.Annotations = map[string]string{"a": strings.Repeat("x", MaxAnnotationsSize)} }), testCA(), "at most"},
		"empty CA":         {testSelector(), testTarget(), CASyncCA{}, "empty"},
		"bad fingerprint":  {testSelector(), testTarget(), ca(func(c *CASyncCA) { c.FingerprintSHA256 = "abc" }), "fingerprint"},
		"bad time":         {testSelector(), testTarget(), ca(func(c *CASyncCA) { c.NotAfter = "tomorrow" }), "RFC 3339"},
	}
	for name, tc := range cases {
		_, err := c.Document(pki, "", tc.sel, tc.tgt, tc.ca)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}

func TestParseCASyncDocumentRejects(t *testing.T) {
	if _, err := ParseCASyncDocument(map[string]any{"schema_version": json.Number("2")}); err == nil || !strings.Contains(err.Error(), "schema_version 2") {
		t.Errorf("future version accepted: %v", err)
	}
	if _, err := ParseCASyncDocument(map[string]any{"schema_version": "1"}); err == nil {
		t.Error("string version accepted")
	}
	if _, err := ParseCASyncDocument(map[string]any{}); err == nil {
		t.Error("empty document accepted")
	}
}

func TestCASyncPolicySources(t *testing.T) {
	c, _ := testEnv(t).CASync("internal")
	kv, _ := NewCASource("", "platform/vault-ca")
	pem, _ := NewCASource("", "")
	want := map[string][]string{
		c.Policy(kv):  {"secret/data/platform/vault-ca", "secret/data/_vaultboot/production/ca-sync/internal"},
		c.Policy(pem): {"secret/data/_vaultboot/production/ca-sync/internal"},
	}
	for doc, paths := range want {
		rules := parsePolicy(t, doc)
		if len(rules) != len(paths) {
			t.Fatalf("policy has %d stanzas, want %d:\n%s", len(rules), len(paths), doc)
		}
		for i, r := range rules {
			if r.Path != paths[i] || !reflect.DeepEqual(r.Capabilities, []string{"read"}) {
				t.Errorf("stanza %d = %+v, want read on %s", i, r, paths[i])
			}
		}
		if PolicyOwner(doc) != "production/ca-sync/internal" {
			t.Errorf("owner %q", PolicyOwner(doc))
		}
	}
	if _, err := NewCASource("pki", "x"); err == nil {
		t.Error("two sources accepted")
	}
	if _, err := NewCASource("", "../sys"); err == nil {
		t.Error("bad KV path accepted")
	}
}

func TestStamp(t *testing.T) {
	e := testEnv(t)
	if got := e.Stamp(""); !reflect.DeepEqual(got, map[string]any{"environment": "production", MarkerKey: MarkerValue, OwnerKey: "production"}) {
		t.Errorf("stamp = %v", got)
	}
	owned, _ := e.WithOwner("platform/vault-config")
	if got := owned.Stamp("")[ProjectKey]; got != "platform/vault-config" {
		t.Errorf("stamp owner = %v", got)
	}
	if got := e.Stamp("prod cluster"); got[StampDescriptionKey] != "prod cluster" {
		t.Errorf("stamp = %v", got)
	}
	if !IsMarked(e.StampMarkers(), "production") {
		t.Error("stamp markers do not mark the stamp")
	}
}
