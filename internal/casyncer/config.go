// Package casyncer is vaultboot-ca-syncer: the controller that reads a CA
// sync document (schema version 1) from Vault with its own Kubernetes login
// and publishes the document's CA bundle into every selected namespace.
package casyncer

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// ManagedByLabel marks every object the syncer writes; it never changes an
// object without it.
const (
	ManagedByLabel = "app.kubernetes.io/managed-by"
	ManagedByValue = "vaultboot-ca-syncer"
)

// defaultTokenFile is where a projected service-account token is mounted.
const defaultTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"

// Config is the syncer's configuration: each setting comes from its
// environment variable and a flag of the same name in kebab case overrides it.
type Config struct {
	VaultAddr   string
	VaultCACert string
	Role        string
	Document    string
	AuthMount   string
	TokenFile   string
	Poll        time.Duration
	Listen      string
	Kubeconfig  string
	// LeaseNamespace/LeaseName is the Lease the replicas elect a leader on;
	// Identity is this replica's name in it (the pod name).
	LeaseNamespace string
	LeaseName      string
	Identity       string
	// Trust is what a document's CA must match before it is published.
	Trust Trust
}

// setting is one configuration value: its variable, default and meaning.
type setting struct {
	env, def, usage string
	dst             *string
}

// Parse reads the configuration from getenv and args (without the program
// name) and validates it.
func Parse(args []string, getenv func(string) string) (Config, error) {
	var c Config
	var poll, fingerprints, sources, anchor string
	settings := []setting{
		{"VAULT_ADDR", "", "Vault's address (https://HOST:PORT; http only to loopback)", &c.VaultAddr},
		{"VAULT_CACERT", "", "PEM file of the CA that signed Vault's certificate", &c.VaultCACert},
		{"VAULTBOOT_SYNC_ROLE", "", "the Kubernetes auth role E-ca-sync-N", &c.Role},
		{"VAULTBOOT_SYNC_DOCUMENT", "", "the document's API path secret/data/_vaultboot/E/ca-sync/N", &c.Document},
		{"VAULTBOOT_SYNC_AUTH_MOUNT", "kubernetes", "the Kubernetes auth mount", &c.AuthMount},
		{"VAULTBOOT_SYNC_TOKEN_FILE", defaultTokenFile, "the projected service-account token", &c.TokenFile},
		{"VAULTBOOT_SYNC_POLL", "30s", "how often the document is read again", &poll},
		{"VAULTBOOT_SYNC_LISTEN", ":8080", "address of /healthz, /readyz and /metrics", &c.Listen},
		{"KUBECONFIG", "", "kubeconfig file; empty means in-cluster", &c.Kubeconfig},
		{"VAULTBOOT_SYNC_LEASE_NAMESPACE", "", "namespace of the leader-election Lease (default: the pod's)", &c.LeaseNamespace},
		{"VAULTBOOT_SYNC_LEASE_NAME", "vaultboot-ca-syncer", "name of the leader-election Lease", &c.LeaseName},
		{"POD_NAME", "", "this replica's identity in the Lease (default: the host name)", &c.Identity},
		{"VAULTBOOT_SYNC_ALLOWED_SOURCES", "", "comma-separated source.read_path values (or \"pem\") a document may name", &sources},
		{"VAULTBOOT_SYNC_ALLOWED_FINGERPRINTS", "", "comma-separated SHA-256 fingerprints every published certificate must have one of", &fingerprints},
		{"VAULTBOOT_SYNC_TRUST_ANCHOR", "", "PEM file of CAs every published certificate must be or chain to", &anchor},
	}
	fs := flag.NewFlagSet("vaultboot-ca-syncer", flag.ContinueOnError)
	for _, s := range settings {
		*s.dst = s.def
		if v := getenv(s.env); v != "" {
			*s.dst = v
		}
		fs.StringVar(s.dst, kebab(s.env), *s.dst, s.usage+" ("+s.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q: every setting is a --flag or its environment variable", fs.Arg(0))
	}
	return c, c.finish(poll, sources, fingerprints, anchor, getenv)
}

// kebab turns VAULTBOOT_SYNC_ROLE into vaultboot-sync-role.
func kebab(env string) string {
	return strings.ReplaceAll(strings.ToLower(env), "_", "-")
}

// finish parses the typed settings and checks the required ones.
func (c *Config) finish(poll, sources, fingerprints, anchor string, getenv func(string) string) error {
	var errs []error
	d, err := time.ParseDuration(poll)
	if err != nil || d < time.Second {
		errs = append(errs, fmt.Errorf("VAULTBOOT_SYNC_POLL %q must be a duration of at least 1s, such as 30s", poll))
	}
	c.Poll = d
	if err := vaultclient.CheckAddress(c.VaultAddr); err != nil {
		errs = append(errs, fmt.Errorf("VAULT_ADDR: %w", err))
	}
	if _, err := naming.ParseCASyncDocumentPath(c.Document, c.Role); err != nil {
		errs = append(errs, fmt.Errorf("VAULTBOOT_SYNC_DOCUMENT and VAULTBOOT_SYNC_ROLE: %w", err))
	}
	if err := naming.ValidateMount(c.AuthMount); err != nil {
		errs = append(errs, fmt.Errorf("VAULTBOOT_SYNC_AUTH_MOUNT: %w", err))
	}
	if c.LeaseNamespace == "" {
		c.LeaseNamespace = inClusterNamespace()
	}
	if c.Identity == "" {
		c.Identity, _ = os.Hostname()
	}
	trust, err := ParseTrust(sources, fingerprints, anchor)
	if err != nil {
		errs = append(errs, err)
	}
	c.Trust = trust
	return errors.Join(errs...)
}

// inClusterNamespace is the pod's namespace, "" outside a cluster.
func inClusterNamespace() string {
	b, err := os.ReadFile("/var/run/secrets/kubernetes.io/serviceaccount/namespace")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
