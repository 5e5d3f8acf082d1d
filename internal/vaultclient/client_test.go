package vaultclient

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

func TestMain(m *testing.M) { os.Exit(testharness.Main(m)) }

func newClient(t *testing.T, addr, token string, retry time.Duration) *Client {
	t.Helper()
	env, err := naming.NewEnv("acc", naming.DefaultConventions())
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(context.Background(), Config{Address: addr, Token: token, Env: env, RetryTimeout: retry})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// flakyProxy stands between the client and a real Vault and answers the
// first n requests the way Vault does during maintenance: 503 "Vault is
// sealed", or a connection reset.
func flakyProxy(t *testing.T, target string, n int64, reset bool) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	if reset {
		return faultyProxy(t, target, n, resetConnection)
	}
	return answeringProxy(t, target, n, http.StatusServiceUnavailable, "Vault is sealed")
}

// faultyProxy forwards to a real Vault, except that fault answers the
// first n requests.
func faultyProxy(t *testing.T, target string, n int64, fault http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	var seen atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) > n {
			rp.ServeHTTP(w, r)
			return
		}
		fault(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func resetConnection(w http.ResponseWriter, _ *http.Request) {
	hj, _ := w.(http.Hijacker)
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // RST instead of FIN
	}
	_ = conn.Close()
}

func TestRetriesThroughMaintenance(t *testing.T) {
	v := testharness.Shared(t)
	for _, reset := range []bool{false, true} {
		proxy, seen := flakyProxy(t, v.Addr, 3, reset)
		c := newClient(t, proxy.URL, v.Token, 30*time.Second)
		if err := c.WritePolicy(context.Background(), "retry-probe", `path "x" { capabilities = ["read"] }`); err != nil {
			t.Fatalf("reset=%v: write through 3 failures: %v", reset, err)
		}
		if got := seen.Load(); got != 4 {
			t.Errorf("reset=%v: proxy saw %d requests, want 4 (3 failures + 1 success)", reset, got)
		}
		if got := c.Requests(); got != 4 {
			t.Errorf("reset=%v: client counted %d requests, want 4", reset, got)
		}
	}
	if _, found, err := newClient(t, v.Addr, v.Token, time.Second).ReadPolicy(context.Background(), "retry-probe"); err != nil || !found {
		t.Fatalf("policy written through the proxy is not in Vault: found=%v err=%v", found, err)
	}
}

func TestRetryWindowIsBounded(t *testing.T) {
	v := testharness.Shared(t)
	proxy, _ := flakyProxy(t, v.Addr, 1<<30, false)
	c := newClient(t, proxy.URL, v.Token, 2*time.Second)
	start := time.Now()
	_, _, err := c.ReadPolicy(context.Background(), "default")
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("read through an always-sealed Vault succeeded")
	}
	for _, want := range []string{"sys/policies/acl/default", "HTTP 503", "Vault is sealed", "gave up after retrying", "retry_timeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if elapsed < 2*time.Second || elapsed > 3*time.Second {
		t.Errorf("gave up after %s, want the 2s retry window used whole", elapsed)
	}
	if c.Requests() < 3 {
		t.Errorf("only %d attempts in the retry window", c.Requests())
	}
}

func TestConnectionRefusedIsRetriedThenExplained(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + l.Addr().String()
	_ = l.Close() // nothing listens there any more: connection refused
	c := newClient(t, addr, "t", 1500*time.Millisecond)
	_, _, err = c.ReadPolicy(context.Background(), "default")
	if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "gave up after retrying") {
		t.Fatalf("want a connection refused error after retrying, got %v", err)
	}
	if c.Requests() < 2 {
		t.Errorf("connection refused was not retried (%d attempts)", c.Requests())
	}
}

func TestPermissionDeniedFailsAtOnce(t *testing.T) {
	v := testharness.Shared(t)
	c := newClient(t, v.Addr, "not-a-token", time.Minute)
	_, _, err := c.ReadPolicy(context.Background(), "acc-payments-read")
	if err == nil {
		t.Fatal("read with a bad token succeeded")
	}
	for _, want := range []string{"permission denied on sys/policies/acl/acc-payments-read", "data.vaultboot_provider_policy"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if c.Requests() != 1 {
		t.Errorf("a 403 was retried: %d requests", c.Requests())
	}
}

func TestCheckAddress(t *testing.T) {
	for _, ok := range []string{"https://vault.internal:8200", "http://127.0.0.1:8200", "http://localhost:8200", "http://[::1]:8200"} {
		if err := CheckAddress(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://vault.internal:8200", "http://10.0.0.1:8200", "ftp://x", "vault:8200", ""} {
		if err := CheckAddress(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestUnwrapMultiError(t *testing.T) {
	for in, want := range map[string]string{
		"1 error occurred:\n\t* permission denied\n\n":         "permission denied",
		"2 errors occurred:\n\t* a\n\t* b\n\n":                 "a; b",
		"no handler for route \"x/y\". route entry not found.": `no handler for route "x/y". route entry not found.`,
	} {
		if got := strings.Join(unwrapMultiError(in), "; "); got != want {
			t.Errorf("unwrapMultiError(%q) = %q, want %q", in, got, want)
		}
	}
}
