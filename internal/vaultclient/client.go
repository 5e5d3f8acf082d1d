// Package vaultclient is the one place vaultboot talks to Vault: a thin
// wrapper over github.com/hashicorp/vault/api with the retry policy
// documented on the provider page, the environment guard, and typed calls
// for the objects the resources manage. Paths come from the naming package;
// errors carry the path and Vault's own message.
package vaultclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// DefaultRetryTimeout is the default total time spent retrying one request.
const DefaultRetryTimeout = 2 * time.Minute

// maxIdleConnsPerHost keeps a connection for every request in flight:
// Terraform refreshes 10 resources at once and each reads its Vault objects
// concurrently (an app: 4), so about 40 requests run together. Go's pooled
// default (GOMAXPROCS+1) would close most connections after each burst and
// pay a new TCP (and TLS) handshake per read.
const maxIdleConnsPerHost = 64

// Config is the resolved provider configuration: environment variables and
// ~/.vault-token have already been applied by the provider.
type Config struct {
	Address        string
	Token          string
	Namespace      string
	CACertFile     string
	CACertPEM      string
	ClientCertFile string
	ClientKeyFile  string
	TLSServerName  string
	SkipTLSVerify  bool
	RetryTimeout   time.Duration
	JWTLogin       *JWTLogin
	Env            naming.Env
	// UserAgent names Terraform and the provider release on every request,
	// so Vault's audit log (with User-Agent header auditing on) shows which
	// provider version made a change.
	UserAgent string
}

// JWTLogin logs in through a JWT auth role instead of using a token.
type JWTLogin struct {
	Mount string
	Role  string
	JWT   string
}

// Client is a configured Vault client for one provider instance.
type Client struct {
	api          *api.Client
	env          naming.Env
	namespace    string
	retryTimeout time.Duration
	requests     atomic.Int64
	outage       outage

	guard   guard
	answers answers
	server  server
}

// CheckAddress refuses plain http to anything but a loopback host: a token
// must never cross a network in clear text.
func CheckAddress(address string) error {
	u, err := url.Parse(address)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%s is not a URL: use https://HOST:PORT", naming.Describe(address))
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%s uses plain http to a host that is not loopback: the token would cross the network in clear text; use https", naming.Describe(address))
	}
	return fmt.Errorf("%s has scheme %q: use https (or http to a loopback host)", naming.Describe(address), u.Scheme)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// New builds a client. With JWTLogin it logs in (retrying like any request);
// otherwise the token is used as given: no child token is created.
func New(ctx context.Context, cfg Config) (*Client, error) {
	if err := CheckAddress(cfg.Address); err != nil {
		return nil, err
	}
	ac := api.DefaultConfig()
	ac.Address = cfg.Address
	// vault/api sends every request to VAULT_AGENT_ADDR when it is set, and
	// with VAULT_SRV_LOOKUP to a host a DNS record names: a CI runner with
	// an agent sidecar would have the provider's token and writes go to
	// whatever Vault that agent serves. The provider talks to its address.
	ac.AgentAddress, ac.SRVLookup = "", false
	ac.MaxRetries = 0 // retries are ours, bounded by retry_timeout
	if t, ok := ac.HttpClient.Transport.(*http.Transport); ok {
		t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	}
	err := ac.ConfigureTLS(&api.TLSConfig{
		CACert:        cfg.CACertFile,
		CACertBytes:   []byte(cfg.CACertPEM),
		ClientCert:    cfg.ClientCertFile,
		ClientKey:     cfg.ClientKeyFile,
		TLSServerName: cfg.TLSServerName,
		Insecure:      cfg.SkipTLSVerify,
	})
	if err != nil {
		return nil, fmt.Errorf("configuring TLS for %s: %w", cfg.Address, err)
	}
	ac.HttpClient.Transport = refuseRedirects{next: traceRequests{next: ac.HttpClient.Transport}}
	raw, err := api.NewClient(ac)
	if err != nil {
		return nil, fmt.Errorf("creating the Vault client for %s: %w", cfg.Address, err)
	}
	raw.SetNamespace(cfg.Namespace)
	raw.SetToken(cfg.Token)
	if cfg.UserAgent != "" {
		raw.AddHeader("User-Agent", cfg.UserAgent)
	}
	c := &Client{api: raw, env: cfg.Env, namespace: cfg.Namespace, retryTimeout: cfg.RetryTimeout}
	if c.retryTimeout <= 0 {
		c.retryTimeout = DefaultRetryTimeout
	}
	if cfg.JWTLogin != nil {
		if err := c.loginJWT(ctx, *cfg.JWTLogin); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Client) loginJWT(ctx context.Context, l JWTLogin) error {
	path := naming.AuthLoginPath(l.Mount)
	c.api.ClearToken()
	var s *api.Secret
	err := c.do(ctx, "login", path, func(ctx context.Context) (err error) {
		s, err = c.api.Logical().WriteWithContext(ctx, path, map[string]any{"role": l.Role, "jwt": l.JWT})
		return err
	})
	var verr *Error
	if errors.As(err, &verr) && verr.Status >= 400 && verr.Status < 500 {
		verr.Hint = fmt.Sprintf("Check auth_login_jwt: the role %q must exist on the JWT mount %q and accept this token's issuer, audience and claims", l.Role, l.Mount)
	}
	if err != nil {
		return err
	}
	if s == nil || s.Auth == nil || s.Auth.ClientToken == "" {
		return &Error{Op: "login", Path: path, Messages: []string{"Vault returned no client token"}}
	}
	c.api.SetToken(s.Auth.ClientToken)
	return nil
}

// Env is the environment and conventions this client works in.
func (c *Client) Env() naming.Env { return c.env }

// Address is the Vault address, for messages.
func (c *Client) Address() string { return c.api.Address() }

// Requests counts the Vault requests sent so far (attempts, including retries).
func (c *Client) Requests() int64 { return c.requests.Load() }
