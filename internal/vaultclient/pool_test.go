package vaultclient

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// burst is how many reads a refresh runs at once: Terraform's default
// parallelism of 10 resources, each reading an app's 4 objects.
const burst = 40

// TestConnectionsAreReused runs bursts of concurrent reads through a proxy
// that counts new TCP connections and holds each burst until all of its
// requests are in flight. The first burst opens one connection per
// request; later bursts must reuse them all instead of handshaking again.
func TestConnectionsAreReused(t *testing.T) {
	v := testharness.Shared(t)
	u, err := url.Parse(v.Addr)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = &http.Transport{MaxIdleConnsPerHost: burst}
	var conns atomic.Int64
	var mu sync.Mutex
	arrived, release := 0, make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if arrived++; arrived == burst {
			close(release)
		}
		wait := release
		mu.Unlock()
		select {
		case <-wait:
		case <-time.After(10 * time.Second): // a broken test must not hang
		}
		rp.ServeHTTP(w, r)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	c := newClient(t, srv.URL, v.Token, 10*time.Second)
	for i := range 3 {
		before := conns.Load()
		g, ctx := errgroup.WithContext(context.Background())
		for range burst {
			g.Go(func() error {
				_, _, err := c.ReadPolicy(ctx, "default")
				return err
			})
		}
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		opened := conns.Load() - before
		t.Logf("burst %d of %d reads opened %d connections", i+1, burst, opened)
		if i > 0 && opened != 0 {
			t.Errorf("burst %d of %d concurrent reads opened %d new connections, want 0: idle connections are not kept for reuse", i+1, burst, opened)
		}
		mu.Lock()
		arrived, release = 0, make(chan struct{})
		mu.Unlock()
	}
}
