package naming

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/hcl"
	"github.com/hashicorp/hcl/hcl/ast"
)

// parsePolicy parses a policy the way Vault does (HCL v1) and returns its
// path stanzas in order.
func parsePolicy(t *testing.T, doc string) []Rule {
	t.Helper()
	root, err := hcl.Parse(doc)
	if err != nil {
		t.Fatalf("policy does not parse: %v\n%s", err, doc)
	}
	list, ok := root.Node.(*ast.ObjectList)
	if !ok {
		t.Fatalf("policy root is %T", root.Node)
	}
	var out []Rule
	for _, item := range list.Items {
		if len(item.Keys) != 2 || item.Keys[0].Token.Text != "path" {
			t.Fatalf("unexpected stanza %v", item.Keys)
		}
		var body struct {
			Capabilities []string `hcl:"capabilities"`
		}
		if err := hcl.DecodeObject(&body, item.Val); err != nil {
			t.Fatal(err)
		}
		obj, ok := item.Val.(*ast.ObjectType)
		if !ok {
			t.Fatalf("stanza body is %T", item.Val)
		}
		if len(obj.List.Items) != 1 {
			t.Fatalf("stanza has %d fields, want only capabilities", len(obj.List.Items))
		}
		p, _ := item.Keys[1].Token.Value().(string)
		out = append(out, Rule{Path: p, Capabilities: body.Capabilities})
	}
	return out
}

// FuzzQuoteHCL proves that no string, valid or not, can escape its quotes:
// a rendered policy always parses back into exactly the stanzas we wrote.
func FuzzQuoteHCL(f *testing.F) {
	for _, s := range []string{"secret/data/x", `a"} path "sys/*" { capabilities = ["sudo"] } #`, "a\nb", "${x}", `\`, "\u2028", "\U0001F600"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, string(utf8.RuneError))
		}
		doc := RenderPolicy(s, []Rule{{Path: s, Capabilities: []string{"read", s}}, {Path: "fixed", Capabilities: []string{"list"}}})
		rules := parsePolicy(t, doc)
		if len(rules) != 2 || rules[0].Path != s || rules[1].Path != "fixed" {
			t.Fatalf("input %q produced stanzas %+v", s, rules)
		}
		if len(rules[0].Capabilities) != 2 || rules[0].Capabilities[1] != s {
			t.Fatalf("input %q changed capabilities %+v", s, rules[0].Capabilities)
		}
	})
}

// FuzzAppPolicies proves that any app and environment name accepted by
// validation yields policies whose every path stays inside the app's own KV
// paths, with exactly the capabilities of the naming contract.
func FuzzAppPolicies(f *testing.F) {
	f.Add("production", "payments")
	f.Add("integration", "a")
	f.Add("prod", "x/../../sys")
	f.Fuzz(func(t *testing.T, env, app string) {
		e, err := NewEnv(env, DefaultConventions())
		if err != nil {
			return
		}
		a, err := e.App(app)
		if err != nil {
			return
		}
		lp := env + "/" + app
		own := map[string]bool{}
		for _, kind := range []string{"data", "metadata", "delete", "undelete"} {
			own["secret/"+kind+"/"+lp] = true
			own["secret/"+kind+"/"+lp+"/*"] = true
		}
		for _, doc := range []string{a.ReadPolicy(), a.WritePolicy()} {
			for _, r := range parsePolicy(t, doc) {
				if !own[r.Path] {
					t.Fatalf("app %q env %q: path %q outside its own", app, env, r.Path)
				}
				for _, c := range r.Capabilities {
					if c == "sudo" || c == "destroy" || c == "deny" {
						t.Fatalf("capability %q", c)
					}
				}
			}
		}
		if n := len(parsePolicy(t, a.ReadPolicy())); n != 4 {
			t.Fatalf("read policy has %d stanzas", n)
		}
		if n := len(parsePolicy(t, a.WritePolicy())); n != 8 {
			t.Fatalf("write policy has %d stanzas", n)
		}
	})
}

// FuzzJoin proves that the path builder itself, whatever its callers
// validated, never yields a glob, a traversal, an empty segment or a
// character outside the naming rules: it refuses, or every segment of the
// result is one literal segment of its input, in order.
func FuzzJoin(f *testing.F) {
	for _, s := range []string{"production/payments", "*", "+", "..", "a/../b", "", "a//b", "/a", "p\u0430yments", "a b", "x%2F", ".x", "_vaultboot"} {
		f.Add("secret", s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		p, err := CheckedJoin(a, b)
		if err != nil {
			return
		}
		want := append(strings.Split(a, "/"), strings.Split(b, "/")...)
		if p != strings.Join(want, "/") {
			t.Fatalf("Join(%q, %q) = %q: segments changed", a, b, p)
		}
		for _, s := range strings.Split(p, "/") {
			if s == "" || s == "." || strings.Contains(s, "..") || strings.ContainsAny(s, "*+ ?#%\"\\") || s[0] == '-' || s[0] == '.' {
				t.Fatalf("Join(%q, %q) = %q has segment %q", a, b, p, s)
			}
			for _, r := range s {
				if r > 0x7e || r < 0x21 {
					t.Fatalf("Join(%q, %q) = %q has a non-printable or non-ASCII byte", a, b, p)
				}
			}
		}
	})
}
