package testharness

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// kubeIssuer is the iss of the test cluster's service-account tokens.
const kubeIssuer = "https://kubernetes.default.svc.cluster.local"

// Kube is a running kube-apiserver v1.37.2 on its own etcd, with an admin
// client. There is no controller manager: tests create the namespaces and
// service accounts they need, and a deleted namespace stays Terminating.
type Kube struct {
	URL        string // https://127.0.0.1:PORT, for kubernetes_host
	CACertPEM  string // the CA of its serving certificate, for kubernetes_ca_cert
	AdminToken string // a static token of a system:masters member
	Issuer     string // iss of its service-account tokens
	Client     kubernetes.Interface

	etcd     *etcdServer
	proc     *process
	saKey    []byte // the service-account signing key, PEM, to mint expired tokens
	reviewer reviewer
}

// reviewer is the service account Vault's auth/kubernetes reviews tokens as,
// made once per server.
type reviewer struct {
	once  sync.Once
	token string
	err   error
}

// StartKube starts etcd and an API server, each on free loopback ports in
// directories of their own, and waits until /readyz answers ok (which
// includes the RBAC bootstrap roles). Stop ends both.
func StartKube() (*Kube, error) {
	etcdBin, err := EnsureEtcd()
	if err != nil {
		return nil, fmt.Errorf("etcd: %w", err)
	}
	apiBin, err := EnsureKubeAPIServer()
	if err != nil {
		return nil, fmt.Errorf("kube-apiserver: %w", err)
	}
	e, err := startEtcd(etcdBin)
	if err != nil {
		return nil, fmt.Errorf("start etcd: %w", err)
	}
	for attempt := 1; ; attempt++ {
		k, err := startAPIServer(apiBin, e)
		if err == nil {
			return k, nil
		}
		if !errors.Is(err, errPortTaken) || attempt == 3 {
			e.proc.stop()
			return nil, fmt.Errorf("start kube-apiserver: %w", err)
		}
	}
}

// Stop ends the API server and its etcd; it is safe to call more than once.
func (k *Kube) Stop() {
	k.proc.stop()
	k.etcd.proc.stop()
}

// LogTail returns the end of the API server's log, for failed tests.
func (k *Kube) LogTail() string {
	return k.proc.logTail()
}

func startAPIServer(bin string, e *etcdServer) (*Kube, error) {
	dir, err := os.MkdirTemp("", "vaultboot-kube-*")
	if err != nil {
		return nil, err
	}
	k, args, err := apiServerConfig(dir)
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	k.etcd = e
	args = append(args, "--etcd-servers="+e.URL)
	if k.proc, err = spawnLogged(bin, dir, "kube-apiserver.log", []string{"PATH=" + os.Getenv("PATH"), "TMPDIR=" + dir}, args); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	if err := waitHTTP(k.proc, "kube-apiserver", k.URL+"/readyz", k.httpClient(), func(body string) bool { return body == "ok" }); err != nil {
		k.proc.stop()
		return nil, err
	}
	if k.Client, err = kubernetes.NewForConfig(k.RESTConfig(k.AdminToken)); err != nil {
		k.proc.stop()
		return nil, err
	}
	return k, nil
}

// apiServerConfig writes the key material and the static token file into
// dir and returns the server's description and flags (all but etcd's URL).
func apiServerConfig(dir string) (*Kube, []string, error) {
	pki, err := writeKubePKI(dir)
	if err != nil {
		return nil, nil, err
	}
	ports, err := freePorts(1)
	if err != nil {
		return nil, nil, err
	}
	k := &Kube{
		URL: fmt.Sprintf("https://127.0.0.1:%d", ports[0]), CACertPEM: pki.caPEM,
		AdminToken: randomHex(24), Issuer: kubeIssuer,
		saKey: pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(pki.saKey)),
	}
	tokens := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(k.AdminToken+`,vaultboot-admin,vaultboot-admin,"system:masters"`+"\n"), 0o600); err != nil {
		return nil, nil, err
	}
	args := []string{
		fmt.Sprintf("--secure-port=%d", ports[0]), "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		// No kube-controller-manager runs, and the service IP is not routable on loopback.
		"--endpoint-reconciler-type=none", "--service-cluster-ip-range=10.0.0.0/24",
		"--cert-dir=" + filepath.Join(dir, "certs"), "--tls-cert-file=" + pki.certFile, "--tls-private-key-file=" + pki.keyFile,
		"--service-account-issuer=" + kubeIssuer, "--service-account-key-file=" + pki.saPubFile,
		"--service-account-signing-key-file=" + pki.saKeyFile,
		"--authorization-mode=RBAC", "--token-auth-file=" + tokens,
	}
	return k, args, nil
}

// RESTConfig returns a client-go configuration that trusts the server's CA
// and authenticates with a bearer token.
func (k *Kube) RESTConfig(token string) *rest.Config {
	return &rest.Config{
		Host: k.URL, BearerToken: token,
		TLSClientConfig: rest.TLSClientConfig{CAData: []byte(k.CACertPEM)},
		QPS:             200, Burst: 400, Timeout: 30 * time.Second,
	}
}

// Kubeconfig writes a kubeconfig file into dir for a client that presents
// token, as a program outside the cluster (kubectl, the CA syncer) reads it.
func (k *Kube) Kubeconfig(dir, token string) (string, error) {
	path := filepath.Join(dir, "kubeconfig")
	caFile := filepath.Join(dir, "kube-ca.pem")
	if err := os.WriteFile(caFile, []byte(k.CACertPEM), 0o600); err != nil {
		return "", err
	}
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {server: %q, certificate-authority: %q}
users:
- name: test
  user: {token: %q}
contexts:
- name: test
  context: {cluster: test, user: test}
current-context: test
`, k.URL, caFile, token)
	return path, os.WriteFile(path, []byte(cfg), 0o600)
}

// httpClient is a raw client for the admin, for /readyz and /metrics.
func (k *Kube) httpClient() *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(k.CACertPEM))
	return &http.Client{Timeout: 5 * time.Second, Transport: bearer{
		token: k.AdminToken,
		next:  &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}}
}

// bearer adds an Authorization header to every request.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

// getBody GETs url and returns the body of a 200 answer, else an error with
// the status and the body.
func getBody(client *http.Client, url string) (string, error) {
	resp, err := client.Get(url)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %s", resp.Status, tail(body))
	}
	return string(body), nil
}

// ClientFor returns a client of k that authenticates with token, to act as
// the service account it belongs to.
func ClientFor(t testing.TB, k *Kube, token string) kubernetes.Interface {
	t.Helper()
	c, err := kubernetes.NewForConfig(k.RESTConfig(token))
	if err != nil {
		t.Fatalf("kubernetes client: %v", err)
	}
	return c
}
