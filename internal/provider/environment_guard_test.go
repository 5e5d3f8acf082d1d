package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

const guardApp = "resource \"vaultboot_app_secret_path\" \"payments\" {\n  app = \"payments\"\n}\n"

// assertAbsent fails for every path that exists: the guard let a write
// through.
func assertAbsent(t *testing.T, v *testharness.Vault, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if s := v.Read(t, p); s != nil {
			t.Errorf("%s exists: the guard let a write through", p)
		}
	}
}

// TestAccEnvironmentGuard_kvMountCannotSidestep: a production provider
// pointed at another KV mount of a Vault stamped integration still finds
// the stamp (no setting moves it): the plan fails, and nothing is written,
// not even a second stamp.
func TestAccEnvironmentGuard_kvMountCannotSidestep(t *testing.T) {
	v := testharness.StartVault(t)
	v.EnableSecrets(t, "kv2", "kv", map[string]string{"version": "2"})
	stamp(t, v, "integration")
	production := v.ProviderBlock("production", "conventions {\n    kv_mount = \"kv2\"\n  }")
	want := testharness.ErrorRE("Environment Mismatch", v.Addr, `stamped environment "integration" at vaultboot/data/environment`, `configured for environment "production"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: production + guardApp, PlanOnly: true, ExpectError: want},
			{Config: production + guardApp, ExpectError: want},
			{Config: production + "resource \"vaultboot_environment\" \"this\" {\n  adopt_existing = true\n}\n", ExpectError: want},
		},
	})
	assertAbsent(t, v, "sys/policies/acl/production-payments-read", "sys/policies/acl/production-payments-write",
		"kv2/metadata/production/payments", "kv2/data/_vaultboot/environment")
	if env, version := stampOf(t, v); env != "integration" || version != 1 {
		t.Errorf("stamp is now %q version %d", env, version)
	}
}

// TestAccEnvironmentGuard_planFails: with only new resources in the
// configuration, v1's plan was green against the wrong Vault, a bad token
// or an unreachable address, and only the tagged apply failed. The guard
// runs at plan time now, with the message apply gives.
func TestAccEnvironmentGuard_planFails(t *testing.T) {
	v := testharness.StartVault(t)
	stamp(t, v, "integration")
	badToken := fmt.Sprintf("provider \"vaultboot\" {\n  address     = %q\n  token       = \"hvs.not-a-token\"\n  environment = \"integration\"\n  owner       = \"vaultboot/acceptance-tests\"\n}\n", v.Addr)
	unreachable := "provider \"vaultboot\" {\n  address       = \"http://127.0.0.1:1\"\n  token         = \"hvs.x\"\n  environment   = \"integration\"\n  owner         = \"vaultboot/acceptance-tests\"\n  retry_timeout = \"1s\"\n}\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: v.ProviderBlock("production") + guardApp, PlanOnly: true, ExpectError: testharness.ErrorRE("Environment Mismatch", `configured for environment "production"`, "refusing to touch it")},
			{Config: badToken + guardApp, PlanOnly: true, ExpectError: testharness.ErrorRE("Unable to Check the Environment Stamp", "permission denied on vaultboot/data/environment")},
			// An unreachable Vault fails at configure time now, when the
			// provider reads its version, before any resource plans.
			{Config: unreachable + guardApp, PlanOnly: true, ExpectError: testharness.ErrorRE("Unable to Read the Vault Version", "sys/seal-status: no answer from Vault", "gave up after retrying")},
		},
	})
}

// TestAccEnvironmentGuard_cachesOnlyDefiniteAnswers: v1 kept the guard's
// first answer for the whole run, even a cancelled context. Now a check
// cut short is tried again; a definite answer (a stamp read) is kept.
func TestAccEnvironmentGuard_cachesOnlyDefiniteAnswers(t *testing.T) {
	v := testharness.StartVault(t)
	stamp(t, v, "integration")
	c := testClient(t, v, "production")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	var d diag.Diagnostics
	if checkEnvironment(cancelled, c, &d) || d[0].Summary() != "Unable to Check the Environment Stamp" {
		t.Fatalf("cancelled check: %v", d)
	}
	d = nil
	if checkEnvironment(context.Background(), c, &d) || d[0].Summary() != "Environment Mismatch" {
		t.Fatalf("the cancelled answer was kept: %v", d)
	}
	// The mismatch is definite: kept even when the Vault is re-stamped.
	stamp(t, v, "production")
	d = nil
	if checkEnvironment(context.Background(), c, &d) || d[0].Summary() != "Environment Mismatch" {
		t.Errorf("a definite answer was not kept for the run: %v", d)
	}
}

// TestAccEnvironmentStamp_checkAndSet: two first applies racing to stamp
// a Vault both passed v1's check and the last writer won. The first stamp
// is written with check-and-set 0: of eight concurrent creates exactly one
// wins and the others learn they lost.
func TestAccEnvironmentStamp_checkAndSet(t *testing.T) {
	v := testharness.StartVault(t)
	v.EnableSecrets(t, naming.StampMount, "kv", map[string]string{"version": "2"})
	envs := []string{"integration", "production", "staging", "dev", "qa", "perf", "demo", "sandbox"}
	errs := make([]error, len(envs))
	var wg sync.WaitGroup
	for i, env := range envs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := testClient(t, v, env)
			errs[i] = c.CreateKVData(context.Background(), c.Env().StampDataPath(), c.Env().Stamp(""))
		}()
	}
	wg.Wait()
	won := ""
	for i, err := range errs {
		var conflict *vaultclient.CASConflictError
		switch {
		case err == nil && won == "":
			won = envs[i]
		case err == nil:
			t.Errorf("%s and %s both stamped the Vault", won, envs[i])
		case !errors.As(err, &conflict):
			t.Errorf("%s: %v", envs[i], err)
		}
	}
	if env, version := stampOf(t, v); env != won || version != 1 {
		t.Errorf("stamp %q version %d, winner %q", env, version, won)
	}
}

// testOwnedEnv is naming.NewEnv with the acceptance tests' owner, as the
// provider blocks of the tests configure it.
func testOwnedEnv(name string, conv naming.Conventions) (naming.Env, error) {
	e, err := naming.NewEnv(name, conv)
	if err != nil {
		return e, err
	}
	return e.WithOwner(testharness.Owner)
}

// accEnv is the tests' environment with the default conventions, owned by
// the harness's project.
func accEnv(t *testing.T) naming.Env {
	t.Helper()
	e, err := testOwnedEnv(testAccEnv, naming.DefaultConventions())
	if err != nil {
		t.Fatal(err)
	}
	return e
}
