package naming

import (
	"strings"
	"testing"
)

func TestValidateNamespace(t *testing.T) {
	for _, ns := range []string{"payments", "team-a", "1ns", "a", strings.Repeat("a", 63), Wildcard} {
		if err := ValidateNamespace(ns); err != nil {
			t.Errorf("ValidateNamespace(%q) = %v, want ok", ns, err)
		}
	}
	for _, ns := range []string{"", "Payments", "team_a", "-a", "a-", "a.b", "team-*", "**", "a b", `a"`, "a\n", strings.Repeat("a", 64)} {
		if err := ValidateNamespace(ns); err == nil || !strings.Contains(err.Error(), "not a valid namespace") {
			t.Errorf("ValidateNamespace(%q) = %v, want error", ns, err)
		}
	}
}

func TestValidateServiceAccount(t *testing.T) {
	long := strings.Repeat(strings.Repeat("a", 62)+".", 4) + "a" // 253 characters
	for _, sa := range []string{"payments", "payments-api", "my.sa", "0", long, Wildcard} {
		if err := ValidateServiceAccount(sa); err != nil {
			t.Errorf("ValidateServiceAccount(%q) = %v, want ok", sa, err)
		}
	}
	for _, sa := range []string{"", "Pay", "pay_ments", "a..b", "a.-b", "a-.b", ".a", "a.", "pay*", "a/b", strings.Repeat("a", 254)} {
		if err := ValidateServiceAccount(sa); err == nil || !strings.Contains(err.Error(), "not a valid service account") {
			t.Errorf("ValidateServiceAccount(%q) = %v, want error", sa, err)
		}
	}
}
