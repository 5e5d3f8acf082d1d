package naming

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// pathValidators check strings that become part of a Vault path, a policy
// document or a Kubernetes name: whatever they accept must be plain ASCII
// without anything a path, a glob or a policy could interpret.
var pathValidators = map[string]func(string) error{
	"ValidateName":                      ValidateName,
	"ValidateEnvironment":               ValidateEnvironment,
	"ValidateMount":                     ValidateMount,
	"ValidateLogicalPath":               ValidateLogicalPath,
	"ValidatePolicyName":                ValidatePolicyName,
	"ValidateNamespace":                 ValidateNamespace,
	"ValidateServiceAccount":            ValidateServiceAccount,
	"ValidateKubernetesNamespace":       ValidateKubernetesNamespace,
	"ValidateKubernetesNamespacePrefix": ValidateKubernetesNamespacePrefix,
	"ValidateKubernetesObjectName":      ValidateKubernetesObjectName,
	"ValidateKubernetesDataKey":         ValidateKubernetesDataKey,
	"ValidateKubernetesLabelKey":        ValidateKubernetesLabelKey,
	"ValidateKubernetesLabelValue":      ValidateKubernetesLabelValue,
}

// exactValidators check strings Vault compares exactly (IdP group ids,
// claim values and names): any text is fine except what is invisible or
// cannot match.
var exactValidators = map[string]func(string) error{
	"ValidateGroupID":    ValidateGroupID,
	"ValidateClaimValue": ValidateClaimValue,
	"ValidateClaim":      ValidateClaim,
}

// hostileSeeds start the fuzzers from the attacks the acceptance table
// throws at the provider.
var hostileSeeds = []string{
	"payments", "../sys", "a/../../sys", "/sys/raw", "app*", "app+", "a/+/b", "*",
	`x" } path "sys/*" { capabilities = ["sudo"] } #`, "${file(\"/etc/passwd\")}", "%{ if x }",
	"app'x", `app"x`, `app\x`, "app\nx", "app\rx", "app\tx", "app\x00", "\x1b[31m", "app\x7f",
	"\u0430pp", "\uff41pp", "app\u200b", "ap\u200dp", "app\u202e", "\ufeffapp", "app\u00a0x",
	"App", "", " ", "-app", "deploy-x", "ca-sync-x", "https://evil.example/x", "a,b", "a..b", ".", "..",
	strings.Repeat("a", 10240),
}

// FuzzPathValidators proves that no validator of a path-bound input accepts
// anything but printable ASCII without quotes, backslashes, whitespace,
// template or glob characters and ".." segments (the wildcard "*" alone is
// the one documented exception, for Kubernetes role bindings).
func FuzzPathValidators(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, validate := range pathValidators {
			if validate(s) != nil {
				continue
			}
			if s == Wildcard && (name == "ValidateNamespace" || name == "ValidateServiceAccount") {
				continue
			}
			if s == "" && name == "ValidateKubernetesLabelValue" {
				continue // an empty label value is valid Kubernetes
			}
			if bad := pathUnsafe(s, !inDocumentOnly[name]); bad != "" {
				t.Fatalf("%s accepted %q, which %s", name, s, bad)
			}
			if len(s) > 253 {
				t.Fatalf("%s accepted %d bytes", name, len(s))
			}
		}
	})
}

// inDocumentOnly marks the validators of strings that only ever appear as
// JSON values in a document (Kubernetes keys and labels): they may hold
// "a..b", which is valid Kubernetes and reaches no path.
var inDocumentOnly = map[string]bool{
	"ValidateKubernetesDataKey": true, "ValidateKubernetesLabelKey": true, "ValidateKubernetesLabelValue": true,
}

// pathUnsafe says what makes s unfit for a path or policy, "" if nothing;
// segments adds the path-segment checks.
func pathUnsafe(s string, segments bool) string {
	if s == "" {
		return "is empty"
	}
	for _, r := range s {
		if r < 0x21 || r > 0x7e {
			return "holds a character outside printable ASCII"
		}
		if strings.ContainsRune(`"'\*+${}%#,;:?&=<>|`+"`"+` `, r) {
			return "holds a quote, backslash, template, glob or separator character"
		}
	}
	if !segments {
		return ""
	}
	for _, seg := range strings.Split(s, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "holds an empty, '.' or '..' path segment"
		}
	}
	return ""
}

// FuzzExactValidators proves that group ids and claims accepted by
// validation are valid UTF-8 of bounded length without control, invisible
// formatting or edge whitespace characters.
func FuzzExactValidators(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, validate := range exactValidators {
			if validate(s) != nil {
				continue
			}
			if !utf8.ValidString(s) || s == "" || len(s) > MaxGroupIDLength {
				t.Fatalf("%s accepted %q (%d bytes)", name, s, len(s))
			}
			for _, r := range s {
				if unicode.IsControl(r) || (name != "ValidateClaim" && unicode.Is(unicode.Cf, r)) {
					t.Fatalf("%s accepted %q with %U", name, s, r)
				}
			}
			first, _ := utf8.DecodeRuneInString(s)
			last, _ := utf8.DecodeLastRuneInString(s)
			if unicode.IsSpace(first) || unicode.IsSpace(last) {
				t.Fatalf("%s accepted %q with edge whitespace", name, s)
			}
		}
	})
}

// FuzzDescribe proves that an input quoted into an error message cannot
// break the message: one line, no control characters, bounded length.
func FuzzDescribe(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := Describe(s)
		if len(d) > 400 {
			t.Fatalf("Describe of %d bytes is %d bytes long", len(s), len(d))
		}
		for _, r := range d {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("Describe(%q) = %q holds %U", s, d, r)
			}
		}
	})
}
