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
}

// RenderPolicy renders an ACL policy in HCL with vaultboot's header comment
// ("# managed by vaultboot: OWNER"). Every string goes through QuoteHCL, so no
// input can open a new stanza or add a capability.
func RenderPolicy(owner string, rules []Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s\n", PolicyHeaderPrefix, commentSafe(owner))
	for _, r := range rules {
		caps := make([]string, len(r.Capabilities))
		for i, c := range r.Capabilities {
			caps[i] = QuoteHCL(c)
		}
		b.WriteByte('\n')
		if r.Comment != "" {
			fmt.Fprintf(&b, "# %s\n", commentSafe(r.Comment))
		}
		fmt.Fprintf(&b, "path %s {\n  capabilities = [%s]\n}\n", QuoteHCL(r.Path), strings.Join(caps, ", "))
	}
	return b.String()
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
