package provider

import (
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// testAccEnv is the environment every acceptance test on the shared Vault
// uses; tests keep apart by using distinct app, binding and policy names.
const testAccEnv = "acc"

// testAccProtoV6ProviderFactories serves the provider in-process to the real
// terraform binary that terraform-plugin-testing runs, as main.go serves it.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"vaultboot": func() (tfprotov6.ProviderServer, error) { return NewServer("test")(), nil },
}

func TestMain(m *testing.M) {
	os.Exit(testharness.Main(m))
}

// testAccConfig is the shared Vault's provider block for environment "acc"
// followed by the test's configuration.
func testAccConfig(t *testing.T, body string, extra ...string) string {
	return testharness.Shared(t).ProviderBlock(testAccEnv, extra...) + "\n" + body
}
