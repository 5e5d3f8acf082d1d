package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// The official provider's configuration must write exactly what vaultboot
// writes, or the comparison is not of the same work.
func TestWorkloadMatchesVaultboot(t *testing.T) {
	w, err := newWorkload(25, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.apps) != 25 || len(w.groups) != 3 {
		t.Fatalf("25 apps: got %d apps and %d groups, want 25 and 3 (one per %d apps)", len(w.apps), len(w.groups), appsPerGroup)
	}
	env, _ := naming.NewEnv(benchEnv, naming.DefaultConventions())
	app, _ := env.App("app-0007")
	got := w.apps["app-0007"]
	if got.ReadDocument != app.ReadPolicy() || got.WriteDocument != app.WritePolicy() || got.MetadataPath != app.MetadataPath() || got.Role != app.KubernetesRoleName() {
		t.Errorf("app-0007 is not spelled as vaultboot writes it: %+v", got)
	}
	if !naming.IsMarked(got.Metadata, app.Owner()) || got.Metadata["team"] != "team-001" {
		t.Errorf("app-0007's metadata lacks the markers or the team: %v", got.Metadata)
	}
	g := w.groups["team-003"]
	if g.GroupID != "/teams/team-003" || len(g.Policies) != 1 || g.Policies[0] != "bench-app-0021-write" {
		t.Errorf("team-003 binding: %+v", g)
	}
}

func TestWriteConfigSplitsIntoBlocks(t *testing.T) {
	dir := t.TempDir()
	if err := writeConfig(dir, Floor, 250, 100, ""); err != nil {
		t.Fatal(err)
	}
	tf, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(tf), `resource "terraform_data" "app_`); n != 3 {
		t.Errorf("250 apps in blocks of 100: %d app blocks, want 3\n%s", n, tf)
	}
	b, err := os.ReadFile(filepath.Join(dir, "terraform.tfvars.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vars map[string]map[string]json.RawMessage
	if err := json.Unmarshal(b, &vars); err != nil {
		t.Fatal(err)
	}
	if len(vars["apps_00"]) != 100 || len(vars["apps_02"]) != 50 || len(vars["groups"]) != 25 {
		t.Errorf("split variables: apps_00 %d, apps_02 %d, groups %d", len(vars["apps_00"]), len(vars["apps_02"]), len(vars["groups"]))
	}
}

func TestRequestKind(t *testing.T) {
	for path, want := range map[string]string{
		"/v1/secret/metadata/bench/app-0001":       kindMetadata,
		"/v1/sys/policies/acl/bench-app-0001-read": kindPolicy,
		"/v1/sys/policy/bench-app-0001-write":      kindPolicy,
		"/v1/auth/kubernetes/role/bench-app-0001":  kindRole,
		"/v1/identity/group/name/bench-team-001":   kindIdentity,
		"/v1/secret/data/_vaultboot/environment":   kindOther,
		"/v1/auth/token/lookup-self":               kindOther,
	} {
		if got := requestKind(path); got != want {
			t.Errorf("requestKind(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestRatioPairsRuns(t *testing.T) {
	a := []measurement{{Plan: sample{Seconds: 4}}, {Plan: sample{Seconds: 9}}, {Plan: sample{Seconds: 3}}}
	b := []measurement{{Plan: sample{Seconds: 2}}, {Plan: sample{Seconds: 3}}, {Plan: sample{Seconds: 1}}}
	got := ratio(a, b, planTime)
	if got.med != 3 || got.lo != 2 || got.hi != 3 {
		t.Errorf("ratio of runs 4/2, 9/3, 3/1 = %+v, want median 3 in 2–3", got)
	}
	if s := summarize([]float64{4, 1, 3, 2}); s.med != 2.5 || s.lo != 1 || s.hi != 4 {
		t.Errorf("summarize = %+v", s)
	}
}

// The /proc readers must find this very process.
func TestProcReaders(t *testing.T) {
	pid := os.Getpid()
	comm, ppid, _, ok := procStat(pid)
	if !ok || comm == "" || ppid != os.Getppid() {
		t.Fatalf("procStat(self) = %q, %d, %v", comm, ppid, ok)
	}
	if vmHWM(pid) <= 0 {
		t.Error("vmHWM(self) is not positive")
	}
}

func TestUpdateReadme(t *testing.T) {
	p := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(p, []byte("# x\n"+readmeBegin+"\nold\n"+readmeEnd+"\nrest\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := updateReadme(p, "new table\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if want := "# x\n" + readmeBegin + "\nnew table\n" + readmeEnd + "\nrest\n"; string(b) != want {
		t.Errorf("README:\n%s\nwant:\n%s", b, want)
	}
}
