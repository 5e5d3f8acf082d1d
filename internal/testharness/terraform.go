package testharness

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// providerAddress is the provider's source address (main.go's Address).
const providerAddress = "registry.terraform.io/vaultboot/vaultboot"

var (
	providerBinDir  string
	providerBinErr  error
	providerBinOnce sync.Once
)

// ProviderBinary builds the real provider binary once per test binary and
// returns the folder holding it. Tests that must see the provider as its own
// process (killed mid-apply, its RSS and sockets measured, its TRACE log
// read) run it through Terraform from there instead of in-process.
func ProviderBinary(t testing.TB) string {
	t.Helper()
	providerBinOnce.Do(func() {
		var root string
		if root, providerBinErr = RepoRoot(); providerBinErr != nil {
			return
		}
		if providerBinDir, providerBinErr = os.MkdirTemp("", "vaultboot-provider-*"); providerBinErr != nil {
			return
		}
		providerBinErr = runTool(root, nil, "go", "build", "-o", filepath.Join(providerBinDir, "terraform-provider-vaultboot"), ".")
	})
	if providerBinErr != nil {
		t.Fatalf("build the provider: %v", providerBinErr)
	}
	return providerBinDir
}

// removeProviderBinary is called by Main after the tests.
func removeProviderBinary() {
	if providerBinDir != "" {
		_ = os.RemoveAll(providerBinDir)
	}
}

// Workdir is a Terraform working directory that uses the built provider
// through a dev_overrides CLI config of its own, so nothing reaches a
// registry and no `terraform init` is needed.
type Workdir struct {
	Dir string
	env []string
	tf  string
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
	dir := t.TempDir()
	rc := filepath.Join(dir, ".terraformrc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", providerAddress, bin)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	return &Workdir{Dir: dir, env: env, tf: tf}
}

// SetEnv adds environment variables (KEY=VALUE) to every later command.
func (w *Workdir) SetEnv(kv ...string) { w.env = append(w.env, kv...) }

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
	cmd := exec.CommandContext(ctx, w.tf, args...)
	cmd.Dir, cmd.Env = w.Dir, w.env
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return KillGroup(cmd) }
	return cmd
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

// KillGroup sends SIGKILL to cmd's process group.
func KillGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
