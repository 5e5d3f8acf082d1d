package examples

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// guideShellBlock returns the commands of the first ```shell block of a
// guide template that contains marker, comment lines left out.
func guideShellBlock(t *testing.T, guide, marker string) string {
	t.Helper()
	b, err := os.ReadFile(repoPath(t, "templates", "guides", guide))
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range strings.Split(string(b), "```shell\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		if !strings.Contains(block, marker) {
			continue
		}
		var cmds []string
		for _, line := range strings.Split(block, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "#") {
				cmds = append(cmds, line)
			}
		}
		return strings.Join(cmds, "\n")
	}
	t.Fatalf("%s has no shell block with %q", guide, marker)
	return ""
}

// TestRenameGuideCopiesValues runs the rename guide's copy step as written
// with the real vault CLI. Its first version failed where the new app has
// cas_required = true (a write without -cas is refused there) and wrote
// the secret's values to /tmp on the way.
func TestRenameGuideCopiesValues(t *testing.T) {
	v := testharness.StartVault(t)
	bin, err := testharness.EnsureVault()
	if err != nil {
		t.Fatal(err)
	}
	v.Write(t, "secret/data/integration/old", map[string]any{"data": map[string]any{"API_KEY": "it's \"quoted\"", "DB_URL": "postgres://x"}})
	v.Write(t, "secret/metadata/integration/new", map[string]any{"cas_required": true})
	home, tmp := t.TempDir(), t.TempDir()
	script := guideShellBlock(t, "renaming-and-moving-apps.md.tmpl", "vault kv put")
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Env = []string{"PATH=" + tmpPath(t, bin) + ":/usr/bin:/bin", "HOME=" + home, "TMPDIR=" + tmp, "VAULT_ADDR=" + v.Addr, "VAULT_TOKEN=" + v.Token}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the guide's copy step failed: %v\n%s\n%s", err, script, out)
	}
	got := v.Read(t, "secret/data/integration/new").Data
	if dig(got, "data", "API_KEY") != "it's \"quoted\"" || dig(got, "data", "DB_URL") != "postgres://x" {
		t.Errorf("the new app's secret is %v, want the old one's values byte for byte", got["data"])
	}
	if strings.Contains(script, "/tmp") {
		t.Errorf("the copy step writes secret values to a file:\n%s", script)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("the copy step left %d files in TMPDIR, e.g. %s", len(entries), entries[0].Name())
	}
}

// tmpPath is a directory holding only a "vault" link to bin, so the guide's
// "vault" is the harness's.
func tmpPath(t *testing.T, bin string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Symlink(bin, dir+"/vault"); err != nil {
		t.Fatal(err)
	}
	return dir
}
