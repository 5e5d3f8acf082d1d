package naming

import "fmt"

// Wildcard binds a Kubernetes auth role to every namespace or every service
// account. Vault accepts it only as the list's sole element; vaultboot
// accepts it only when the user says allow_wildcard.
const Wildcard = "*"

// ValidateNamespace checks a namespace an app's Kubernetes auth role is
// bound to. Wildcard is accepted here; whether it is allowed is the caller's
// decision.
func ValidateNamespace(ns string) error {
	if ns == Wildcard || k8sLabelRE.MatchString(ns) {
		return nil
	}
	return fmt.Errorf("%s is not a valid namespace: use %s, or %q for every namespace", Describe(ns), KubernetesLabelRule, Wildcard)
}

// ValidateServiceAccount checks a service account name an app's Kubernetes
// auth role is bound to. Wildcard is accepted here, as in ValidateNamespace.
func ValidateServiceAccount(sa string) error {
	if sa == Wildcard || isSubdomain(sa) {
		return nil
	}
	return fmt.Errorf("%s is not a valid service account name: use %s, or %q for every service account", Describe(sa), KubernetesSubdomainRule, Wildcard)
}
