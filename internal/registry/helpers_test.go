package registry_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// release is a signed snapshot built by scripts/release.sh, and the keyring
// that signed it (kept so a test can sign a forged checksum file with the
// very same key).
type release struct {
	dist        string
	version     string
	gnupgHome   string
	fingerprint string
	publicKey   []byte
}

// buildRelease runs the release pipeline as make release-local does, for
// this machine's os/arch only (the six-platform build is make release-local's
// job; one platform keeps make test quick).
func buildRelease(t *testing.T, version string) release {
	t.Helper()
	root, err := testharness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	rel := release{dist: filepath.Join(t.TempDir(), "dist"), gnupgHome: gnupgHome(t)}
	cmd := exec.Command(filepath.Join(root, "scripts", "release.sh"), "snapshot")
	cmd.Dir = root
	cmd.Env = append(os.Environ(),
		"VAULTBOOT_RELEASE_VERSION="+version,
		"VAULTBOOT_RELEASE_TARGETS=host",
		"VAULTBOOT_RELEASE_DIST="+rel.dist,
		"VAULTBOOT_SIGNING_HOME="+rel.gnupgHome,
	)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scripts/release.sh snapshot: %v\n%s", err, stderr.String())
	}
	rel.version = strings.TrimSpace(string(out))
	if rel.version != version {
		t.Fatalf("scripts/release.sh built version %q, want %q", rel.version, version)
	}
	rel.fingerprint = fingerprintOf(t, gpg(t, rel.gnupgHome, "--with-colons", "--list-secret-keys"))
	rel.publicKey, err = os.ReadFile(filepath.Join(rel.dist, "signing-key.asc"))
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

// gnupgHome is an empty GnuPG home whose agent is stopped when the test
// ends (before the directory is removed: cleanups run last-in first-out).
func gnupgHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Cleanup(func() {
		kill := exec.Command("gpgconf", "--kill", "all")
		kill.Env = append(os.Environ(), "GNUPGHOME="+home)
		_ = kill.Run()
	})
	return home
}

// gpg runs gpg in batch mode on the keyring in home.
func gpg(t *testing.T, home string, args ...string) string {
	t.Helper()
	cmd := exec.Command("gpg", append([]string{"--batch", "--quiet"}, args...)...)
	cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gpg %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// fingerprintOf picks the first fingerprint from gpg --with-colons output.
func fingerprintOf(t *testing.T, colons string) string {
	t.Helper()
	for _, line := range strings.Split(colons, "\n") {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" {
			return f[9]
		}
	}
	t.Fatalf("no fingerprint in gpg output:\n%s", colons)
	return ""
}

// otherKey makes an RSA key that did not sign the release and returns its
// armored public half: what a registry serving the wrong key would publish.
func otherKey(t *testing.T) []byte {
	t.Helper()
	home := gnupgHome(t)
	gpg(t, home, "--pinentry-mode", "loopback", "--passphrase", "",
		"--quick-gen-key", "someone else <other@vaultboot.invalid>", "rsa3072", "sign", "1d")
	return []byte(gpg(t, home, "--armor", "--export"))
}

// registryServer serves a static registry tree over HTTPS on loopback with a
// certificate for localhost from a CA made for the test.
type registryServer struct {
	*httptest.Server
	Host   string // localhost:PORT, the source address's host
	CAFile string // the test CA, for Terraform's SSL_CERT_FILE
}

func serveRegistry(t *testing.T, root string) *registryServer {
	t.Helper()
	caCert, caKey := newCA(t)
	leaf := newLeaf(t, caCert, caKey)
	s := &registryServer{Server: httptest.NewUnstartedServer(http.FileServer(http.Dir(root)))}
	s.TLS = &tls.Config{Certificates: []tls.Certificate{leaf}, MinVersion: tls.VersionTLS12}
	s.StartTLS()
	t.Cleanup(s.Close)
	s.Host = "localhost:" + portOf(t, s.Listener.Addr())
	s.CAFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(s.CAFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caCert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return s
}

func portOf(t *testing.T, addr net.Addr) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		t.Fatal(err)
	}
	return port
}

func newCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "vaultboot install test CA"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func newLeaf(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey) tls.Certificate {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// workdir is one Terraform working directory with its own CLI config, run
// through the harness's scrubbed runner: the only provider source Terraform
// may use is the one the config names, so nothing reaches the public
// registry, and the only CA it trusts beyond the system's is caFile.
type workdir struct {
	t   *testing.T
	dir string
	cli *testharness.CLI
	env []string
}

func newWorkdir(t *testing.T, mainTF, cliConfig, caFile string) *workdir {
	t.Helper()
	cli, err := testharness.NewCLI(os.Getenv("TF_ACC_TERRAFORM_PATH"), t.TempDir(), cliConfig)
	if err != nil {
		t.Fatal(err)
	}
	w := &workdir{t: t, dir: t.TempDir(), cli: cli}
	if caFile != "" {
		w.env = []string{"SSL_CERT_FILE=" + caFile}
	}
	writeFile(t, filepath.Join(w.dir, "main.tf"), mainTF)
	return w
}

// run runs terraform in the workdir.
func (w *workdir) run(args ...string) (string, error) {
	w.t.Helper()
	return w.cli.Run(context.Background(), w.dir, w.env, args...)
}

// must runs terraform and fails the test if it fails.
func (w *workdir) must(args ...string) string {
	w.t.Helper()
	out, err := w.run(args...)
	if err != nil {
		w.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func writeFile(t *testing.T, file, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// auditLog is a file audit device on a Vault that records each request's
// User-Agent header in clear.
type auditLog struct{ file string }

func auditUserAgents(t *testing.T, v *testharness.Vault) auditLog {
	t.Helper()
	a := auditLog{file: filepath.Join(t.TempDir(), "audit.log")}
	v.Write(t, "sys/audit/release-test", map[string]any{"type": "file", "options": map[string]any{"file_path": a.file}})
	t.Cleanup(func() { v.Delete(t, "sys/audit/release-test") })
	v.Write(t, "sys/config/auditing/request-headers/User-Agent", map[string]any{"hmac": false})
	return a
}

// userAgents returns the User-Agent of every audited write (create or
// update) of path.
func (a auditLog) userAgents(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(a.file)
	if err != nil {
		t.Fatal(err)
	}
	var agents []string
	for _, line := range bytes.Split(raw, []byte("\n")) {
		var entry struct {
			Type    string `json:"type"`
			Request struct {
				Path      string              `json:"path"`
				Operation string              `json:"operation"`
				Headers   map[string][]string `json:"headers"`
			} `json:"request"`
		}
		if len(line) == 0 || json.Unmarshal(line, &entry) != nil || entry.Type != "request" || entry.Request.Path != path {
			continue
		}
		if op := entry.Request.Operation; op != "create" && op != "update" {
			continue
		}
		agents = append(agents, strings.Join(entry.Request.Headers["user-agent"], ","))
	}
	return agents
}
