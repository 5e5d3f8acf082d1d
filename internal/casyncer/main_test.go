package casyncer_test

import (
	"os"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

func TestMain(m *testing.M) { os.Exit(testharness.Main(m)) }
