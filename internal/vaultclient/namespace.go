package vaultclient

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// NamespaceUnsupportedError means namespace is set but the server has no
// namespaces: Vault's open-source edition ignores the X-Vault-Namespace
// header and would apply everything to its root namespace.
type NamespaceUnsupportedError struct {
	Address   string
	Namespace string
	Version   string
}

func (e *NamespaceUnsupportedError) Error() string {
	return fmt.Sprintf("the provider's namespace is %q but the Vault at %s (version %s) has no namespaces: Vault's open-source edition ignores the namespace and would change its root namespace. Remove namespace (and VAULT_NAMESPACE), or point the provider at Vault Enterprise, HCP Vault or OpenBao 2.3 or later", e.Namespace, e.Address, e.Version)
}

// checkNamespaceSupport refuses a namespace on a server without
// namespaces. sys/seal-status (unauthenticated, asked of the root
// namespace) reports the version: Vault Enterprise and HCP Vault report
// "+ent", OpenBao 2.3 or later a version of at least 2.3; any other server
// is taken to have none.
func (c *Client) checkNamespaceSupport(ctx context.Context) error {
	if c.namespace == "" {
		return nil
	}
	v, err := c.ServerVersion(ctx)
	if err != nil {
		return err
	}
	if supportsNamespaces(v.Raw) {
		return nil
	}
	return &NamespaceUnsupportedError{Address: c.Address(), Namespace: c.namespace, Version: v.Raw}
}

func supportsNamespaces(version string) bool {
	if strings.Contains(version, "+ent") || strings.Contains(version, "+hsm") {
		return true
	}
	// OpenBao: namespaces since 2.3.
	majorS, rest, _ := strings.Cut(strings.TrimPrefix(version, "v"), ".")
	minorS, _, _ := strings.Cut(rest, ".")
	major, err := strconv.Atoi(majorS)
	if err != nil {
		return false
	}
	minor, err := strconv.Atoi(minorS)
	return major > 2 || (major == 2 && err == nil && minor >= 3)
}
