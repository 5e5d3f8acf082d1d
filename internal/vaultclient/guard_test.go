package vaultclient

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/hashicorp/vault/api"
)

// Only answers no retry would change are kept for the run.
func TestDefiniteAnswer(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	ok := context.Background()
	status := func(code int) error {
		return newError("read", "vaultboot/data/environment", &api.ResponseError{StatusCode: code})
	}
	cases := []struct {
		name string
		ctx  context.Context
		err  error
		want bool
	}{
		{"stamps read", ok, nil, true},
		{"mismatch", ok, fmt.Errorf("x: %w", &EnvironmentMismatchError{}), true},
		{"no namespaces", ok, &NamespaceUnsupportedError{}, true},
		{"bad token", ok, status(403), true},
		{"sealed", ok, status(503), false},
		{"no leader", ok, status(500), false},
		{"unreachable", ok, newError("read", "p", syscall.ECONNREFUSED), false},
		{"cancelled", cancelled, status(403), false},
		{"cancelled cause", ok, newError("read", "p", context.Canceled), false},
	}
	for _, c := range cases {
		if got := definiteAnswer(c.ctx, c.err); got != c.want {
			t.Errorf("%s: definite = %v, want %v", c.name, got, c.want)
		}
	}
	if definiteAnswer(ok, errors.New("plain")) {
		t.Error("an error without a Vault status was kept")
	}
}

func TestSupportsNamespaces(t *testing.T) {
	for v, want := range map[string]bool{
		"1.13.0": false, "1.15.2": false, "1.13.0+ent": true, "1.16.1+ent.hsm": true,
		"2.3.1": true, "2.4.0": true, "3.0.0": true, "v2.0.0": false, "2.2.9": false, "": false, "garbage": false,
	} {
		if got := supportsNamespaces(v); got != want {
			t.Errorf("%q: %v, want %v", v, got, want)
		}
	}
}
