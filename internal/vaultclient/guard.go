package vaultclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// StampKey is the key of the environment name in the stamp's data.
const StampKey = naming.StampEnvironmentKey

// Stamp is the environment stamp found in Vault.
type Stamp struct {
	Environment string
	Data        map[string]any
}

// ReadStamp reads the environment stamp at its fixed location. found is
// false when there is none (or no stamp mount).
func (c *Client) ReadStamp(ctx context.Context) (st Stamp, found bool, err error) {
	data, ok, err := c.ReadKVData(ctx, c.env.StampDataPath())
	if err != nil {
		return Stamp{}, false, fmt.Errorf("reading the environment stamp: %w", err)
	}
	env := AsString(data[StampKey])
	if !ok || env == "" {
		return Stamp{}, false, nil
	}
	return Stamp{Environment: env, Data: data}, true, nil
}

// Verdict is the guard's decision on the stamp: an error when it names
// another environment, a warning when there is none.
func (c *Client) Verdict(st Stamp, found bool) (warning string, err error) {
	want := c.env.Name()
	if !found {
		return fmt.Sprintf("The Vault at %s has no environment stamp at %s, so vaultboot cannot check that it belongs to environment %q. Add a vaultboot_environment resource to stamp it.", c.Address(), c.env.StampDataPath(), want), nil
	}
	if st.Environment != want {
		return "", &EnvironmentMismatchError{Address: c.Address(), Stamped: st.Environment, Path: c.env.StampDataPath(), Configured: want}
	}
	return "", nil
}

// guard holds the environment guard's answer for one provider run. Only a
// definite answer is kept (a stamp read, or Vault refusing the token):
// a cancelled context or Vault staying unreachable through the retry window
// is returned to the callers waiting for that check and tried again by the
// next one. Concurrent callers share one check.
type guard struct {
	mu       sync.Mutex
	inflight chan struct{}
	last     guardResult
	definite bool
	warned   bool
}

type guardResult struct {
	warning string
	err     error
}

// CheckEnvironment is the environment guard. Every resource
// calls it before its first write, and at plan time whenever it plans a
// change. A Vault stamped with another environment is an error for every caller; a Vault without a stamp is a warning
// returned to one caller only, so a plan shows it once.
func (c *Client) CheckEnvironment(ctx context.Context) (warning string, err error) {
	g := &c.guard
	for {
		g.mu.Lock()
		if g.definite {
			res := g.last
			first := !g.warned
			g.warned = true
			g.mu.Unlock()
			if first {
				return res.warning, res.err
			}
			return "", res.err
		}
		if wait := g.inflight; wait != nil {
			g.mu.Unlock()
			select {
			case <-wait:
			case <-ctx.Done():
				return "", fmt.Errorf("checking the environment stamp: %w", ctx.Err())
			}
			g.mu.Lock()
			res, definite := g.last, g.definite
			g.mu.Unlock()
			// A check cut short by its caller's context says nothing about
			// Vault: check again with this caller's.
			if definite || errors.Is(res.err, context.Canceled) || errors.Is(res.err, context.DeadlineExceeded) {
				continue
			}
			return "", res.err
		}
		done := make(chan struct{})
		g.inflight = done
		g.mu.Unlock()

		res := c.checkStamps(ctx)
		definite := definiteAnswer(ctx, res.err)
		g.mu.Lock()
		g.last, g.definite, g.inflight = res, definite, nil
		close(done)
		g.mu.Unlock()
		if !definite {
			return res.warning, res.err
		}
	}
}

func (c *Client) checkStamps(ctx context.Context) guardResult {
	if err := c.checkNamespaceSupport(ctx); err != nil {
		return guardResult{err: err}
	}
	st, found, err := c.ReadStamp(ctx)
	if err != nil {
		return guardResult{err: err}
	}
	warning, err := c.Verdict(st, found)
	verdict := "pass"
	switch {
	case err != nil:
		verdict = "refuse: stamped with another environment"
	case warning != "":
		verdict = "warn: no stamp"
	}
	tflog.Debug(ctx, "environment guard", map[string]any{
		"address": c.Address(), "stamp_path": c.env.StampDataPath(), "stamped": st.Environment,
		"configured": c.env.Name(), "verdict": verdict,
	})
	return guardResult{warning: warning, err: err}
}

// definiteAnswer: the stamps were read, or Vault answered with a status no
// retry changes (a 403 for a bad or expired token, a 400). Connection
// failures, 5xx and a cancelled context may pass.
func definiteAnswer(ctx context.Context, err error) bool {
	if err == nil {
		return true
	}
	var mismatch *EnvironmentMismatchError
	var unsupported *NamespaceUnsupportedError
	var old *UnsupportedVersionError
	if errors.As(err, &mismatch) || errors.As(err, &unsupported) || errors.As(err, &old) {
		return true
	}
	if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	status := StatusOf(err)
	return status >= http.StatusBadRequest && status < http.StatusInternalServerError && !retryable(err)
}

// EnvironmentMismatchError means the provider points at another
// environment's Vault: nothing may be changed there.
type EnvironmentMismatchError struct {
	Address    string
	Stamped    string
	Path       string
	Configured string
}

func (e *EnvironmentMismatchError) Error() string {
	at := ""
	if e.Path != "" {
		at = " at " + e.Path
	}
	return fmt.Sprintf("the Vault at %s is stamped environment %q%s but this provider is configured for environment %q; refusing to touch it. Check the provider's address and environment", e.Address, e.Stamped, at, e.Configured)
}
