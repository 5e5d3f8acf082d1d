// Package testharness runs the acceptance tests against real components, as
// the project requires: a genuine HashiCorp Vault v1.13.0 dev server (built from
// tools/vault), a real kube-apiserver v1.37.2 on etcd v3.6.16 (tools/kube-apiserver,
// tools/etcd) for every Kubernetes login, and a real Terraform CLI. The only
// stand-in is the JWT issuer Vault trusts, because a test must control it to
// prove who can log in and what that identity may do.
package testharness

import (
	"fmt"
	"os"
	"testing"
)

// shared is the package-wide dev server started by Main.
var shared *Vault

// leakingEnv lists the variables that vault/api, the Vault CLI and the provider
// read from the environment. Main clears them so a developer's shell can never
// point a test at a real Vault or lend it a real identity.
var leakingEnv = []string{
	"VAULT_ADDR", "VAULT_TOKEN", "VAULT_NAMESPACE", "VAULT_CACERT",
	"VAULT_CLIENT_CERT", "VAULT_CLIENT_KEY", "VAULT_SKIP_VERIFY",
	"VAULT_TLS_SERVER_NAME", "VAULTBOOT_AUTH_JWT",
	"VAULTBOOT_OWNER", "CI_PROJECT_PATH", "GITHUB_REPOSITORY",
}

// Main is the body of TestMain for every acceptance-test package:
//
//	func TestMain(m *testing.M) { os.Exit(testharness.Main(m)) }
//
// Without TF_ACC only unit tests run (resource.Test skips itself). With TF_ACC
// a missing Vault or Terraform is a hard failure, never a skip: a skipped
// acceptance suite would prove nothing while looking green.
func Main(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	v, err := setup()
	if err != nil {
		fmt.Fprintf(os.Stderr, "testharness: %v\n", err)
		return 1
	}
	shared = v
	defer v.Stop()
	defer stopSharedCluster()
	defer stopSharedKube()
	defer removeProviderBinary()
	return m.Run()
}

// setup finds the tools, scrubs the environment and starts the shared server.
func setup() (*Vault, error) {
	tf, err := EnsureTerraform()
	if err != nil {
		return nil, fmt.Errorf("terraform: %w", err)
	}
	if err := os.Setenv("TF_ACC_TERRAFORM_PATH", tf); err != nil {
		return nil, err
	}
	bin, err := EnsureVault()
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	for _, name := range leakingEnv {
		if err := os.Unsetenv(name); err != nil {
			return nil, err
		}
	}
	v, err := startVault(bin, options{})
	if err != nil {
		return nil, fmt.Errorf("start shared vault server: %w", err)
	}
	return v, nil
}

// skipWithoutAcc skips an acceptance test when TF_ACC is unset, as
// resource.Test does, so `go test ./...` runs the unit tests alone.
func skipWithoutAcc(t testing.TB) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does) to run it against a real Vault")
	}
}

// Shared returns the package's dev server started by Main. Without TF_ACC
// it skips the test, as resource.Test does, so `go test ./...` runs the unit
// tests alone; `make test` always sets TF_ACC, where a missing server fails.
func Shared(t testing.TB) *Vault {
	t.Helper()
	skipWithoutAcc(t)
	if shared == nil {
		t.Fatal("testharness: no shared Vault server: call testharness.Main from TestMain")
	}
	return shared
}
