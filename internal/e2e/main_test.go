// Package e2e drives the real terraform CLI with the real provider binary,
// as a user's pipeline does, against real Vault servers: a 3-node Raft
// cluster restarted node by node under an apply, applies killed mid-way,
// secrets planted to catch leaks. The provider runs as its own process so
// it can be killed with Terraform and its memory and sockets measured.
package e2e

import (
	"os"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

func TestMain(m *testing.M) { os.Exit(testharness.Main(m)) }
