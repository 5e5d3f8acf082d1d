package testharness

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ProviderBinary is BuildProvider for a test: a failed build fails it.
func ProviderBinary(t testing.TB) string {
	t.Helper()
	dir, err := BuildProvider()
	if err != nil {
		t.Fatalf("build the provider: %v", err)
	}
	return dir
}

// cliProviderAddress is the address the CLI at tf gives the configuration's
// unqualified source "vaultboot/vaultboot": OpenTofu puts it on its own
// registry's host.
func cliProviderAddress(tf string) string {
	if IsOpenTofu(tf) {
		return "registry.opentofu.org/" + strings.TrimPrefix(providerAddress, "registry.terraform.io/")
	}
	return providerAddress
}

// Workdir is a Terraform working directory that uses the built provider
// through a dev_overrides CLI config of its own, so nothing reaches a
// registry and no `terraform init` is needed.
type Workdir struct {
	Dir string
	cli *CLI
}

// NewWorkdir creates an empty working directory for the real terraform CLI
// and the real provider binary.
func NewWorkdir(t testing.TB) *Workdir {
	t.Helper()
	skipWithoutAcc(t)
	bin := ProviderBinary(t)
	tf, err := EnsureTerraform()
	if err != nil {
		t.Fatalf("terraform: %v", err)
	}
	cfg := strings.Replace(DevOverridesConfig(bin), providerAddress, cliProviderAddress(tf), 1)
	cli, err := NewCLI(tf, t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &Workdir{Dir: t.TempDir(), cli: cli}
}

// SetEnv adds environment variables (KEY=VALUE) to every later command.
func (w *Workdir) SetEnv(kv ...string) { w.cli.SetEnv(kv...) }

// WriteConfig replaces main.tf. The provider block comes first; the
// required_providers block is added here.
func (w *Workdir) WriteConfig(t testing.TB, config string) {
	t.Helper()
	header := fmt.Sprintf("terraform {\n  required_providers {\n    vaultboot = { source = %q }\n  }\n}\n\n", strings.TrimPrefix(providerAddress, "registry.terraform.io/"))
	if err := os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(header+config), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Command returns terraform with args in w, in its own process group so
// KillGroup ends Terraform and the provider plugin together, as a dying CI
// runner does. Output goes to out.
func (w *Workdir) Command(ctx context.Context, out *bytes.Buffer, args ...string) *exec.Cmd {
	return w.cli.Command(ctx, w.Dir, out, nil, args...)
}

// Run runs terraform with args and returns its combined output; -no-color
// is added.
func (w *Workdir) Run(ctx context.Context, args ...string) (string, error) {
	var out bytes.Buffer
	err := w.Command(ctx, &out, append(args, "-no-color")...).Run()
	return out.String(), err
}

// Apply runs `terraform apply -auto-approve` with extra args and fails the
// test on error.
func (w *Workdir) Apply(t testing.TB, args ...string) string {
	t.Helper()
	out, err := w.Run(context.Background(), append([]string{"apply", "-auto-approve"}, args...)...)
	if err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, Diagnostics(out))
	}
	return out
}

// Diagnostics keeps what matters of a long terraform output: everything
// from the first "Error:" on, or else its tail.
func Diagnostics(out string) string {
	if i := strings.Index(out, "Error: "); i >= 0 {
		out = out[i:]
	}
	return tail([]byte(out))
}

// PlanIsEmpty runs `terraform plan -detailed-exitcode` and fails the test
// unless it reports no changes.
func (w *Workdir) PlanIsEmpty(t testing.TB) {
	t.Helper()
	out, err := w.Run(context.Background(), "plan", "-detailed-exitcode")
	if err != nil {
		t.Fatalf("plan after apply is not empty (%v):\n%s", err, Diagnostics(out))
	}
}
