package vaultclient

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestHangingNodeIsBoundedByTheWindow: a node that accepts connections and
// never answers ends a request at most one attempt after its window, and
// once the window is spent, the run's later requests fail at once instead
// of each hanging for a window of its own.
func TestHangingNodeIsBoundedByTheWindow(t *testing.T) {
	hang := testharness.NewHangingListener(t)
	const window = 3 * time.Second
	c := newClient(t, hang.URL, "t", window)
	limit := window + attemptTimeout(window) + time.Second

	start := time.Now()
	_, _, err := c.ReadPolicy(context.Background(), "default")
	first := time.Since(start)
	if err == nil {
		t.Fatal("read from a node that never answers succeeded")
	}
	t.Logf("first request gave up after %s: %v", first.Round(time.Millisecond), err)
	if first < window || first > limit {
		t.Errorf("first request took %s, want between the window %s and %s", first, window, limit)
	}
	for _, want := range []string{"sys/policies/acl/default", "no answer from Vault", "gave up after retrying", "retry_timeout = 3s", "run the apply again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if hang.Accepted() == 0 {
		t.Fatal("the hanging listener never saw a connection")
	}

	// What a terraform walk does next: many more requests, some parallel.
	var wg sync.WaitGroup
	rest := time.Now()
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := c.ReadPolicy(context.Background(), "p"+string(rune('a'+i%26)))
			var verr *Error
			if !errors.As(err, &verr) || !verr.NotTried || !strings.Contains(err.Error(), "not tried: Vault has failed every request for") {
				t.Errorf("request after the spent window: %v", err)
			}
		}()
	}
	wg.Wait()
	if d := time.Since(rest); d > time.Second {
		t.Errorf("40 requests after the spent window took %s, want them refused at once", d)
	}
	if total := time.Since(start); total > limit {
		t.Errorf("41 requests to a hanging node took %s, want at most retry_timeout + one attempt = %s", total, limit)
	}
}

// TestOutageEndsWhenVaultAnswers: a run of failures shorter than the window
// followed by an answer leaves no memory of the outage behind.
func TestOutageEndsWhenVaultAnswers(t *testing.T) {
	v := testharness.Shared(t)
	proxy, _ := flakyProxy(t, v.Addr, 3, false)
	c := newClient(t, proxy.URL, v.Token, 10*time.Second)
	if _, _, err := c.ReadPolicy(context.Background(), "default"); err != nil {
		t.Fatalf("read through 3 failures: %v", err)
	}
	if last, _ := c.outage.exhausted(0); last != nil {
		t.Fatalf("outage still recorded after Vault answered: %v", last)
	}
}

func TestAttemptTimeout(t *testing.T) {
	for window, want := range map[time.Duration]time.Duration{
		time.Second:         minAttemptTimeout,
		5 * time.Second:     5 * time.Second,
		DefaultRetryTimeout: maxAttemptTimeout,
	} {
		if got := attemptTimeout(window); got != want {
			t.Errorf("attemptTimeout(%s) = %s, want %s", window, got, want)
		}
	}
}

// TestRaftLeadershipLossIsRetried: on integrated storage a write that meets
// a leadership change comes back as a 400 carrying Raft's error (seen under
// load on the 3-node cluster). It is retried; any other 400 is not.
func TestRaftLeadershipLossIsRetried(t *testing.T) {
	v := testharness.Shared(t)
	for _, msg := range []string{"failed to persist policy: node is not the leader", "failed to persist policy: leadership lost while committing log"} {
		proxy, seen := answeringProxy(t, v.Addr, 2, http.StatusBadRequest, msg)
		c := newClient(t, proxy.URL, v.Token, 10*time.Second)
		if err := c.WritePolicy(context.Background(), "raft-probe", `path "x" { capabilities = ["read"] }`); err != nil {
			t.Fatalf("write through two %q answers: %v", msg, err)
		}
		if got := seen.Load(); got != 3 {
			t.Errorf("%q: proxy saw %d requests, want 3", msg, got)
		}
	}
	proxy, seen := answeringProxy(t, v.Addr, 1, http.StatusBadRequest, "invalid policy")
	c := newClient(t, proxy.URL, v.Token, 10*time.Second)
	if err := c.WritePolicy(context.Background(), "raft-probe", `path "x" { capabilities = ["read"] }`); err == nil || seen.Load() != 1 {
		t.Fatalf("a plain 400 was retried or passed: %v after %d requests", err, seen.Load())
	}
}

// answeringProxy answers the first n requests with status and Vault's JSON
// error msg, then forwards to target.
func answeringProxy(t *testing.T, target string, n int64, status int, msg string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	return faultyProxy(t, target, n, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string][]string{"errors": {msg}})
	})
}

// TestNoLeakAcrossALongRun sends two rounds of 1500 reads from 50
// workers, as a long apply at -parallelism=50 does: the second round opens
// no new connections and leaves no more goroutines behind than the first,
// so nothing grows with the number of requests.
func TestNoLeakAcrossALongRun(t *testing.T) {
	v := testharness.Shared(t)
	proxy := testharness.NewCountingProxy(t, v.Addr)
	c := newClient(t, proxy.URL, v.Token, 10*time.Second)
	const workers, perWorker = 50, 30
	round := func() (conns int64, goroutines int) {
		before := proxy.Connections()
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range perWorker {
					if _, _, err := c.ReadPolicy(context.Background(), "default"); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		return proxy.Connections() - before, settledGoroutines()
	}
	conns1, g1 := round()
	conns2, g2 := round()
	t.Logf("round 1: %d reads opened %d connections, %d goroutines after; round 2: %d connections, %d goroutines", workers*perWorker, conns1, g1, conns2, g2)
	if conns1 > 2*workers {
		t.Errorf("round 1 opened %d connections for %d workers", conns1, workers)
	}
	if conns2 > workers/5 {
		t.Errorf("round 2 opened %d new connections: idle connections are not reused", conns2)
	}
	if g2 > g1+10 {
		t.Errorf("goroutines grew from %d to %d between two equal rounds", g1, g2)
	}
}

// settledGoroutines waits until the goroutine count stops falling (finished
// HTTP handlers and transport readers return asynchronously), for at most
// two seconds, and returns it.
func settledGoroutines() int {
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m >= n {
			return m
		}
		n = m
	}
	return n
}
