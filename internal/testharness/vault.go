package testharness

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/vault/api"
)

// Vault is a running dev server and a root client for it.
type Vault struct {
	Addr       string      // http://127.0.0.1:PORT or https://127.0.0.1:PORT
	Token      string      // root token
	CACertPEM  string      // only for TLS servers
	CACertFile string      // only for TLS servers
	Client     *api.Client // root client, trusting CACertPEM for TLS servers

	proc *process
}

// Option changes how StartVault starts its server.
type Option func(*options)

type options struct {
	tls bool
}

// TLS starts the server with -dev-tls, for tests of the provider's CA handling.
func TLS() Option {
	return func(o *options) { o.tls = true }
}

// StartVault starts a dedicated dev server for one test, for tests that need
// a pristine or TLS server rather than the package's shared one. It is
// stopped by t.Cleanup, which first logs the server's output if t failed.
func StartVault(t testing.TB, opts ...Option) *Vault {
	t.Helper()
	skipWithoutAcc(t)
	bin, err := EnsureVault()
	if err != nil {
		t.Fatalf("vault: %v", err)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	v, err := startVault(bin, o)
	if err != nil {
		t.Fatalf("start vault: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("vault server log (tail):\n%s", v.proc.logTail())
		}
		v.Stop()
	})
	return v
}

// StartDevServer starts a dev server outside a test, for the benchmark and
// the scripts (make demo, make testmodule): the same binary, flags and
// scrubbed environment as the tests' servers. The caller stops it with Stop.
func StartDevServer(opts ...Option) (*Vault, error) {
	bin, err := EnsureVault()
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return startVault(bin, o)
}

// Stop ends the server and removes its directory; it is safe to call more
// than once.
func (v *Vault) Stop() {
	v.proc.stop()
}

// LogTail returns the end of the server's log, for a caller whose run
// failed.
func (v *Vault) LogTail() string { return v.proc.logTail() }

// PID is the server's process id (the benchmark counts its CPU time).
func (v *Vault) PID() int { return v.proc.cmd.Process.Pid }

// configureClient builds the root client. Address, CA, token and namespace
// are set explicitly so no VAULT_* variable of the caller can redirect it.
func (v *Vault) configureClient() error {
	cfg := api.DefaultConfig()
	cfg.Address = v.Addr
	if v.CACertPEM != "" {
		if err := cfg.ConfigureTLS(&api.TLSConfig{CACertBytes: []byte(v.CACertPEM)}); err != nil {
			return err
		}
	}
	client, err := api.NewClient(cfg)
	if err != nil {
		return err
	}
	client.SetToken(v.Token)
	client.ClearNamespace()
	v.Client = client
	return nil
}

// Owner is the provider owner the acceptance tests' configurations use:
// the project that manages what they create.
const Owner = "vaultboot/acceptance-tests"

// ProviderBlock returns a provider "vaultboot" block pointing at this server
// with its root token and owner Owner; each extra string is added as one
// more line (an "owner = ..." line replaces Owner).
func (v *Vault) ProviderBlock(environment string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "provider \"vaultboot\" {\n  address     = %q\n  token       = %q\n  environment = %q\n", v.Addr, v.Token, environment)
	if !slices.ContainsFunc(extra, func(l string) bool { return strings.HasPrefix(l, "owner ") }) {
		fmt.Fprintf(&b, "  owner       = %q\n", Owner)
	}
	if v.CACertFile != "" {
		fmt.Fprintf(&b, "  ca_cert_file = %q\n", v.CACertFile)
	}
	for _, line := range extra {
		fmt.Fprintf(&b, "  %s\n", line)
	}
	b.WriteString("}\n")
	return b.String()
}

// ClientWithToken returns a new client to this server that uses token, to act
// as the identity a test logged in as.
func (v *Vault) ClientWithToken(t testing.TB, token string) *api.Client {
	t.Helper()
	client, err := v.Client.Clone()
	if err != nil {
		t.Fatalf("clone vault client: %v", err)
	}
	client.SetToken(token)
	return client
}

// Capabilities reports what token may do on path (sys/capabilities), which is
// how access proofs check a policy without trusting its text.
func (v *Vault) Capabilities(t testing.TB, token, path string) []string {
	t.Helper()
	caps, err := v.Client.Sys().Capabilities(token, path)
	if err != nil {
		t.Fatalf("capabilities of token on %s: %v", path, err)
	}
	return caps
}

// Write writes path as root, for test setup and for drift made behind
// Terraform's back.
func (v *Vault) Write(t testing.TB, path string, data map[string]any) *api.Secret {
	t.Helper()
	secret, err := v.Client.Logical().Write(path, data)
	if err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	return secret
}

// Read reads path as root; it returns nil when nothing is there.
func (v *Vault) Read(t testing.TB, path string) *api.Secret {
	t.Helper()
	secret, err := v.Client.Logical().Read(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return secret
}

// Delete deletes path as root.
func (v *Vault) Delete(t testing.TB, path string) {
	t.Helper()
	if _, err := v.Client.Logical().Delete(path); err != nil {
		t.Fatalf("delete %s: %v", path, err)
	}
}
