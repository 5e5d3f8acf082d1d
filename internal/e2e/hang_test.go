package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestHangingVaultBoundsTheApply points an apply of 50 apps at a node that
// accepts connections and never answers: the whole terraform run ends
// within retry_timeout plus one attempt (plus Terraform's own start-up),
// not one window per resource, and says which window it gave up after.
func TestHangingVaultBoundsTheApply(t *testing.T) {
	hang := testharness.NewHangingListener(t)
	const window = 5 * time.Second
	v := &testharness.Vault{Addr: hang.URL, Token: "hvs.never-checked"}
	w := testharness.NewWorkdir(t)
	w.WriteConfig(t, fleet{env: "hang", apps: 50, provider: []string{`retry_timeout = "5s"`}}.config(v))

	start := time.Now()
	out, err := w.Run(context.Background(), "apply", "-auto-approve")
	took := time.Since(start)
	if err == nil {
		t.Fatalf("apply against a node that never answers succeeded:\n%s", tailOf(out))
	}
	t.Logf("apply of 50 apps against a hanging node ended after %s (retry_timeout %s); %d connections accepted", took.Round(time.Millisecond), window, hang.Accepted())
	// One window, one attempt of at most the window, and Terraform's own
	// start-up and shutdown on a loaded machine.
	if limit := 2*window + 15*time.Second; took > limit {
		t.Errorf("apply took %s, want at most retry_timeout + one attempt (+15 s for Terraform) = %s", took, limit)
	}
	for _, want := range []string{"no answer from Vault", "retry_timeout = 5s"} {
		if !testharness.ErrorRE(want).MatchString(out) {
			t.Errorf("output lacks %q:\n%s", want, tailOf(out))
		}
	}
	if hang.Accepted() == 0 {
		t.Error("the provider never connected to the hanging node")
	}
}
