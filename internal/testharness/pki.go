package testharness

import (
	"testing"

	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// pkiMaxLeaseTTL lets test CAs outlive the dev server's 32-day default.
const pkiMaxLeaseTTL = "87600h"

// GenerateRootCA mounts pki at mount if needed and generates an internal root
// CA there; it returns the CA certificate PEM.
func (v *Vault) GenerateRootCA(t testing.TB, mount, commonName, ttl string) string {
	t.Helper()
	v.EnableSecrets(t, mount, "pki", nil)
	maxLeaseTTL := pkiMaxLeaseTTL
	if err := v.Client.Sys().TuneMountAllowNil(mount, api.TuneMountConfigInput{MaxLeaseTTL: &maxLeaseTTL}); err != nil {
		t.Fatalf("tune %s: %v", mount, err)
	}
	secret := v.Write(t, naming.Join(mount, "root/generate/internal"), map[string]any{"common_name": commonName, "ttl": ttl})
	certPEM, _ := secret.Data["certificate"].(string)
	if certPEM == "" {
		t.Fatalf("%s/root/generate/internal returned no certificate: %v", mount, secret.Data)
	}
	return certPEM
}

// RotateRootCA replaces the root CA at mount the way an operator does:
// DELETE <mount>/root, then generate a new one. It returns the new PEM.
func (v *Vault) RotateRootCA(t testing.TB, mount, commonName, ttl string) string {
	t.Helper()
	v.Delete(t, naming.Join(mount, "root"))
	return v.GenerateRootCA(t, mount, commonName, ttl)
}
