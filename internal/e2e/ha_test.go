package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

var prepareOnce sync.Once

// cluster returns the shared HA cluster with the mounts the fleets use:
// KV v2 at secret/, auth/kubernetes, auth/oidc and a PKI CA at pki/. It is
// healed when the test ends, for the next one.
func cluster(t *testing.T) *testharness.Cluster {
	t.Helper()
	c := testharness.SharedCluster(t)
	prepareOnce.Do(func() {
		t.Logf("HA cluster start cost: %s (3 nodes: init, unseal, join, 3 voters)", c.StartCost.Round(time.Millisecond))
		v := c.Vault(c.Nodes[0])
		v.EnableSecrets(t, "secret", "kv", map[string]string{"version": "2"})
		v.EnableAuth(t, "kubernetes", "kubernetes")
		v.EnableAuth(t, "oidc", "oidc")
		v.GenerateRootCA(t, "pki", "vaultboot ha root", "8760h")
	})
	t.Cleanup(func() { c.Heal(t) })
	return c
}

// TestHA_cluster proves the harness plays the failures of an HA upgrade: a
// killed leader is replaced, a restarted node answers 503 "Vault is sealed"
// until unsealed, and a step-down moves the leadership.
func TestHA_cluster(t *testing.T) {
	c := cluster(t)
	leader := c.Leader(t)
	var standby *testharness.Node
	for _, n := range c.Nodes {
		if n != leader {
			standby = n
			break
		}
	}
	killed := time.Now()
	c.Kill(t, leader)
	waitServing(t, c, standby, 60*time.Second)
	if _, err := c.NodeClient(standby).Logical().Write("sys/policies/acl/ha-probe", map[string]any{"policy": `path "x" { capabilities = ["read"] }`}); err != nil {
		t.Fatalf("write through %s after the leader died: %v", standby.ID, err)
	}
	t.Logf("leader %s killed: %s serves reads and forwarded writes again after %s", leader.ID, standby.ID, time.Since(killed).Round(time.Millisecond))

	c.Start(t, leader)
	_, err := c.NodeClient(leader).Logical().Read("sys/policies/acl/ha-probe")
	var re *api.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 503 || !strings.Contains(err.Error(), "Vault is sealed") {
		t.Fatalf("restarted node answered %v, want 503 Vault is sealed", err)
	}
	c.Unseal(t, leader)
	c.WaitHealthy(t, 2*time.Minute)

	before := c.StepDown(t)
	if after := c.Leader(t); after == before {
		t.Fatalf("%s still leads after step-down", before.ID)
	}
}

// TestHA_outageLongerThanWindow kills every node mid-apply (Vault crashing)
// for longer than retry_timeout: the apply fails within the window plus one
// attempt, naming the window, Vault's last answer and what to do. Once the
// cluster is back a re-run converges: no duplicate, no orphan, no "already
// exists".
func TestHA_outageLongerThanWindow(t *testing.T) {
	c := cluster(t)
	const window = 10 * time.Second
	f := fleet{env: "window", apps: 60, bindings: 6, casync: true, provider: []string{fmt.Sprintf("retry_timeout = %q", window)}}
	w := testharness.NewWorkdir(t)
	w.WriteConfig(t, f.config(c.Vault(c.Nodes[0])))

	a := startApply(t, w)
	a.waitObjects(t, c, f.env, 10)
	down := time.Now()
	for _, n := range c.Nodes {
		c.Kill(t, n)
	}
	out, err := a.wait()
	if err == nil {
		t.Fatalf("apply succeeded with every Vault node down:\n%s", tailOf(out))
	}
	took := a.end.Sub(down)
	t.Logf("apply gave up %s after Vault went down (retry_timeout %s)", took.Round(time.Millisecond), window)
	if limit := 2*window + 10*time.Second; took > limit {
		t.Errorf("apply took %s after the outage began, want at most retry_timeout + one attempt (+ slack) = %s", took, limit)
	}
	for _, want := range []string{"connection refused", "retry_timeout = 10s", "run the apply again"} {
		if !testharness.ErrorRE(want).MatchString(out) {
			t.Errorf("apply output lacks %q:\n%s", want, tailOf(out))
		}
	}

	c.Heal(t)
	out = w.Apply(t)
	if strings.Contains(out, "already exists") {
		t.Errorf("re-run reported an existing object:\n%s", tailOf(out))
	}
	checkConverged(t, w, c.NodeClient(c.Nodes[0]), f)
	w.PlanIsEmpty(t)
}

// runningApply is a `terraform apply` running in the background.
type runningApply struct {
	cmd   *exec.Cmd
	out   *bytes.Buffer
	start time.Time
	end   time.Time
	done  chan error
}

func startApply(t *testing.T, w *testharness.Workdir) *runningApply {
	t.Helper()
	return startRaw(t, w, []string{"apply", "-auto-approve", "-no-color"})
}

// startRaw starts terraform with args in the background; the test's end
// kills it if it still runs.
func startRaw(t *testing.T, w *testharness.Workdir, args []string) *runningApply {
	t.Helper()
	a := &runningApply{out: &bytes.Buffer{}, done: make(chan error, 1)}
	a.cmd = w.Command(context.Background(), a.out, args...)
	a.start = time.Now()
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := a.cmd.Wait()
		a.end = time.Now()
		a.done <- err
	}()
	t.Cleanup(func() { _ = testharness.KillGroup(a.cmd) })
	return a
}

// wait returns the apply's output and exit error.
func (a *runningApply) wait() (string, error) {
	err := <-a.done
	a.done <- err
	return a.out.String(), err
}

func (a *runningApply) finished() bool {
	select {
	case err := <-a.done:
		a.done <- err
		return true
	default:
		return false
	}
}

// waitObjects waits until the apply has written at least n policies of env,
// i.e. it is mid-way. An apply that ends first fails the test.
func (a *runningApply) waitObjects(t *testing.T, c *testharness.Cluster, env string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		if a.finished() {
			out, err := a.wait()
			t.Fatalf("the apply ended (%v) before it wrote %d policies:\n%s", err, n, tailOf(out))
		}
		if len(vaultInventory(t, c.NodeClient(c.Nodes[0]), env).policies) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the apply wrote fewer than %d policies in 5 minutes", n)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func waitServing(t *testing.T, c *testharness.Cluster, n *testharness.Node, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !c.Serving(t.Context(), n) {
		if time.Now().After(deadline) {
			t.Fatalf("%s does not serve %s after it was unsealed", n.ID, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tailOf keeps the end of a long terraform output.
func tailOf(out string) string {
	if i := strings.Index(out, "Error: "); i >= 0 {
		return testharness.Diagnostics(out)
	}
	const keep = 6000
	if len(out) > keep {
		return "...\n" + out[len(out)-keep:]
	}
	return out
}
