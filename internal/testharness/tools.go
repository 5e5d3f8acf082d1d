package testharness

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// vaultVersion is the only Vault release the tests accept: the newest MPL-2.0
// release that builds from the module proxy.
const vaultVersion = "v1.13.0"

// terraformFallback is installed when PATH has no Terraform >= 1.8.
const terraformFallback = "github.com/hashicorp/terraform@v1.8.5"

// RepoRoot walks up from the working directory to the folder holding
// tools/vault/go.mod, so tests find the tool folder from any package.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "tools", "vault", "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no tools/vault/go.mod above the working directory")
		}
		dir = parent
	}
}

// EnsureVault returns the Vault v1.13.0 binary: $VAULTBOOT_VAULT_BIN if set,
// else <repo>/bin/vault when it reports v1.13.0, else it builds that from
// tools/vault. The build holds the tool lock so parallel test packages wait for
// one build instead of each compiling Vault.
func EnsureVault() (string, error) {
	if bin := os.Getenv("VAULTBOOT_VAULT_BIN"); bin != "" {
		return bin, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(root, "bin", "vault")
	err = withToolLock(root, func() error {
		if isVault(bin) {
			return nil
		}
		fmt.Fprintf(os.Stderr, "testharness: building Vault %s dev server (first build takes a few minutes) ...\n", vaultVersion)
		return runTool(filepath.Join(root, "tools", "vault"), nil, "go", "build", "-o", bin, ".")
	})
	return bin, err
}

// isVault reports whether bin exists and is the expected Vault release.
func isVault(bin string) bool {
	out, err := exec.Command(bin, "version").Output()
	fields := strings.Fields(string(out)) // "Vault v1.13.0 (cgo)" or with a git revision
	return err == nil && len(fields) > 1 && fields[0] == "Vault" && fields[1] == vaultVersion
}

// EnsureTerraform returns a Terraform >= 1.8: the one on PATH if recent
// enough, else <repo>/bin/terraform, installing it from the module proxy first
// when it is missing.
func EnsureTerraform() (string, error) {
	if bin, err := exec.LookPath("terraform"); err == nil && terraformAtLeast(bin, 1, 8) {
		return bin, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	gobin := filepath.Join(root, "bin")
	bin := filepath.Join(gobin, "terraform")
	err = withToolLock(root, func() error {
		if _, err := os.Stat(bin); err == nil {
			return nil
		}
		fmt.Fprintf(os.Stderr, "testharness: installing %s into %s (first build takes a few minutes) ...\n", terraformFallback, gobin)
		return runTool(root, []string{"GOBIN=" + gobin}, "go", "install", terraformFallback)
	})
	return bin, err
}

// terraformAtLeast asks bin for its version. CHECKPOINT_DISABLE keeps it from
// calling HashiCorp's update service, which is unreachable here.
func terraformAtLeast(bin string, major, minor int) bool {
	cmd := exec.Command(bin, "version", "-json")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return false
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if json.Unmarshal(out, &v) != nil {
		return false
	}
	var gotMajor, gotMinor int
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &gotMajor, &gotMinor); err != nil {
		return false
	}
	return gotMajor > major || gotMajor == major && gotMinor >= minor
}

// runTool runs a build command and returns its output in the error, so a
// failed build explains itself in the test log.
func runTool(dir string, env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, tail(out))
	}
	return nil
}
