package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestHA_rollingUpgradeDuringApply restarts every node in turn while an
// apply of 200 apps, 20 bindings and a CA sync policy runs through node1:
// node1 first (down, then sealed, for over 30 s), then the other standby,
// then the leader after sys/step-down. The apply rides it out with the
// default retry_timeout, Vault holds exactly what the state says, and the
// next plan is empty.
func TestHA_rollingUpgradeDuringApply(t *testing.T) {
	c := cluster(t)
	n1 := c.Nodes[0]
	f := fleet{env: "roll", apps: 200, bindings: 20, casync: true}
	w := testharness.NewWorkdir(t)
	w.WriteConfig(t, f.config(c.Vault(n1)))
	logPath := filepath.Join(w.Dir, "provider.log")
	w.SetEnv("TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+logPath)
	// Keep the provider's log of a failed run for whoever investigates it.
	t.Cleanup(func() {
		if t.Failed() {
			kept := filepath.Join(os.TempDir(), "vaultboot-rolling-provider.log")
			if raw, err := os.ReadFile(logPath); err == nil && os.WriteFile(kept, raw, 0o600) == nil {
				t.Logf("provider log kept at %s", kept)
			}
		}
	})
	// node1 is the provider's only address: it is restarted first, as a
	// standby, so its outage falls inside the apply.
	if c.Leader(t) == n1 {
		c.StepDown(t)
		c.WaitHealthy(t, time.Minute)
	}

	a := startApply(t, w)
	a.waitObjects(t, c, f.env, 20)
	_, outage := restartNode(t, c, n1, 18*time.Second, 14*time.Second)
	var other *testharness.Node
	leader := c.Leader(t)
	for _, n := range c.Nodes[1:] {
		if n != leader {
			other = n
		}
	}
	restartNode(t, c, other, 3*time.Second, 2*time.Second)
	c.StepDown(t)
	lastStopped, _ := restartNode(t, c, leader, 3*time.Second, 2*time.Second)
	rolled := time.Now()

	out, err := a.wait()
	if err != nil {
		t.Fatalf("apply during the rolling upgrade failed (%v):\n%s", err, tailOf(out))
	}
	t.Logf("apply took %s; node1 was unreachable or sealed for %s; the apply ended %s after the last node (the old leader) was stopped, %s the cluster was whole again",
		time.Since(a.start).Round(time.Second), outage.Round(time.Millisecond), a.end.Sub(lastStopped).Round(time.Millisecond), beforeAfter(a.end.Sub(rolled)))
	if a.end.Before(lastStopped.Add(time.Second)) {
		t.Errorf("the apply ended before the last node was stopped: the test did not cover the whole upgrade")
	}
	logRetries(t, logPath)
	checkConverged(t, w, c.NodeClient(n1), f)
	w.PlanIsEmpty(t)
}

// restartNode plays one node's upgrade: stop, stay down, start, stay sealed,
// unseal, then wait until it serves and the cluster has three voters again.
// It returns when the node was stopped and how long it did not serve.
func restartNode(t *testing.T, c *testharness.Cluster, n *testharness.Node, down, sealed time.Duration) (time.Time, time.Duration) {
	t.Helper()
	begin := time.Now()
	c.Stop(t, n)
	time.Sleep(down)
	c.Start(t, n)
	time.Sleep(sealed)
	c.Unseal(t, n)
	waitServing(t, c, n, time.Minute)
	outage := time.Since(begin)
	t.Logf("%s restarted: not serving for %s", n.ID, outage.Round(time.Millisecond))
	c.WaitHealthy(t, 2*time.Minute)
	return begin, outage
}

var retryLine = regexp.MustCompile(`retrying Vault request[^\n]*?\bstatus"?[=:] ?(\d+)`)

// logRetries reports the retries the provider logged, by HTTP status (0 is
// no answer: refused, reset, timed out). A rolling upgrade with none would
// mean the test never hit the outage.
func logRetries(t *testing.T, logPath string) {
	t.Helper()
	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	byStatus := map[string]int{}
	for _, m := range retryLine.FindAllSubmatch(raw, -1) {
		byStatus[string(m[1])]++
	}
	t.Logf("provider retries by status: %v", byStatus)
	if len(byStatus) == 0 {
		t.Error("the provider logged no retry: the apply never met the outage")
	}
}

// beforeAfter says how far from a moment something happened: "3s after" or
// "2s before".
func beforeAfter(d time.Duration) string {
	if d < 0 {
		return (-d).Round(time.Millisecond).String() + " before"
	}
	return d.Round(time.Millisecond).String() + " after"
}
