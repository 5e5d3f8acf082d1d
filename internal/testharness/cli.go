package testharness

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
)

// providerAddress is the provider's source address (main.go's Address).
const providerAddress = "registry.terraform.io/vaultboot/vaultboot"

// CLI runs a terraform (or OpenTofu) binary in a scrubbed environment: PATH,
// a private HOME, TMPDIR, its own CLI config and the variables its caller
// adds. Nothing of the caller's TF_*, VAULT_*, VAULTBOOT_* or certificate
// settings reaches Terraform or the provider it starts, and nothing reads or
// writes the developer's ~/.terraformrc or ~/.terraform.d. Every test, the
// benchmark and the examples' tests run Terraform through it.
type CLI struct {
	Bin        string
	Home       string
	ConfigFile string
	env        []string
}

// NewCLI returns a runner of bin whose HOME is home and whose CLI config
// (TF_CLI_CONFIG_FILE) is cliConfig, written to home/terraformrc.
func NewCLI(bin, home, cliConfig string) (*CLI, error) {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, err
	}
	rc := filepath.Join(home, "terraformrc")
	if err := os.WriteFile(rc, []byte(cliConfig), 0o600); err != nil {
		return nil, err
	}
	return &CLI{Bin: bin, Home: home, ConfigFile: rc}, nil
}

// DevOverridesConfig is the CLI config that serves the provider from
// pluginDir (no `terraform init` needed) and any other provider directly.
func DevOverridesConfig(pluginDir string) string {
	return fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", providerAddress, pluginDir)
}

// SetEnv adds environment variables (KEY=VALUE) to every later command;
// a later value of a key wins.
func (c *CLI) SetEnv(kv ...string) { c.env = append(c.env, kv...) }

// Environ is the scrubbed environment of a command, with extra added last.
func (c *CLI) Environ(extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + c.Home, "TMPDIR=" + os.TempDir(),
		"TF_CLI_CONFIG_FILE=" + c.ConfigFile, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1",
	}
	env = append(env, c.env...)
	return append(env, extra...)
}

// Command returns the CLI with args in dir, in its own process group so
// KillGroup ends Terraform and the provider plugin together, as a dying CI
// runner does. Output goes to out; cancelling ctx kills the group.
func (c *CLI) Command(ctx context.Context, dir string, out io.Writer, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.Bin, args...)
	cmd.Dir, cmd.Env = dir, c.Environ(env...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return KillGroup(cmd) }
	return cmd
}

// Run runs the CLI with args in dir, env added, and returns its combined
// output; a non-zero exit is an *exec.ExitError.
func (c *CLI) Run(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	var out bytes.Buffer
	err := c.Command(ctx, dir, &out, env, args...).Run()
	return out.String(), err
}

// KillGroup sends SIGKILL to cmd's process group.
func KillGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

var (
	providerBinDir  string
	providerBinErr  error
	providerBinOnce sync.Once
)

// BuildProvider builds the real provider binary once per process and
// returns the folder holding it (for DevOverridesConfig). Tests that must
// see the provider as its own process (killed mid-apply, its RSS and
// sockets measured, its TRACE log read) run it through Terraform from there.
func BuildProvider() (string, error) {
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
	return providerBinDir, providerBinErr
}

// removeProviderBinary is called by Main after the tests.
func removeProviderBinary() {
	if providerBinDir != "" {
		_ = os.RemoveAll(providerBinDir)
	}
}
