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

// vaultBuild is the Vault release the tests run against: the wrapper
// module in tools/ that builds it from the module proxy and the binary in bin/.
type vaultBuild struct {
	Version string // as `vault version` reports it
	Tool    string // folder under tools/
	Bin     string // file under bin/
}

// SupportedVault is the one Vault release the tests run against, the oldest
// the provider accepts: the newest release that builds from the module proxy
// (v1.21.4 does not: see the README's compatibility table).
var SupportedVault = vaultBuild{Version: "v1.13.0", Tool: "vault", Bin: "vault"}

// OpenTofu is the CLI `VAULTBOOT_CLI=tofu` selects instead of Terraform.
var OpenTofu = struct{ Version, Tool, Bin string }{Version: "v1.12.6", Tool: "opentofu", Bin: "tofu"}

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

// EnsureVault returns the Vault binary the run uses: $VAULTBOOT_VAULT_BIN if
// set, else <repo>/bin/vault, built from tools/vault when missing or of
// another release. The build holds the tool lock so parallel test packages
// wait for one build instead of each compiling Vault.
func EnsureVault() (string, error) {
	if bin := os.Getenv("VAULTBOOT_VAULT_BIN"); bin != "" {
		return bin, nil
	}
	b := SupportedVault
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(root, "bin", b.Bin)
	err = withToolLock(root, func() error {
		if VaultVersion(bin) == b.Version {
			return nil
		}
		fmt.Fprintf(os.Stderr, "testharness: building Vault %s dev server (first build takes a few minutes) ...\n", b.Version)
		return runTool(filepath.Join(root, "tools", b.Tool), nil, "go", "build", "-o", bin, ".")
	})
	return bin, err
}

// VaultVersion is the release bin reports ("v1.21.4"), or "" when it is
// missing or not Vault.
func VaultVersion(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	fields := strings.Fields(string(out)) // "Vault v1.13.0 (cgo)" or with a git revision
	if err != nil || len(fields) < 2 || fields[0] != "Vault" {
		return ""
	}
	return fields[1]
}

// EnsureTerraform returns the CLI the run drives: with VAULTBOOT_CLI=tofu
// OpenTofu (EnsureOpenTofu), else a Terraform >= 1.8: the one on PATH if
// recent enough, else <repo>/bin/terraform, installing it from the module
// proxy first when it is missing.
func EnsureTerraform() (string, error) {
	switch cli := os.Getenv("VAULTBOOT_CLI"); cli {
	case "", "terraform":
	case "tofu":
		return EnsureOpenTofu()
	default:
		return "", fmt.Errorf("VAULTBOOT_CLI=%q: use terraform (the default) or tofu", cli)
	}
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

// EnsureOpenTofu returns <repo>/bin/tofu, building OpenTofu from
// tools/opentofu first when it is missing or of another release.
func EnsureOpenTofu() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(root, "bin", OpenTofu.Bin)
	err = withToolLock(root, func() error {
		if v, _ := CLIVersion(bin); "v"+v == OpenTofu.Version {
			return nil
		}
		fmt.Fprintf(os.Stderr, "testharness: building OpenTofu %s (first build takes a few minutes) ...\n", OpenTofu.Version)
		// dev=no, as OpenTofu's release builds set it: without it the
		// binary calls itself v1.12.6-dev.
		return runTool(filepath.Join(root, "tools", OpenTofu.Tool), nil, "go", "build",
			"-ldflags", "-X github.com/opentofu/opentofu/version.dev=no", "-o", bin, "github.com/opentofu/opentofu/cmd/tofu")
	})
	return bin, err
}

// IsOpenTofu reports whether the CLI at bin is OpenTofu, which reads
// unqualified provider sources as registry.opentofu.org/... where Terraform
// reads registry.terraform.io/...
func IsOpenTofu(bin string) bool {
	out, err := exec.Command(bin, "version").Output()
	return err == nil && strings.Contains(string(out), "OpenTofu v")
}

// CLIVersion is the version bin reports in `version -json` ("1.11.4"):
// Terraform and OpenTofu both name it terraform_version.
func CLIVersion(bin string) (string, error) {
	cmd := exec.Command(bin, "version", "-json")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return "", err
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return "", err
	}
	return v.Version, nil
}

// terraformAtLeast asks bin for its version. CHECKPOINT_DISABLE keeps it from
// calling HashiCorp's update service, which is unreachable here.
func terraformAtLeast(bin string, major, minor int) bool {
	version, err := CLIVersion(bin)
	if err != nil {
		return false
	}
	var gotMajor, gotMinor int
	if _, err := fmt.Sscanf(version, "%d.%d", &gotMajor, &gotMinor); err != nil {
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
