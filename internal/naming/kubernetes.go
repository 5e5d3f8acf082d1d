package naming

import (
	"fmt"
	"regexp"
)

// Wildcard binds a Kubernetes auth role to every namespace or every service
// account. Vault accepts it only as the list's sole element; vaultboot
// accepts it only when the user says allow_wildcard.
const Wildcard = "*"

var (
	k8sLabelRE     = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	k8sSubdomainRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$`)
)

// Kubernetes name rules, for error messages.
const (
	NamespaceRule      = "a Kubernetes namespace name: a lowercase DNS label of 1 to 63 characters (a-z, 0-9 and '-', starting and ending with a letter or digit)"
	ServiceAccountRule = "a Kubernetes service account name: a lowercase DNS subdomain of 1 to 253 characters (a-z, 0-9, '-' and '.', starting and ending with a letter or digit)"
)

// ValidateNamespace checks a Kubernetes namespace a role is bound to.
// Wildcard is accepted here; whether it is allowed is the caller's decision.
func ValidateNamespace(ns string) error {
	if ns == Wildcard || k8sLabelRE.MatchString(ns) {
		return nil
	}
	return fmt.Errorf("%s is not a valid namespace: use %s, or %q for every namespace", Describe(ns), NamespaceRule, Wildcard)
}

// ValidateServiceAccount checks a Kubernetes service account name a role is
// bound to. Wildcard is accepted here, as in ValidateNamespace.
func ValidateServiceAccount(sa string) error {
	if sa == Wildcard || (k8sSubdomainRE.MatchString(sa) && !hasEmptyLabel(sa)) {
		return nil
	}
	return fmt.Errorf("%s is not a valid service account name: use %s, or %q for every service account", Describe(sa), ServiceAccountRule, Wildcard)
}

// hasEmptyLabel catches "a..b", "a.-b" and "a-.b": every dot-separated label
// of a DNS subdomain starts and ends with a letter or digit.
func hasEmptyLabel(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '.' && (s[i+1] == '.' || s[i+1] == '-') || s[i] == '-' && s[i+1] == '.' {
			return true
		}
	}
	return false
}
