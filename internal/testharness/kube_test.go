package testharness_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

func TestKubeAPIServer(t *testing.T) {
	k := testharness.SharedKube(t)
	info, err := k.Client.Discovery().ServerVersion()
	if err != nil || info.GitVersion != "v1.37.2" {
		t.Fatalf("server version = %+v, %v; want v1.37.2", info, err)
	}
	k.EnsureNamespace(t, "harness-ns", map[string]string{"team": "a"})
	ns, err := k.Client.CoreV1().Namespaces().Get(context.Background(), "harness-ns", metav1.GetOptions{})
	if err != nil || ns.Labels["team"] != "a" {
		t.Fatalf("namespace read back: %+v, %v", ns, err)
	}
	token := k.ServiceAccountToken(t, "harness-ns", "app")
	if ok, msg := k.ReviewToken(t, token); !ok {
		t.Fatalf("a TokenRequest token does not authenticate: %s", msg)
	}
	// RBAC is on: a service account without bindings may not list namespaces.
	if _, err := testharness.ClientFor(t, k, token).CoreV1().Namespaces().List(context.Background(), metav1.ListOptions{}); err == nil || !strings.Contains(err.Error(), "forbidden") {
		t.Fatalf("unbound service account listing namespaces: %v", err)
	}
}

// TestKubernetesLogin logs in to Vault through auth/kubernetes with tokens
// the real API server issued, and shows each refusal comes from the side
// that owns it: Vault refuses a wrong namespace or account, the API server an
// expired token or one of a deleted account.
func TestKubernetesLogin(t *testing.T) {
	v, k := testharness.Shared(t), testharness.SharedKube(t)
	v.ConfigureKubernetesAuth(t, "kubernetes-h", k)
	v.Write(t, "sys/policies/acl/payments-h", map[string]any{"policy": `path "secret/data/payments/*" { capabilities = ["read"] }`})
	v.Write(t, "auth/kubernetes-h/role/payments", map[string]any{
		"bound_service_account_names":      "payments",
		"bound_service_account_namespaces": "payments",
		"token_policies":                   "payments-h",
	})

	reviews := k.TokenReviews(t)
	token, err := v.LoginKubernetes("kubernetes-h", "payments", k.ServiceAccountToken(t, "payments", "payments"))
	if err != nil {
		t.Fatalf("login as payments/payments: %v", err)
	}
	if k.TokenReviews(t) == reviews {
		t.Fatal("Vault logged in without asking the API server for a TokenReview")
	}
	if caps := v.Capabilities(t, token, "secret/data/payments/db"); !slices.Contains(caps, "read") {
		t.Fatalf("own path capabilities = %v", caps)
	}
	if caps := v.Capabilities(t, token, "secret/data/orders/db"); !slices.Equal(caps, []string{"deny"}) {
		t.Fatalf("other app's path capabilities = %v", caps)
	}

	refusals := []struct{ name, ns, sa, want string }{
		{"wrong namespace", "orders", "payments", "namespace not authorized"},
		{"wrong service account", "payments", "orders", "service account name not authorized"},
	}
	for _, r := range refusals {
		_, err := v.LoginKubernetes("kubernetes-h", "payments", k.ServiceAccountToken(t, r.ns, r.sa))
		if err == nil || !strings.Contains(err.Error(), r.want) {
			t.Fatalf("%s (%s/%s): %v; want %q", r.name, r.ns, r.sa, err, r.want)
		}
		t.Logf("%s refused by Vault: %v", r.name, err)
	}

	expired := k.ExpiredServiceAccountToken(t, "payments", "payments")
	if ok, msg := k.ReviewToken(t, expired); ok || !strings.Contains(msg, "expired") {
		t.Fatalf("API server on an expired token: authenticated=%v %q", ok, msg)
	}
	if _, err := v.LoginKubernetes("kubernetes-h", "payments", expired); err == nil {
		t.Fatal("an expired token logged in")
	} else {
		t.Logf("expired token refused: %v", err)
	}

	doomed := k.ServiceAccountToken(t, "payments", "payments-doomed")
	v.Write(t, "auth/kubernetes-h/role/doomed", map[string]any{
		"bound_service_account_names": "payments-doomed", "bound_service_account_namespaces": "payments", "token_policies": "payments-h",
	})
	if _, err := v.LoginKubernetes("kubernetes-h", "doomed", doomed); err != nil {
		t.Fatalf("login before the account is deleted: %v", err)
	}
	k.DeleteServiceAccount(t, "payments", "payments-doomed")
	// The API server checks the account in its informer cache, which learns
	// of the deletion through a watch: poll for it, bounded.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, msg := k.ReviewToken(t, doomed)
		if !ok {
			t.Logf("API server on the deleted account's token: %s", msg)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("API server still authenticates a deleted account's token after 10s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := v.LoginKubernetes("kubernetes-h", "doomed", doomed); err == nil {
		t.Fatal("a deleted account's token logged in")
	} else {
		t.Logf("deleted account's token refused: %v", err)
	}
}
