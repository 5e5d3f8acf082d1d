package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/vault/api"
)

// devVault is a fresh `vault server -dev` on loopback, with the auth
// mounts both providers' configurations need.
type devVault struct {
	addr, token  string
	oidcAccessor string
	cmd          *exec.Cmd
	dir          string
	exited       chan struct{}
}

// startDevVault starts bin/vault in dev mode on a free loopback port pair
// and enables auth/kubernetes and auth/oidc.
func startDevVault(bin string) (*devVault, error) {
	var lastErr error
	for range 3 { // a port can be taken between probing and binding
		v, err := startDevVaultOnce(bin)
		if err == nil {
			return v, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startDevVaultOnce(bin string) (*devVault, error) {
	port, err := freePortPair()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "vaultboot-bench-vault-*")
	if err != nil {
		return nil, err
	}
	token := make([]byte, 16)
	_, _ = rand.Read(token)
	v := &devVault{addr: fmt.Sprintf("http://127.0.0.1:%d", port), token: hex.EncodeToString(token), dir: dir, exited: make(chan struct{})}
	log, err := os.Create(filepath.Join(dir, "vault.log"))
	if err != nil {
		return nil, err
	}
	defer func() { _ = log.Close() }()
	v.cmd = exec.Command(bin, "server", "-dev", "-dev-root-token-id="+v.token, fmt.Sprintf("-dev-listen-address=127.0.0.1:%d", port))
	// A scrubbed environment: no VAULT_* of the caller, a private HOME so
	// the dev server never touches the caller's ~/.vault-token.
	v.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir}
	v.cmd.Stdout, v.cmd.Stderr = log, log
	if err := v.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = v.cmd.Wait(); close(v.exited) }()
	if err := v.waitReady(); err != nil {
		tail, _ := os.ReadFile(filepath.Join(dir, "vault.log"))
		v.stop()
		return nil, fmt.Errorf("%w\n%s", err, lastLines(string(tail), 10))
	}
	if err := v.setup(); err != nil {
		v.stop()
		return nil, err
	}
	return v, nil
}

func (v *devVault) waitReady() error {
	deadline := time.Now().Add(60 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	defer client.CloseIdleConnections()
	for time.Now().Before(deadline) {
		select {
		case <-v.exited:
			return fmt.Errorf("vault exited before it was ready")
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := client.Get(v.addr + "/v1/sys/health")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("vault at %s not ready after 60s", v.addr)
}

// setup enables the auth mounts. The Kubernetes mount needs no cluster
// config: roles can be written without one, and nothing logs in.
func (v *devVault) setup() error {
	cfg := api.DefaultConfig()
	cfg.Address = v.addr
	c, err := api.NewClient(cfg)
	if err != nil {
		return err
	}
	c.SetToken(v.token)
	for path, typ := range map[string]string{k8sMount: "kubernetes", oidcMount: "oidc"} {
		if err := c.Sys().EnableAuthWithOptions(path, &api.EnableAuthOptions{Type: typ}); err != nil {
			return fmt.Errorf("enabling auth/%s: %w", path, err)
		}
	}
	auths, err := c.Sys().ListAuth()
	if err != nil {
		return err
	}
	v.oidcAccessor = auths[oidcMount+"/"].Accessor
	return nil
}

func (v *devVault) stop() {
	_ = v.cmd.Process.Kill()
	<-v.exited
	_ = os.RemoveAll(v.dir)
}

// freePortPair finds a loopback port whose successor is free too: the dev
// server binds PORT for the API and PORT+1 for cluster traffic.
func freePortPair() (int, error) {
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		l2, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port+1))
		if err == nil {
			_ = l2.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("no free loopback port pair")
}

// countingProxy forwards to Vault and counts requests by the kind of
// object they touch, so requests per app per refresh can be read off.
type countingProxy struct {
	srv    *http.Server
	addr   string
	mu     sync.Mutex
	counts map[string]int
}

// Request kinds: the four per-app objects, identity, and everything else
// (token lookups, mounts, the environment stamp).
const (
	kindMetadata = "kv-metadata"
	kindPolicy   = "policy"
	kindRole     = "k8s-role"
	kindIdentity = "identity"
	kindOther    = "other"
)

func newCountingProxy(target string) (*countingProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &countingProxy{addr: "http://" + l.Addr().String(), counts: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = &http.Transport{MaxIdleConnsPerHost: 100}
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.counts[requestKind(r.URL.Path)]++
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(l) }()
	return p, nil
}

// requestKind classifies a Vault API path.
func requestKind(path string) string {
	p := strings.TrimPrefix(path, "/v1/")
	switch {
	case strings.HasPrefix(p, "secret/metadata/"+benchEnv+"/"):
		return kindMetadata
	case strings.HasPrefix(p, "sys/policy/"), strings.HasPrefix(p, "sys/policies/acl/"):
		return kindPolicy
	case strings.HasPrefix(p, "auth/"+k8sMount+"/role/"):
		return kindRole
	case strings.HasPrefix(p, "identity/"):
		return kindIdentity
	}
	return kindOther
}

// take returns the counts so far and starts from zero.
func (p *countingProxy) take() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.counts
	p.counts = map[string]int{}
	return out
}

func (p *countingProxy) close() { _ = p.srv.Close() }

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
