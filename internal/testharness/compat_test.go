package testharness_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestCompatibilityTable keeps the README's compatibility table, the wrapper
// modules in tools/ and scripts/testcompat.sh saying the same thing.
func TestCompatibilityTable(t *testing.T) {
	root, err := testharness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	readme := read("README.md")
	_, table, ok := strings.Cut(readme, "<!-- compatibility-table -->")
	table, _, ok2 := strings.Cut(table, "<!-- /compatibility-table -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no <!-- compatibility-table --> ... <!-- /compatibility-table --> block")
	}
	rows := map[string]string{} // "server | CLI" -> what runs
	for _, line := range strings.Split(strings.TrimSpace(table), "\n")[2:] {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 3 {
			t.Fatalf("table row %q does not have three cells", line)
		}
		rows[cells[0]+" | "+cells[1]] = cells[2]
	}
	script := read("scripts/testcompat.sh")
	for _, want := range []struct{ row, runs, script string }{
		{"Vault " + testharness.SupportedVault.Version + " | Terraform on `PATH` (≥ 1.8; v1.11.4 here)", "everything", ""},
		{"Vault " + testharness.SupportedVault.Version + " | OpenTofu " + testharness.OpenTofu.Version, "make testcompat", "Vault " + testharness.SupportedVault.Version + " + OpenTofu " + testharness.OpenTofu.Version},
	} {
		runs, ok := rows[want.row]
		if !ok || !strings.Contains(runs, want.runs) {
			t.Errorf("README compatibility table: no row %q running %q; rows: %q", want.row, want.runs, rows)
		}
		if want.script != "" && !strings.Contains(script, want.script) {
			t.Errorf("scripts/testcompat.sh runs no row %q, which the README lists", want.script)
		}
	}
	for tool, require := range map[string]string{
		"tools/vault/go.mod":    "require github.com/hashicorp/vault " + testharness.SupportedVault.Version + "\n",
		"tools/opentofu/go.mod": "require github.com/opentofu/opentofu " + testharness.OpenTofu.Version + "\n",
	} {
		if !strings.Contains(read(tool), require) {
			t.Errorf("%s does not say %q, the release the README and the harness name", tool, strings.TrimSpace(require))
		}
	}
}

// TestCompatibilitySubsetExists: `go test -run` with a name that matches no
// test passes, so a renamed test would silently drop out of the
// compatibility pass. Every name it lists must be a test function.
func TestCompatibilitySubsetExists(t *testing.T) {
	root, err := testharness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(root, "scripts", "testcompat.sh"))
	if err != nil {
		t.Fatal(err)
	}
	list := regexp.MustCompile(`(?s)\ntests=\((.*?)\n\)`).FindSubmatch(script)
	if list == nil {
		t.Fatal("scripts/testcompat.sh has no tests=( ... ) list")
	}
	defined := map[string]bool{}
	funcs := regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\)`)
	err = filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		for _, m := range funcs.FindAllSubmatch(b, -1) {
			defined[string(m[1])] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	names := strings.Fields(string(list[1]))
	if len(names) < 10 {
		t.Fatalf("scripts/testcompat.sh lists only %d tests: %q", len(names), names)
	}
	for _, name := range names {
		if !defined[name] {
			t.Errorf("scripts/testcompat.sh runs %s, which is not a test function under internal/", name)
		}
	}
}
