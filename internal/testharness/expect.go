package testharness

import (
	"regexp"
	"strings"
)

// ErrorRE matches an error that contains the fragments in order. Terraform
// re-wraps diagnostic text to its terminal width, so every space in a
// fragment matches any run of whitespace, line breaks included.
func ErrorRE(fragments ...string) *regexp.Regexp {
	quoted := make([]string, len(fragments))
	for i, f := range fragments {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(f), " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
