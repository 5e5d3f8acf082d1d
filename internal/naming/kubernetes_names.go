package naming

import (
	"fmt"
	"regexp"
	"strings"
)

// Kubernetes name rules, for the names vaultboot hands to Kubernetes-side
// consumers (the CA syncer, Vault's Kubernetes auth roles). Checking them at
// plan time turns a syncer's late failure in some namespace into a clear
// error on the attribute.
const (
	KubernetesLabelRule     = "a Kubernetes DNS label (RFC 1123): 1 to 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit"
	KubernetesPrefixRule    = "the start of a Kubernetes DNS label: 1 to 62 characters of a-z, 0-9 and '-', starting with a letter or digit"
	KubernetesSubdomainRule = "a Kubernetes DNS subdomain (RFC 1123): at most 253 characters, '.'-separated DNS labels of a-z, 0-9 and '-'"
	KubernetesDataKeyRule   = "a ConfigMap/Secret key: 1 to 253 characters of A-Z, a-z, 0-9, '-', '_' and '.', not \".\" or \"..\""
	KubernetesLabelKeyRule  = "a Kubernetes qualified name: an optional DNS subdomain prefix and '/', then 1 to 63 characters of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a letter or digit"
	KubernetesLabelValRule  = "empty, or 1 to 63 characters of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a letter or digit"
)

// MaxAnnotationsSize is Kubernetes' limit on the total size of an object's
// annotation keys and values.
const MaxAnnotationsSize = 256 * 1024

var (
	k8sLabelRE     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	k8sPrefixRE    = regexp.MustCompile(`^[a-z0-9][-a-z0-9]{0,61}$`)
	k8sDataKeyRE   = regexp.MustCompile(`^[-._a-zA-Z0-9]{1,253}$`)
	k8sQualifiedRE = regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$`)
)

// ValidateKubernetesNamespace checks a namespace name (a DNS label).
func ValidateKubernetesNamespace(s string) error {
	if !k8sLabelRE.MatchString(s) {
		return fmt.Errorf("%s is not a valid namespace name: use %s", Describe(s), KubernetesLabelRule)
	}
	return nil
}

// ValidateKubernetesNamespacePrefix checks a namespace name prefix such as
// "team-": a prefix may end with '-'.
func ValidateKubernetesNamespacePrefix(s string) error {
	if !k8sPrefixRE.MatchString(s) {
		return fmt.Errorf("%s is not a valid namespace prefix: use %s", Describe(s), KubernetesPrefixRule)
	}
	return nil
}

// ValidateKubernetesObjectName checks a ConfigMap, Secret or service
// account name (a DNS subdomain).
func ValidateKubernetesObjectName(s string) error {
	if !isSubdomain(s) {
		return fmt.Errorf("%s is not a valid Kubernetes object name: use %s", Describe(s), KubernetesSubdomainRule)
	}
	return nil
}

// ValidateKubernetesDataKey checks a key of a ConfigMap's or Secret's data.
func ValidateKubernetesDataKey(s string) error {
	if !k8sDataKeyRE.MatchString(s) || s == "." || s == ".." {
		return fmt.Errorf("%s is not a valid ConfigMap or Secret key: use %s", Describe(s), KubernetesDataKeyRule)
	}
	return nil
}

// ValidateKubernetesLabelKey checks a label or annotation key.
func ValidateKubernetesLabelKey(s string) error {
	prefix, name, hasPrefix := strings.Cut(s, "/")
	if !hasPrefix {
		name, prefix = prefix, ""
	}
	if (hasPrefix && !isSubdomain(prefix)) || !k8sQualifiedRE.MatchString(name) {
		return fmt.Errorf("%s is not a valid label or annotation key: use %s", Describe(s), KubernetesLabelKeyRule)
	}
	return nil
}

// ValidateKubernetesLabelValue checks a label value.
func ValidateKubernetesLabelValue(s string) error {
	if s != "" && !k8sQualifiedRE.MatchString(s) {
		return fmt.Errorf("%s is not a valid label value: use %s", Describe(s), KubernetesLabelValRule)
	}
	return nil
}

func isSubdomain(s string) bool {
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if !k8sLabelRE.MatchString(label) {
			return false
		}
	}
	return true
}
