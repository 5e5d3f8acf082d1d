package testharness

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// sharedKube is the package's API server, started by the first SharedKube
// call (most packages never need one) and stopped by Main.
var sharedKube struct {
	once sync.Once
	kube *Kube
	err  error
}

// SharedKube returns the package's API server, starting it on first use.
// Without TF_ACC it skips the test, as Shared does.
func SharedKube(t testing.TB) *Kube {
	t.Helper()
	skipWithoutAcc(t)
	sharedKube.once.Do(func() { sharedKube.kube, sharedKube.err = StartKube() })
	if sharedKube.err != nil {
		t.Fatalf("testharness: %v", sharedKube.err)
	}
	return sharedKube.kube
}

// stopSharedKube ends the package's API server if one was started.
func stopSharedKube() {
	if sharedKube.kube != nil {
		sharedKube.kube.Stop()
	}
}

// EnsureNamespace creates namespace name with labels unless it exists.
func (k *Kube) EnsureNamespace(t testing.TB, name string, labels map[string]string) *corev1.Namespace {
	t.Helper()
	ns, err := k.Client.CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		ns, err = k.Client.CoreV1().Namespaces().Get(context.Background(), name, metav1.GetOptions{})
	}
	if err != nil {
		t.Fatalf("namespace %s: %v", name, err)
	}
	return ns
}

// EnsureServiceAccount creates namespace/name (and its namespace) unless it
// exists; there is no controller manager to make a "default" one.
func (k *Kube) EnsureServiceAccount(t testing.TB, namespace, name string) *corev1.ServiceAccount {
	t.Helper()
	k.EnsureNamespace(t, namespace, nil)
	sas := k.Client.CoreV1().ServiceAccounts(namespace)
	sa, err := sas.Create(context.Background(), &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		sa, err = sas.Get(context.Background(), name, metav1.GetOptions{})
	}
	if err != nil {
		t.Fatalf("service account %s/%s: %v", namespace, name, err)
	}
	return sa
}

// DeleteServiceAccount deletes namespace/name; tokens issued for it stop
// authenticating at once.
func (k *Kube) DeleteServiceAccount(t testing.TB, namespace, name string) {
	t.Helper()
	if err := k.Client.CoreV1().ServiceAccounts(namespace).Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete service account %s/%s: %v", namespace, name, err)
	}
}

// ServiceAccountToken returns a token for namespace/name from the
// TokenRequest API (creating the account if needed), valid for an hour, with
// the API server's own audience: what a projected volume would hold.
func (k *Kube) ServiceAccountToken(t testing.TB, namespace, name string) string {
	t.Helper()
	return k.serviceAccountToken(t, namespace, name, time.Hour)
}

func (k *Kube) serviceAccountToken(t testing.TB, namespace, name string, ttl time.Duration) string {
	t.Helper()
	k.EnsureServiceAccount(t, namespace, name)
	seconds := int64(ttl / time.Second)
	tr, err := k.Client.CoreV1().ServiceAccounts(namespace).CreateToken(context.Background(), name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &seconds}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("TokenRequest for %s/%s: %v", namespace, name, err)
	}
	return tr.Status.Token
}

// ExpiredServiceAccountToken returns a token for an existing account that is
// exactly what the API server would have issued an hour ago for ten minutes:
// its claims and key id, signed with the cluster's service-account key. The
// TokenRequest API refuses lifetimes under ten minutes, so waiting for a
// real one to expire would cost every run ten minutes.
func (k *Kube) ExpiredServiceAccountToken(t testing.TB, namespace, name string) string {
	t.Helper()
	sa := k.EnsureServiceAccount(t, namespace, name)
	block, _ := pem.Decode(k.saKey)
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatalf("service-account key: %v", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatalf("service-account public key: %v", err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: keyID(pubDER)}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatalf("signer: %v", err)
	}
	issued := time.Now().Add(-time.Hour)
	token, err := signJWT(signer, map[string]any{
		"iss": k.Issuer, "aud": []string{k.Issuer}, "sub": "system:serviceaccount:" + namespace + ":" + name,
		"iat": issued.Unix(), "nbf": issued.Unix(), "exp": issued.Add(10 * time.Minute).Unix(),
		"kubernetes.io": map[string]any{"namespace": namespace, "serviceaccount": map[string]any{"name": name, "uid": string(sa.UID)}},
	})
	if err != nil {
		t.Fatalf("sign expired token: %v", err)
	}
	return token
}

// ReviewToken asks the API server itself whether token authenticates, and
// returns its verdict and error text.
func (k *Kube) ReviewToken(t testing.TB, token string) (bool, string) {
	t.Helper()
	tr, err := k.Client.AuthenticationV1().TokenReviews().Create(context.Background(),
		&authenticationv1.TokenReview{Spec: authenticationv1.TokenReviewSpec{Token: token}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("TokenReview: %v", err)
	}
	return tr.Status.Authenticated, tr.Status.Error
}

// TokenReviews returns how many TokenReviews the API server has answered
// (apiserver_request_total), so a test can show Vault really asked it.
func (k *Kube) TokenReviews(t testing.TB) int {
	t.Helper()
	body, err := getBody(k.httpClient(), k.URL+"/metrics")
	if err != nil {
		t.Fatalf("kube-apiserver /metrics: %v", err)
	}
	total := 0
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "apiserver_request_total{") && strings.Contains(line, `resource="tokenreviews"`) {
			var n float64
			if _, err := fmt.Sscan(line[strings.LastIndexByte(line, ' ')+1:], &n); err == nil {
				total += int(n)
			}
		}
	}
	return total
}

// reviewerNamespace / reviewerName are the service account Vault reviews
// tokens as, bound to system:auth-delegator as a real cluster's would be.
const (
	reviewerNamespace = "kube-system"
	reviewerName      = "vault-token-reviewer"
)

// ReviewerToken returns a day-long token of the reviewer account, creating
// it and its binding the first time.
func (k *Kube) ReviewerToken(t testing.TB) string {
	t.Helper()
	k.reviewer.once.Do(func() {
		k.EnsureServiceAccount(t, reviewerNamespace, reviewerName)
		_, err := k.Client.RbacV1().ClusterRoleBindings().Create(context.Background(), &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: reviewerName},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "system:auth-delegator"},
			Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: reviewerNamespace, Name: reviewerName}},
		}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			k.reviewer.err = fmt.Errorf("bind %s to system:auth-delegator: %w", reviewerName, err)
			return
		}
		k.reviewer.token = k.serviceAccountToken(t, reviewerNamespace, reviewerName, 24*time.Hour)
	})
	if k.reviewer.err != nil || k.reviewer.token == "" {
		t.Fatalf("reviewer token: %v (a failed first attempt is not retried)", k.reviewer.err)
	}
	return k.reviewer.token
}

// ConfigureKubernetesAuth enables auth/<mount> (type kubernetes) if needed and
// points it at the API server k with the reviewer's token.
// disable_local_ca_jwt stops Vault looking for an in-cluster service-account
// file, which then makes kubernetes_ca_cert mandatory.
func (v *Vault) ConfigureKubernetesAuth(t testing.TB, mount string, k *Kube) {
	t.Helper()
	v.EnableAuth(t, mount, "kubernetes")
	v.Write(t, naming.AuthConfigPath(mount), map[string]any{
		"kubernetes_host":      k.URL,
		"kubernetes_ca_cert":   k.CACertPEM,
		"token_reviewer_jwt":   k.ReviewerToken(t),
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
