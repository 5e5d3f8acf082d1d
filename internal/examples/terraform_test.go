package examples

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

func TestMain(m *testing.M) { os.Exit(testharness.Main(m)) }

// terraform runs the real terraform CLI with the locally built provider
// through the harness's scrubbed runner: only what a test passes reaches
// Terraform and the provider, never a VAULT_* variable of the developer's
// shell.
type terraform struct{ cli *testharness.CLI }

// newTerraform returns a runner with a private HOME and CLI config that
// serves the provider the harness built.
func newTerraform(t *testing.T) *terraform {
	t.Helper()
	bin, err := testharness.EnsureTerraform()
	if err != nil {
		t.Fatalf("terraform: %v", err)
	}
	cli, err := testharness.NewCLI(bin, t.TempDir(), testharness.DevOverridesConfig(testharness.ProviderBinary(t)))
	if err != nil {
		t.Fatal(err)
	}
	return &terraform{cli: cli}
}

// run runs terraform in dir with env added to the scrubbed environment and
// returns its combined output; a non-zero exit is an *exec.ExitError.
func (tf *terraform) run(dir string, env map[string]string, args ...string) (string, error) {
	kv := make([]string, 0, len(env))
	for k, v := range env {
		kv = append(kv, k+"="+v)
	}
	return tf.cli.Run(context.Background(), dir, kv, args...)
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
