//go:build load

package e2e

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestLoad_thousandApps (build tag "load": it takes many minutes on 2
// cores, so `make load` runs it and `make test` does not build it) applies
// 1000 apps with -parallelism=50 against the
// HA cluster through a counting proxy, samples the provider process's
// memory and sockets while it runs, then refreshes twice more: the
// connections opened and sockets held must not grow with the requests.
func TestLoad_thousandApps(t *testing.T) {
	c := cluster(t)
	proxy := testharness.NewCountingProxy(t, c.Nodes[0].Addr)
	v := c.Vault(c.Nodes[0])
	v.Addr = proxy.URL
	f := fleet{env: "load", apps: 1000}
	w := testharness.NewWorkdir(t)
	w.WriteConfig(t, f.config(v))

	type run struct {
		name string
		args []string
	}
	var firstConns int64
	for i, r := range []run{
		{"apply 1000 apps", []string{"apply", "-auto-approve", "-parallelism=50"}},
		{"refresh 1", []string{"plan", "-detailed-exitcode", "-parallelism=50"}},
		{"refresh 2", []string{"plan", "-detailed-exitcode", "-parallelism=50"}},
	} {
		reqs, conns := proxy.Requests(), proxy.Connections()
		start := time.Now()
		a := startCommand(t, w, r.args...)
		peak := sampleProvider(a)
		out, err := a.wait()
		if err != nil {
			t.Fatalf("%s: %v\n%s", r.name, err, tailOf(out))
		}
		opened := proxy.Connections() - conns
		t.Logf("%s: %s, %d Vault requests, %d connections opened; provider peak RSS %d MiB, at most %d sockets open",
			r.name, time.Since(start).Round(time.Second), proxy.Requests()-reqs, opened, peak.rssKiB/1024, peak.sockets)
		if peak.rssKiB == 0 {
			t.Errorf("%s: the provider process was never sampled", r.name)
		}
		// A refresh reads each app's four objects at once: at most 200
		// requests in flight at -parallelism=50, one socket each, plus
		// Terraform's gRPC connection.
		if peak.sockets > 4*50+10 {
			t.Errorf("%s: the provider held %d sockets at once for -parallelism=50", r.name, peak.sockets)
		}
		if i == 1 {
			firstConns = opened
		}
		if i == 2 && opened > firstConns*2+10 {
			t.Errorf("connections opened grew from %d to %d between two equal refreshes", firstConns, opened)
		}
	}
	checkConverged(t, w, c.NodeClient(c.Nodes[0]), f)
}

// startCommand runs any terraform command in the background.
func startCommand(t *testing.T, w *testharness.Workdir, args ...string) *runningApply {
	t.Helper()
	return startRaw(t, w, append(args, "-no-color"))
}

// providerPeak is the highest memory and socket count seen.
type providerPeak struct {
	rssKiB  int
	sockets int
}

// sampleProvider finds the provider plugin (a child of terraform) and
// samples its VmHWM and open sockets every 100 ms until the command ends.
func sampleProvider(a *runningApply) providerPeak {
	var peak providerPeak
	for !a.finished() {
		for _, pid := range children(a.cmd.Process.Pid) {
			if !strings.HasPrefix(comm(pid), "terraform-provi") {
				continue
			}
			rss, socks := hwm(pid), sockets(pid)
			peak.rssKiB, peak.sockets = max(peak.rssKiB, rss), max(peak.sockets, socks)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return peak
}

func comm(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSpace(string(b))
}

// children lists the processes whose parent is pid.
func children(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", child))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

// hwm is the process's peak resident set (VmHWM) in KiB.
func hwm(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return 0
}

// sockets counts the process's open socket descriptors.
func sockets(pid int) int {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, _ := os.ReadDir(dir)
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil && strings.HasPrefix(target, "socket:") {
			n++
		}
	}
	return n
}
