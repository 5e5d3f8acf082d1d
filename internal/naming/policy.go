package naming

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Rule is one policy stanza: a path and its capabilities, with an optional
// one-line comment saying why (kept to the safe alphabet like the header).
type Rule struct {
	Path         string
	Capabilities []string
	Comment      string
	// Allowed, Denied and Required are Vault's allowed_parameters,
	// denied_parameters and required_parameters: they limit what a write
	// (and a read with parameters) may send on the path.
	Allowed  []Param
	Denied   []Param
	Required []string
}

// Param limits one request parameter. Vault compares a string value with
// each of Values (a leading or trailing '*' globs) and any other value (a
// list, a map) exactly; no Values means any value.
type Param struct {
	Name   string
	Values []string
	// EmptyList adds the value [] (an empty JSON list), the one list Vault
	// can match exactly without knowing its elements.
	EmptyList bool
}

// RenderPolicy renders an ACL policy in HCL with vaultboot's header comment
// ("# managed by vaultboot: OWNER"). Every string goes through QuoteHCL, so no
// input can open a new stanza or add a capability.
func RenderPolicy(owner string, rules []Rule) string {
	return renderPolicy([]string{PolicyHeaderPrefix + commentSafe(owner)}, rules)
}

func renderPolicy(header []string, rules []Rule) string {
	var b strings.Builder
	for _, h := range header {
		fmt.Fprintf(&b, "%s\n", h)
	}
	for _, r := range rules {
		caps := quoteEach(r.Capabilities)
		b.WriteByte('\n')
		if r.Comment != "" {
			fmt.Fprintf(&b, "# %s\n", commentSafe(r.Comment))
		}
		fmt.Fprintf(&b, "path %s {\n  capabilities = [%s]\n", QuoteHCL(r.Path), strings.Join(caps, ", "))
		renderParams(&b, "allowed_parameters", r.Allowed)
		renderParams(&b, "denied_parameters", r.Denied)
		if len(r.Required) > 0 {
			fmt.Fprintf(&b, "  required_parameters = [%s]\n", strings.Join(quoteEach(r.Required), ", "))
		}
		b.WriteString("}\n")
	}
	return b.String()
}

func renderParams(b *strings.Builder, block string, params []Param) {
	if len(params) == 0 {
		return
	}
	fmt.Fprintf(b, "  %s = {\n", block)
	for _, p := range params {
		vals := quoteEach(p.Values)
		if p.EmptyList {
			vals = append(vals, "[]")
		}
		fmt.Fprintf(b, "    %s = [%s]\n", QuoteHCL(p.Name), strings.Join(vals, ", "))
	}
	b.WriteString("  }\n")
}

func quoteEach(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = QuoteHCL(s)
	}
	return out
}

// PolicyHeaderPrefix starts the first line of every policy vaultboot writes.
const PolicyHeaderPrefix = "# managed by vaultboot: "

// PolicyOwner returns the owner named in a policy's header comment, or "" when
// the policy was not written by vaultboot.
func PolicyOwner(policy string) string {
	first, _, _ := strings.Cut(policy, "\n")
	owner, ok := strings.CutPrefix(strings.TrimRight(first, "\r"), PolicyHeaderPrefix)
	if !ok {
		return ""
	}
	return strings.TrimSpace(owner)
}

// QuoteHCL renders s as an HCL string literal that Vault's policy parser
// reads back as exactly s. Everything outside a small safe alphabet is
// written as a \u escape, so quotes, backslashes, newlines and "${" template
// openers can never end the string or start an interpolation.
func QuoteHCL(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, string(utf8.RuneError)) {
		switch {
		case isSafeRune(r):
			b.WriteRune(r)
		case r > 0xFFFF:
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func isSafeRune(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') ||
		strings.ContainsRune("/_.-*+:@ ", r)
}

// commentSafe keeps a header comment on one line.
func commentSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if isSafeRune(r) {
			return r
		}
		return '_'
	}, s)
}
