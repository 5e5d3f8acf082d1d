package testharness

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// TokenReviewServer stands in for the Kubernetes API that auth/kubernetes asks
// to review a service-account token. It is a TLS server the test
// controls: it authenticates exactly the tokens it issued, so a test can log
// in as any app's service account and prove what that account may read.
type TokenReviewServer struct {
	URL       string // https://127.0.0.1:PORT, for kubernetes_host
	CACertPEM string // its certificate, for kubernetes_ca_cert

	signer   jose.Signer
	mu       sync.Mutex
	issued   map[string]serviceAccount
	requests int
}

// serviceAccount is the identity a stand-in token belongs to.
type serviceAccount struct {
	namespace, name, uid string
}

func (sa serviceAccount) username() string {
	return "system:serviceaccount:" + sa.namespace + ":" + sa.name
}

// NewTokenReviewServer starts the stand-in; t.Cleanup closes it.
func NewTokenReviewServer(t testing.TB) *TokenReviewServer {
	t.Helper()
	s := &TokenReviewServer{issued: map[string]serviceAccount{}}
	s.signer, _ = newRS256Signer(t)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /apis/authentication.k8s.io/v1/tokenreviews", s.review)
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	s.CACertPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	return s
}

// Requests returns how many token reviews the server answered, so a test can
// show Vault really asked it.
func (s *TokenReviewServer) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// ServiceAccountToken issues a token for namespace/name with the claims Vault
// reads before the review. Vault checks no signature when auth/kubernetes has
// no pem_keys, so the throwaway key only makes it a well-formed JWT.
func (s *TokenReviewServer) ServiceAccountToken(namespace, name string) string {
	sa := serviceAccount{namespace: namespace, name: name, uid: randomHex(16)}
	token, err := signJWT(s.signer, map[string]any{
		"iss":                                    "kubernetes/serviceaccount",
		"sub":                                    sa.username(),
		"kubernetes.io/serviceaccount/namespace": sa.namespace,
		"kubernetes.io/serviceaccount/service-account.name": sa.name,
		"kubernetes.io/serviceaccount/service-account.uid":  sa.uid,
	})
	if err != nil {
		panic(fmt.Sprintf("testharness: sign service-account token: %v", err)) // RSA signing of JSON cannot fail
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issued[token] = sa
	return token
}

// tokenReview is the subset of authentication.k8s.io/v1 TokenReview that
// Vault sends and reads.
type tokenReview struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		Token     string   `json:"token"`
		Audiences []string `json:"audiences,omitempty"`
	} `json:"spec"`
	Status struct {
		Authenticated bool `json:"authenticated"`
		User          struct {
			Username string `json:"username,omitempty"`
			UID      string `json:"uid,omitempty"`
		} `json:"user"`
		Audiences []string `json:"audiences,omitempty"`
	} `json:"status"`
}

// review answers like the Kubernetes API: 201 Created with the verdict in
// status; unknown tokens get authenticated=false.
func (s *TokenReviewServer) review(w http.ResponseWriter, r *http.Request) {
	var tr tokenReview
	if err := json.NewDecoder(r.Body).Decode(&tr); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.requests++
	sa, ok := s.issued[tr.Spec.Token]
	s.mu.Unlock()
	tr.APIVersion, tr.Kind = "authentication.k8s.io/v1", "TokenReview"
	if ok {
		tr.Status.Authenticated = true
		tr.Status.User.Username, tr.Status.User.UID = sa.username(), sa.uid
		tr.Status.Audiences = tr.Spec.Audiences
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(tr) // a failed write shows up as Vault's login error
}

// ConfigureKubernetesAuth enables auth/<mount> (type kubernetes) if needed and
// points it at s. disable_local_ca_jwt stops Vault looking for an in-cluster
// service-account file, which then makes kubernetes_ca_cert mandatory.
func (v *Vault) ConfigureKubernetesAuth(t testing.TB, mount string, s *TokenReviewServer) {
	t.Helper()
	v.EnableAuth(t, mount, "kubernetes")
	v.Write(t, naming.AuthConfigPath(mount), map[string]any{
		"kubernetes_host":      s.URL,
		"kubernetes_ca_cert":   s.CACertPEM,
		"disable_local_ca_jwt": true,
	})
}

// LoginKubernetes logs in at auth/<mount>/login as the service account of jwt
// and returns the client token. Failures are returned, not fatal, because
// tests assert refusals such as "namespace not authorized".
func (v *Vault) LoginKubernetes(mount, role, jwt string) (string, error) {
	secret, err := v.login(mount, map[string]any{"role": role, "jwt": jwt})
	if err != nil {
		return "", err
	}
	return secret.Auth.ClientToken, nil
}
