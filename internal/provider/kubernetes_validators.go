package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/cabundle"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// Plan-time validators for the Kubernetes names a CA sync policy hands to
// its syncer and to Vault's Kubernetes auth role; the rules live in naming.

func validK8sNamespace() validator.String {
	return stringCheck{description: "Kubernetes Namespace", check: naming.ValidateKubernetesNamespace}
}

func validK8sNamespacePrefix() validator.String {
	return stringCheck{description: "Kubernetes Namespace Prefix", check: naming.ValidateKubernetesNamespacePrefix}
}

func validK8sObjectName() validator.String {
	return stringCheck{description: "Kubernetes Object Name", check: naming.ValidateKubernetesObjectName}
}

func validK8sDataKey() validator.String {
	return stringCheck{description: "Kubernetes Data Key", check: naming.ValidateKubernetesDataKey}
}

func validK8sLabelKey() validator.String {
	return stringCheck{description: "Kubernetes Label or Annotation Key", check: naming.ValidateKubernetesLabelKey}
}

func validK8sLabelValue() validator.String {
	return stringCheck{description: "Kubernetes Label Value", check: naming.ValidateKubernetesLabelValue}
}

// validKVPath accepts a KV v2 logical path in the conventions' KV mount.
func validKVPath() validator.String {
	return stringCheck{description: "KV Path", check: naming.ValidateLogicalPath}
}

// validCABundle accepts PEM text holding only CA certificates. Expiry is
// checked when the plan is made, against the clock, with the other sources.
func validCABundle() validator.String {
	return stringCheck{description: "CA Bundle", check: func(s string) error {
		_, err := cabundle.Parse(s)
		return err
	}}
}
