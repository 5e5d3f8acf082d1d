package naming

import (
	"slices"
	"testing"
)

// FuzzCASyncPolicy proves that whatever CA source and name pass validation,
// the syncer's policy is read on the source and on its own document, and
// nothing else: no glob, no other capability, no extra stanza.
func FuzzCASyncPolicy(f *testing.F) {
	f.Add("internal", "pki", "")
	f.Add("internal", "", "platform/vault-ca")
	f.Add("x", "pki/../sys", "")
	f.Add("x", "", "a/*")
	f.Add("x", "", `a"} path "sys/*" { capabilities = ["sudo"] } #`)
	f.Fuzz(func(t *testing.T, name, pkiMount, kvPath string) {
		e, _ := NewEnv("production", DefaultConventions())
		c, err := e.CASync(name)
		if err != nil {
			return
		}
		src, err := NewCASource(pkiMount, kvPath)
		if err != nil {
			return
		}
		want := []string{c.DocumentDataPath()}
		switch {
		case pkiMount != "":
			want = []string{pkiMount + "/cert/ca_chain", c.DocumentDataPath()}
		case kvPath != "":
			want = []string{"secret/data/" + kvPath, c.DocumentDataPath()}
		}
		rules := parsePolicy(t, c.Policy(src))
		if len(rules) != len(want) {
			t.Fatalf("%d stanzas, want %d", len(rules), len(want))
		}
		for i, r := range rules {
			if r.Path != want[i] || !slices.Equal(r.Capabilities, []string{"read"}) {
				t.Fatalf("stanza %+v, want read on %q", r, want[i])
			}
			if slices.ContainsFunc([]rune(r.Path), func(x rune) bool { return x == '*' || x == '+' }) {
				t.Fatalf("glob in %q", r.Path)
			}
		}
	})
}
