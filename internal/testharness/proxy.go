package testharness

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
)

// CountingProxy forwards every request to a real Vault and counts them, so
// a test can prove that a plan made no Vault request at all (hostile input
// must be refused before anything reaches Vault).
type CountingProxy struct {
	URL string

	requests    atomic.Int64
	connections atomic.Int64
	mu          sync.Mutex
	paths       []string
	srv         *httptest.Server
}

// NewCountingProxy starts a proxy in front of target; t.Cleanup closes it.
func NewCountingProxy(t testing.TB, target string) *CountingProxy {
	t.Helper()
	p, err := StartCountingProxy(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// StartCountingProxy starts a proxy in front of target outside a test (the
// benchmark counts a refresh's requests with it); Close stops it.
func StartCountingProxy(target string) (*CountingProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	p := &CountingProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = &http.Transport{MaxIdleConnsPerHost: 100}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		p.mu.Lock()
		p.paths = append(p.paths, r.Method+" "+r.URL.Path)
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			p.connections.Add(1)
		}
	}
	srv.Start()
	p.URL, p.srv = srv.URL, srv
	return p, nil
}

// Close stops the proxy.
func (p *CountingProxy) Close() { p.srv.Close() }

// Connections is the number of client connections opened so far: with
// keep-alive working it stays near the client's concurrency, however many
// requests pass.
func (p *CountingProxy) Connections() int64 { return p.connections.Load() }

// Requests is the number of requests forwarded so far.
func (p *CountingProxy) Requests() int64 { return p.requests.Load() }

// Paths lists "METHOD /v1/path" of every request forwarded so far.
func (p *CountingProxy) Paths() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.paths...)
}

// HangingListener is a node that accepts TCP connections and never answers
// (a wedged process, a black-holing load balancer). It counts connections.
type HangingListener struct {
	URL string

	accepted atomic.Int64
}

// NewHangingListener starts the listener on a loopback port; t.Cleanup
// closes it and every connection it holds.
func NewHangingListener(t testing.TB) *HangingListener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &HangingListener{URL: "http://" + l.Addr().String()}
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return // closed by cleanup
			}
			h.accepted.Add(1)
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			_ = c.Close()
		}
	})
	return h
}

// Accepted is the number of connections accepted so far.
func (h *HangingListener) Accepted() int64 { return h.accepted.Load() }
