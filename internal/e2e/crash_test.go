package e2e

import (
	"strings"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestHA_killedApplyConverges kills terraform and the provider with SIGKILL
// mid-apply, as a dying CI runner does. Vault then holds objects the state
// does not know; the next apply recognises them as its own and converges.
func TestHA_killedApplyConverges(t *testing.T) {
	c := cluster(t)
	f := fleet{env: "crash", apps: 80, bindings: 8, casync: true}
	w := testharness.NewWorkdir(t)
	w.WriteConfig(t, f.config(c.Vault(c.Nodes[0])))

	a := startApply(t, w)
	a.waitObjects(t, c, f.env, 30)
	if err := testharness.KillGroup(a.cmd); err != nil {
		t.Fatal(err)
	}
	if _, err := a.wait(); err == nil {
		t.Fatal("the apply finished before it was killed: nothing was tested")
	}
	partial := vaultInventory(t, c.NodeClient(c.Nodes[0]), f.env)
	t.Logf("killed mid-apply: Vault held %d of %d policies", len(partial.policies), len(f.want(t).policies))

	out := w.Apply(t)
	if strings.Contains(out, "already exists") || strings.Contains(out, "Warning: Resource targeting") {
		t.Errorf("re-run after the crash:\n%s", tailOf(out))
	}
	checkConverged(t, w, c.NodeClient(c.Nodes[0]), f)
	w.PlanIsEmpty(t)
}
