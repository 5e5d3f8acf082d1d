package main

import (
	"fmt"
	"strings"

	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// devVault is a fresh dev server of the test harness, with the auth mounts
// both providers' configurations need.
type devVault struct {
	*testharness.Vault
	oidcAccessor string
}

// startDevVault starts a dev server and enables auth/kubernetes and
// auth/oidc. The Kubernetes mount needs no cluster config: roles can be
// written without one, and nothing logs in.
func startDevVault() (*devVault, error) {
	v, err := testharness.StartDevServer()
	if err != nil {
		return nil, err
	}
	for path, typ := range map[string]string{k8sMount: "kubernetes", oidcMount: "oidc"} {
		if err := v.Client.Sys().EnableAuthWithOptions(path, &api.EnableAuthOptions{Type: typ}); err != nil {
			v.Stop()
			return nil, fmt.Errorf("enabling auth/%s: %w", path, err)
		}
	}
	auths, err := v.Client.Sys().ListAuth()
	if err != nil {
		v.Stop()
		return nil, err
	}
	return &devVault{Vault: v, oidcAccessor: auths[oidcMount+"/"].Accessor}, nil
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

// countByKind counts a proxy's requests by the kind of object they touch,
// so requests per app per refresh can be read off.
func countByKind(p *testharness.CountingProxy) map[string]int {
	counts := map[string]int{}
	for _, r := range p.Paths() {
		_, path, _ := strings.Cut(r, " ")
		counts[requestKind(path)]++
	}
	return counts
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
