package testharness

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var syncerBin struct {
	once sync.Once
	dir  string
	err  error
}

// SyncerBinary builds cmd/vaultboot-ca-syncer once per test binary, so the
// end-to-end tests run the program users deploy, as its own process.
func SyncerBinary(t testing.TB) string {
	t.Helper()
	syncerBin.once.Do(func() {
		var root string
		if root, syncerBin.err = RepoRoot(); syncerBin.err != nil {
			return
		}
		if syncerBin.dir, syncerBin.err = os.MkdirTemp("", "vaultboot-syncer-*"); syncerBin.err != nil {
			return
		}
		syncerBin.err = runTool(root, nil, "go", "build", "-o", filepath.Join(syncerBin.dir, "vaultboot-ca-syncer"), "./cmd/vaultboot-ca-syncer")
	})
	if syncerBin.err != nil {
		t.Fatalf("build vaultboot-ca-syncer: %v", syncerBin.err)
	}
	return filepath.Join(syncerBin.dir, "vaultboot-ca-syncer")
}

// Syncer is a running vaultboot-ca-syncer process.
type Syncer struct {
	proc *process
}

// StartSyncer runs the syncer binary with exactly env (KEY=VALUE) in a
// directory of its own; t.Cleanup stops it and logs its output if t failed.
func StartSyncer(t testing.TB, name string, env []string) *Syncer {
	t.Helper()
	bin := SyncerBinary(t)
	dir, err := os.MkdirTemp("", "vaultboot-syncer-run-*")
	if err != nil {
		t.Fatal(err)
	}
	p, err := spawnLogged(bin, dir, "syncer.log", append([]string{"PATH=" + os.Getenv("PATH"), "TMPDIR=" + dir}, env...), nil)
	if err != nil {
		t.Fatalf("start syncer %s: %v", name, err)
	}
	s := &Syncer{proc: p}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("syncer %s log (tail):\n%s", name, s.Log())
		}
		s.Kill()
	})
	return s
}

// Log returns the end of the syncer's structured log.
func (s *Syncer) Log() string { return s.proc.logTail() }

// FullLog returns the syncer's whole log, for searching it.
func (s *Syncer) FullLog(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(s.proc.log)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Exited reports whether the process has ended.
func (s *Syncer) Exited() bool {
	select {
	case <-s.proc.exited:
		return true
	default:
		return false
	}
}

// Kill ends the syncer at once, like a crashed pod; its log stays readable
// until the test ends.
func (s *Syncer) Kill() {
	_ = s.proc.cmd.Process.Kill() // fails only if it already exited
	<-s.proc.exited
}

// Grep returns the log lines containing sub.
func (s *Syncer) Grep(t testing.TB, sub string) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(s.FullLog(t), "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return out
}
