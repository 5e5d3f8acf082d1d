package naming

import (
	"fmt"
	"regexp"
	"unicode"
	"unicode/utf8"
)

// IdentityLookupGroupPath finds the group that owns a group alias (by alias
// name and mount accessor), so a binding can name the group that already
// holds its IdP group id.
func IdentityLookupGroupPath() string { return "identity/lookup/group" }

// MaxGroupIDLength bounds an IdP group id. Real ids (Azure object ids, Okta
// and Keycloak group names or paths) are far shorter; the bound keeps a typo
// such as a pasted file from reaching Vault.
const MaxGroupIDLength = 256

// GroupIDRule describes the allowed IdP group ids in error messages.
const GroupIDRule = "the group id exactly as it appears in the IdP token's groups claim: 1 to 256 characters, no control or invisible formatting characters and no leading or trailing whitespace"

// ValidateGroupID checks an IdP group id. It becomes a group alias name and a
// bound claim value, which Vault compares exactly, so whitespace at either
// end (a copy-paste slip) would silently match nobody.
func ValidateGroupID(id string) error { return validateExact("group id", GroupIDRule, id) }

// ClaimValueRule describes the allowed bound claim values in error messages.
const ClaimValueRule = "1 to 256 characters, no control or invisible formatting characters and no leading or trailing whitespace"

// ValidateClaimValue checks a value a login role's bound claim accepts;
// like a group id it is compared exactly.
func ValidateClaimValue(v string) error { return validateExact("claim value", ClaimValueRule, v) }

func validateExact(what, rule, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("the %s is empty: use %s", what, rule)
	case len(s) > MaxGroupIDLength:
		return fmt.Errorf("the %s %s is longer than %d bytes: use %s", what, Describe(s), MaxGroupIDLength, rule)
	case unicode.IsSpace(first(s)) || unicode.IsSpace(last(s)):
		return fmt.Errorf("the %s %s has leading or trailing whitespace, which never matches a token's claim: use %s", what, Describe(s), rule)
	}
	for _, r := range s {
		// Format characters (zero-width spaces and joiners, bidi overrides,
		// the BOM) are invisible: a value holding one looks right in review
		// and never matches the claim the IdP sends.
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return fmt.Errorf("the %s %s contains a control character, an invisible formatting character or invalid UTF-8: use %s", what, Describe(s), rule)
		}
	}
	return nil
}

var policyNameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9_.-]{0,126}[a-z0-9])?$`)

// PolicyNameRule describes the allowed ACL policy names in error messages.
const PolicyNameRule = "1 to 128 lowercase letters, digits, '-', '_' and '.', starting and ending with a letter or digit"

// ValidatePolicyName checks the name of an ACL policy a binding grants.
// Vault stores policy documents under lowercase names but keeps an identity
// group's policy list as given, so only lowercase names stay comparable.
// "root" is refused: Vault rejects it on identity groups, and granting it to
// an IdP group would hand out unlimited access.
func ValidatePolicyName(name string) error {
	if name == "root" {
		return fmt.Errorf("%q cannot be granted through a group binding: Vault refuses the root policy on identity groups", name)
	}
	if !policyNameRE.MatchString(name) {
		return fmt.Errorf("%s is not a valid policy name: use %s", Describe(name), PolicyNameRule)
	}
	return nil
}

// ClaimRule describes the allowed JWT claim names in error messages.
const ClaimRule = "a JWT claim name or a JSON pointer such as \"/groups\": 1 to 128 characters without whitespace or control characters"

// ValidateClaim checks a JWT claim name used as user_claim, groups_claim or
// a bound_claims key.
func ValidateClaim(claim string) error {
	if claim == "" || len(claim) > 128 {
		return fmt.Errorf("%s is not a valid claim name: use %s", Describe(claim), ClaimRule)
	}
	for _, r := range claim {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\uFFFD' {
			return fmt.Errorf("%s is not a valid claim name: use %s", Describe(claim), ClaimRule)
		}
	}
	return nil
}

func first(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func last(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}
