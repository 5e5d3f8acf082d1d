package vaultclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// staleLeader is what a standby's 307 points at during a leader change: the
// node it last knew as active, itself a standby by now, which redirects
// again. It counts the requests that reach it: with the provider's token.
func staleLeader(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var reached atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.Header().Set("Location", srv.URL+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	return srv, &reached
}

// standbyProxy answers the first n requests as a Raft standby that cannot
// forward does (Vault's respondStandby): 307, no body, Location = old.
func standbyProxy(t *testing.T, target, old string, n int64) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	return faultyProxy(t, target, n, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", old+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
}

// TestStandbyRedirectIsRetriedNotFollowed is the write a rolling upgrade
// lost: vault/api follows one 307 and takes a second for success, so a
// write came back done with nothing written, and a read came back "not
// found". Both must reach Vault through the configured address, and the
// token must never go to the host a redirect names.
func TestStandbyRedirectIsRetriedNotFollowed(t *testing.T) {
	v := testharness.Shared(t)
	ctx := context.Background()
	old, reached := staleLeader(t)
	direct := newClient(t, v.Addr, v.Token, time.Second)
	const doc = `path "secret/data/redirect-probe" { capabilities = ["read"] }`

	proxy, seen := standbyProxy(t, v.Addr, old.URL, 2)
	c := newClient(t, proxy.URL, v.Token, 30*time.Second)
	if err := c.WritePolicy(ctx, "redirect-probe", doc); err != nil {
		t.Fatalf("write through two 307s: %v", err)
	}
	if got, found, err := direct.ReadPolicy(ctx, "redirect-probe"); err != nil || !found || got != doc {
		t.Fatalf("the write came back done but Vault holds found=%v %q (err %v)", found, got, err)
	}
	if seen.Load() != 3 || c.Requests() != 3 {
		t.Errorf("proxy saw %d requests, client counted %d, want 3 each (two 307s, then Vault)", seen.Load(), c.Requests())
	}

	proxy, _ = standbyProxy(t, v.Addr, old.URL, 2)
	c = newClient(t, proxy.URL, v.Token, 30*time.Second)
	if _, found, err := c.ReadPolicy(ctx, "redirect-probe"); err != nil || !found {
		t.Fatalf("read through two 307s: found=%v err=%v, want the policy", found, err)
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("%d requests followed a redirect to another host, carrying the token", n)
	}
}

// TestEndlessRedirectExplained: a standby that never finds its active node
// fails the request after the window, saying what Vault answered.
func TestEndlessRedirectExplained(t *testing.T) {
	v := testharness.Shared(t)
	old, reached := staleLeader(t)
	proxy, _ := standbyProxy(t, v.Addr, old.URL, 1<<30)
	c := newClient(t, proxy.URL, v.Token, 1500*time.Millisecond)
	err := c.WritePolicy(context.Background(), "redirect-probe-2", `path "x" { capabilities = ["read"] }`)
	if err == nil {
		t.Fatal("a write answered only by redirects succeeded")
	}
	for _, want := range []string{"write sys/policies/acl/redirect-probe-2 failed with HTTP 307", "not the active node", old.URL, "gave up after retrying", "has an active node"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if c.Requests() < 2 || reached.Load() != 0 {
		t.Errorf("%d attempts, %d followed to the redirect's host; want retries on the configured address only", c.Requests(), reached.Load())
	}
}

// TestOnlyTheConfiguredAddress: vault/api prefers VAULT_AGENT_ADDR to the
// address it is given, so a runner with an agent sidecar sent the
// provider's token and writes to the agent's Vault.
func TestOnlyTheConfiguredAddress(t *testing.T) {
	v := testharness.Shared(t)
	other, reached := staleLeader(t)
	t.Setenv("VAULT_AGENT_ADDR", other.URL)
	t.Setenv("VAULT_SRV_LOOKUP", "true")
	c := newClient(t, v.Addr, v.Token, 5*time.Second)
	if err := c.WritePolicy(context.Background(), "address-probe", `path "x" { capabilities = ["read"] }`); err != nil {
		t.Fatalf("write to the configured address: %v", err)
	}
	if _, found, err := newClient(t, v.Addr, v.Token, time.Second).ReadPolicy(context.Background(), "address-probe"); err != nil || !found {
		t.Fatalf("the policy is not in the configured Vault: found=%v err=%v", found, err)
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("%d requests went to VAULT_AGENT_ADDR instead of the configured address", n)
	}
}

// TestPermanentRedirectFailsAtOnce: a redirect that is not a standby's
// (a proxy sending http to https, a moved host) is not retried and not
// followed: the error names it and says to fix the address.
func TestPermanentRedirectFailsAtOnce(t *testing.T) {
	v := testharness.Shared(t)
	moved, reached := staleLeader(t)
	proxy, seen := faultyProxy(t, v.Addr, 1<<30, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", moved.URL+r.URL.RequestURI())
		w.WriteHeader(http.StatusMovedPermanently)
	})
	c := newClient(t, proxy.URL, v.Token, time.Minute)
	_, _, err := c.ReadPolicy(context.Background(), "default")
	if err == nil {
		t.Fatal("a read answered by a permanent redirect succeeded")
	}
	for _, want := range []string{"read sys/policies/acl/default failed with HTTP 301", moved.URL, "does not follow", "Set the provider's address"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if seen.Load() != 1 || reached.Load() != 0 {
		t.Errorf("%d attempts, %d followed to the redirect's host; want one attempt on the configured address", seen.Load(), reached.Load())
	}
}
