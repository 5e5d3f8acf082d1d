package registry_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/registry"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestAccRelease_tagPipeline runs what examples/ci/release/ runs on a tag, in
// a fresh clone (of the committed HEAD, as CI builds) tagged v0.9.2 with a
// forge remote: the CI secret (a
// passphrase-protected RSA key) imported by scripts/import-signing-key.sh,
// then scripts/release.sh tag --skip=publish (goreleaser's full, validating
// release, this machine's os/arch only). The signature must verify with the
// public key the release ships, and the version must come from the tag.
func TestAccRelease_tagPipeline(t *testing.T) {
	testharness.Shared(t) // a release build is an acceptance test: skipped without TF_ACC
	releaseTest(t)
	root, err := testharness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(t.TempDir(), "repo")
	script(t, "", nil, "git", "clone", "--quiet", root, repo)
	script(t, repo, nil, "git", "remote", "set-url", "origin", "https://gitlab.example.com/platform/terraform-provider-vaultboot.git")
	script(t, repo, nil, "git", "-c", "user.name=release test", "-c", "user.email=release@vaultboot.invalid", "tag", "-a", "v0.9.2", "-m", "v0.9.2")
	// The clone's bin/ is ignored by git: lend it the goreleaser make test built.
	if err := os.MkdirAll(filepath.Join(repo, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "bin", "goreleaser"), filepath.Join(repo, "bin", "goreleaser")); err != nil {
		t.Fatal(err)
	}

	const passphrase = "correct horse battery staple"
	maker := gnupgHome(t)
	gpg(t, maker, "--pinentry-mode", "loopback", "--passphrase", passphrase,
		"--quick-gen-key", "vaultboot releases <release@vaultboot.invalid>", "rsa3072", "sign", "1d")
	secret := gpg(t, maker, "--pinentry-mode", "loopback", "--passphrase", passphrase, "--armor", "--export-secret-keys")

	t.Run("a wrong passphrase is refused", func(t *testing.T) {
		out, err := scriptErr(repo, []string{"GNUPGHOME=" + gnupgHome(t), "GPG_PRIVATE_KEY=" + secret, "GPG_PASSPHRASE=wrong"}, "scripts/import-signing-key.sh")
		if err == nil || !strings.Contains(out, "GPG_PASSPHRASE does not unlock the key") {
			t.Fatalf("import-signing-key.sh with a wrong passphrase: err = %v:\n%s", err, out)
		}
	})

	ci := gnupgHome(t)
	fingerprint := strings.TrimSpace(script(t, repo, []string{"GNUPGHOME=" + ci, "GPG_PRIVATE_KEY=" + secret, "GPG_PASSPHRASE=" + passphrase}, "scripts/import-signing-key.sh"))
	version := strings.TrimSpace(script(t, repo, []string{"GNUPGHOME=" + ci, "GPG_FINGERPRINT=" + fingerprint, "VAULTBOOT_RELEASE_TARGETS=host"},
		"scripts/release.sh", "tag", "--skip=publish"))
	if version != "0.9.2" {
		t.Fatalf("release version = %q, want 0.9.2 from the tag v0.9.2", version)
	}

	dist := filepath.Join(repo, "dist")
	prefix := fmt.Sprintf("%s_%s_", registry.Project, version)
	for _, f := range []string{prefix + runtime.GOOS + "_" + runtime.GOARCH + ".zip", prefix + "SHA256SUMS", prefix + "SHA256SUMS.sig", prefix + "manifest.json"} {
		if _, err := os.Stat(filepath.Join(dist, f)); err != nil {
			t.Errorf("release file missing: %v", err)
		}
	}
	// A consumer's view: only the published public key, nothing else.
	consumer := gnupgHome(t)
	gpg(t, consumer, "--import", filepath.Join(dist, "signing-key.asc"))
	if got := fingerprintOf(t, gpg(t, consumer, "--with-colons", "--list-keys")); got != fingerprint {
		t.Errorf("dist/signing-key.asc holds key %s, want the CI key %s", got, fingerprint)
	}
	gpg(t, consumer, "--verify", filepath.Join(dist, prefix+"SHA256SUMS.sig"), filepath.Join(dist, prefix+"SHA256SUMS"))
}

// script runs a command with extra environment and fails the test if it
// fails; it returns the command's standard output.
func script(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// scriptErr runs a command that is expected to fail and returns its output.
func scriptErr(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
