package vaultclient

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// answers keeps the definite answers of reads that do not change during a
// run (does this mount exist, of what type), so each is read once per run
// however many resources ask. A read cut short is not kept.
type answers struct {
	mu sync.Mutex
	m  map[string]answer
}

type answer struct {
	v   any
	err error
}

func (c *Client) cached(ctx context.Context, key string, read func(context.Context) (any, error)) (any, error) {
	c.answers.mu.Lock()
	a, ok := c.answers.m[key]
	c.answers.mu.Unlock()
	if ok {
		return a.v, a.err
	}
	v, err := read(ctx)
	if definiteAnswer(ctx, err) {
		c.answers.mu.Lock()
		if c.answers.m == nil {
			c.answers.m = map[string]answer{}
		}
		c.answers.m[key] = answer{v, err}
		c.answers.mu.Unlock()
	}
	return v, err
}

// MountError is a mount the conventions name that is missing or of the
// wrong type: nothing may be written through it.
type MountError struct {
	Address string
	Kind    string // "KV v2 mount", "Kubernetes auth mount"
	Mount   string
	Setting string // the provider setting naming it
	Problem string
	Fix     string
}

func (e *MountError) Error() string {
	return fmt.Sprintf("the %s %q (%s) at %s %s; %s", e.Kind, e.Mount, e.Setting, e.Address, e.Problem, e.Fix)
}

// RequireKVv2 checks, once per run, that the conventions' KV mount exists
// and is KV version 2.
func (c *Client) RequireKVv2(ctx context.Context) error {
	mount := c.env.KVMount()
	v, err := c.cached(ctx, "kv:"+mount, func(ctx context.Context) (any, error) {
		m, found, err := c.ReadSecretsMount(ctx, mount)
		if !found {
			m = nil
		}
		return m, err
	})
	if err != nil {
		return err
	}
	e := &MountError{Address: c.Address(), Kind: "KV v2 mount", Mount: mount, Setting: "conventions.kv_mount",
		Fix: fmt.Sprintf("enable a KV v2 secrets engine there (vault secrets enable -path=%s kv-v2, or a vaultboot_environment resource creates it) or set conventions.kv_mount to one", mount)}
	m, _ := v.(*SecretsMount)
	switch {
	case m == nil:
		e.Problem = "does not exist"
	case m.Type == "kv-v2" || (m.Type == "kv" && m.Version == "2"):
		return nil
	case m.Type == "kv" || m.Type == "generic":
		e.Problem, e.Fix = "is KV version 1", fmt.Sprintf("upgrade it (vault kv enable-versioning %s) or set conventions.kv_mount to a KV v2 mount", mount)
	default:
		e.Problem = fmt.Sprintf("is a %q secrets engine, not KV v2", m.Type)
	}
	return e
}

// RequireKubernetesAuth checks, once per run, that the conventions'
// Kubernetes auth mount exists. It asks sys/internal/ui/mounts, which
// answers any token with access to a path under the mount (the provider
// policy grants the role paths) without the sudo sys/auth needs; Vault
// answers 403 alike for a missing mount and one the token may not use.
func (c *Client) RequireKubernetesAuth(ctx context.Context) error {
	mount := c.env.Conventions().KubernetesAuthMount
	v, err := c.cached(ctx, "auth:"+mount, func(ctx context.Context) (any, error) {
		s, err := c.read(ctx, naming.AuthMountVisibilityPath(mount))
		if StatusOf(err) == http.StatusForbidden {
			return "", nil
		}
		if err != nil || s == nil {
			return "", err
		}
		return AsString(s.Data["type"]), nil
	})
	if err != nil {
		return err
	}
	e := &MountError{Address: c.Address(), Kind: "Kubernetes auth mount", Mount: mount, Setting: "conventions.kubernetes_auth_mount",
		Fix: fmt.Sprintf("enable it (vault auth enable -path=%s kubernetes) or set conventions.kubernetes_auth_mount to the mount your clusters log in through", mount)}
	switch typ, _ := v.(string); {
	case typ == "":
		e.Problem = "does not exist, or the token may not use it"
		e.Fix += "; the token needs the policy printed by data.vaultboot_provider_policy"
	case typ != "kubernetes":
		e.Problem = fmt.Sprintf("is of type %q, not kubernetes", typ)
	default:
		return nil
	}
	return e
}
