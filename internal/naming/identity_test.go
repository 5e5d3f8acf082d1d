package naming

import (
	"strings"
	"testing"
)

func TestValidateGroupID(t *testing.T) {
	valid := []string{
		"payments-devs",
		"Payments Developers", // inner spaces are fine: IdPs use display names
		"8f1c2d3e-4b5a-6789-abcd-ef0123456789",
		"/platform/payments/devs", // Keycloak group paths
		"équipe-paiements",
		strings.Repeat("g", MaxGroupIDLength),
	}
	for _, id := range valid {
		if err := ValidateGroupID(id); err != nil {
			t.Errorf("ValidateGroupID(%q) = %v, want ok", id, err)
		}
	}
	invalid := map[string]string{
		"":                                      "empty",
		" payments":                             "leading or trailing whitespace",
		"payments ":                             "leading or trailing whitespace",
		"payments\n":                            "leading or trailing whitespace",
		"\tpayments":                            "leading or trailing whitespace",
		"\u00a0payments":                        "leading or trailing whitespace",
		"pay\x00ments":                          "control character",
		"pay\x1bments":                          "control character",
		"pay\xffments":                          "invalid UTF-8",
		strings.Repeat("g", MaxGroupIDLength+1): "longer than",
	}
	for id, want := range invalid {
		err := ValidateGroupID(id)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateGroupID(%q) = %v, want error containing %q", id, err, want)
		}
	}
}

func TestValidateClaimValue(t *testing.T) {
	if err := ValidateClaimValue("Platform Team"); err != nil {
		t.Errorf("inner space refused: %v", err)
	}
	for _, v := range []string{"", " x", "x\t", "a\x00b"} {
		if err := ValidateClaimValue(v); err == nil || !strings.Contains(err.Error(), "claim value") {
			t.Errorf("ValidateClaimValue(%q) = %v, want a claim value error", v, err)
		}
	}
}

func TestValidatePolicyName(t *testing.T) {
	for _, n := range []string{"default", "production-payments-write", "a", "team_a.read", "x" + strings.Repeat("y", 127)} {
		if err := ValidatePolicyName(n); err != nil {
			t.Errorf("ValidatePolicyName(%q) = %v, want ok", n, err)
		}
	}
	invalid := map[string]string{
		"root":                         "cannot be granted",
		"":                             "not a valid policy name",
		"Payments-Write":               "not a valid policy name",
		"pay ments":                    "not a valid policy name",
		"pay/ments":                    "not a valid policy name",
		"-write":                       "not a valid policy name",
		"write-":                       "not a valid policy name",
		`pay"ments`:                    "not a valid policy name",
		"pay\nments":                   "not a valid policy name",
		"x" + strings.Repeat("y", 128): "not a valid policy name",
	}
	for n, want := range invalid {
		err := ValidatePolicyName(n)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidatePolicyName(%q) = %v, want error containing %q", n, err, want)
		}
	}
}

func TestValidateClaim(t *testing.T) {
	for _, c := range []string{"groups", "sub", "/resource_access/vault/roles", "https://example.com/groups"} {
		if err := ValidateClaim(c); err != nil {
			t.Errorf("ValidateClaim(%q) = %v, want ok", c, err)
		}
	}
	for _, c := range []string{"", "gro ups", "groups\n", "\x00", strings.Repeat("c", 129)} {
		if err := ValidateClaim(c); err == nil {
			t.Errorf("ValidateClaim(%q) accepted", c)
		}
	}
}

func TestBindingNames(t *testing.T) {
	e := testEnv(t)
	b, err := e.Binding("payments-devs")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ got, want string }{
		{b.GroupPath(), "identity/group/name/production-payments-devs"},
		{b.Owner(), "production/payments-devs"},
		{IdentityGroupAliasPath(), "identity/group-alias"},
		{IdentityGroupAliasByIDPath("0a1b-2c"), "identity/group-alias/id/0a1b-2c"},
		{IdentityLookupGroupPath(), "identity/lookup/group"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	m := b.Markers()
	if !IsMarked(m, b.Owner()) || len(m) != 2 {
		t.Errorf("markers %v do not mark the binding's group", m)
	}
	if _, err := e.Binding("deploy-x"); err == nil {
		t.Error("binding with a reserved prefix accepted")
	}
}
