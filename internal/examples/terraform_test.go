package examples

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestMain removes the provider build the tests share.
func TestMain(m *testing.M) {
	code := m.Run()
	if pluginDir != "" {
		_ = os.RemoveAll(pluginDir)
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	pluginDir string
	buildErr  error
)

// terraform runs the real terraform CLI with the locally built provider
// through a dev_overrides CLI config of its own, in a scrubbed environment:
// only what a test passes reaches Terraform and the provider, never a
// VAULT_* variable of the developer's shell.
type terraform struct {
	bin  string
	home string
	rc   string
}

// newTerraform builds the provider once per package run and returns a
// runner with a private HOME and CLI config.
func newTerraform(t *testing.T) *terraform {
	t.Helper()
	bin, err := testharness.EnsureTerraform()
	if err != nil {
		t.Fatalf("terraform: %v", err)
	}
	buildOnce.Do(func() { pluginDir, buildErr = buildProvider() })
	if buildErr != nil {
		t.Fatalf("build provider: %v", buildErr)
	}
	home := t.TempDir()
	rc := filepath.Join(home, "terraformrc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", "registry.terraform.io/vaultboot/vaultboot", pluginDir)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return &terraform{bin: bin, home: home, rc: rc}
}

// buildProvider compiles the provider into a fresh directory.
func buildProvider() (string, error) {
	root, err := testharness.RepoRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "vaultboot-plugin-*")
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-vaultboot"), ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%w\n%s", err, out)
	}
	return dir, nil
}

// run runs terraform in dir with env added to the scrubbed environment and
// returns its combined output; a non-zero exit is an *exec.ExitError.
func (tf *terraform) run(dir string, env map[string]string, args ...string) (string, error) {
	cmd := exec.Command(tf.bin, args...)
	cmd.Dir = dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + tf.home, "TMPDIR=" + os.TempDir(),
		"TF_CLI_CONFIG_FILE=" + tf.rc, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1",
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// must runs terraform and fails the test when it fails.
func (tf *terraform) must(t *testing.T, dir string, env map[string]string, args ...string) string {
	t.Helper()
	out, err := tf.run(dir, env, args...)
	if err != nil {
		t.Fatalf("terraform %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return out
}

// planIsEmpty runs `terraform plan -detailed-exitcode` and fails the test
// unless it succeeds with no changes.
func (tf *terraform) planIsEmpty(t *testing.T, dir string, env map[string]string, args ...string) {
	t.Helper()
	out, err := tf.run(dir, env, append([]string{"plan", "-detailed-exitcode", "-no-color"}, args...)...)
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() == 2:
		t.Errorf("second plan in %s is not empty:\n%s", dir, out)
	default:
		t.Fatalf("plan in %s failed: %v\n%s", dir, err, out)
	}
}

// copyExamples copies the named folders of examples/ into a fresh directory,
// keeping their layout, so relative module sources resolve and no
// .terraform or state lands in the repository.
func copyExamples(t *testing.T, names ...string) string {
	t.Helper()
	dst := t.TempDir()
	for _, name := range names {
		src := repoPath(t, "examples", name)
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			if d.IsDir() && (d.Name() == ".terraform") {
				return filepath.SkipDir
			}
			target := filepath.Join(dst, name, rel)
			if d.IsDir() {
				return os.MkdirAll(target, 0o755)
			}
			raw, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			info, _ := d.Info()
			return os.WriteFile(target, raw, info.Mode().Perm())
		})
		if err != nil {
			t.Fatalf("copy examples/%s: %v", name, err)
		}
	}
	return dst
}

// writeFile writes a test file into dir.
func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
