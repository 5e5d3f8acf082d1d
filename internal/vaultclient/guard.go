package vaultclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// StampKey is the key of the environment name in the stamp's data.
const StampKey = naming.StampEnvironmentKey

// Stamp is an environment stamp found in Vault.
type Stamp struct {
	Path        string // KV v2 data API path it was read from
	Environment string
	Data        map[string]any
}

// Stamps are the stamps found at the stamp's fixed location and at every
// place v1 could have written one, in that order.
type Stamps []Stamp

// Current is the stamp at the fixed location, if any.
func (s Stamps) Current(env naming.Env) (Stamp, bool) {
	for _, st := range s {
		if st.Path == env.StampDataPath() {
			return st, true
		}
	}
	return Stamp{}, false
}

// ReadStamps reads the stamp at its fixed location and at the v1 locations,
// concurrently. A location without a stamp (or without a mount) is left out.
func (c *Client) ReadStamps(ctx context.Context) (Stamps, error) {
	paths := append([]string{c.env.StampDataPath()}, c.env.LegacyStampDataPaths()...)
	found := make([]*Stamp, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data, ok, err := c.ReadKVData(ctx, p)
			if err != nil {
				errs[i] = fmt.Errorf("reading the environment stamp: %w", err)
				return
			}
			if env := AsString(data[StampKey]); ok && env != "" {
				found[i] = &Stamp{Path: p, Environment: env, Data: data}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out Stamps
	for _, s := range found {
		if s != nil {
			out = append(out, *s)
		}
	}
	return out, nil
}

// Verdict is the guard's decision on a set of stamps: an error when any
// stamp names another environment, else a warning when the fixed location
// holds no stamp of this environment.
func (c *Client) Verdict(stamps Stamps) (warning string, err error) {
	want := c.env.Name()
	for _, s := range stamps {
		if s.Environment != want {
			return "", &EnvironmentMismatchError{Address: c.Address(), Stamped: s.Environment, Path: s.Path, Configured: want, Others: stamps.environmentsBut(s.Environment)}
		}
	}
	if _, ok := stamps.Current(c.env); ok {
		return "", nil
	}
	if len(stamps) > 0 {
		return fmt.Sprintf("The Vault at %s is stamped environment %q at %s, where vaultboot v1 kept the stamp; the stamp now lives at %s, where no provider setting can move it. Apply a vaultboot_environment resource to move it.", c.Address(), want, stamps[0].Path, c.env.StampDataPath()), nil
	}
	return fmt.Sprintf("The Vault at %s has no environment stamp at %s, so vaultboot cannot check that it belongs to environment %q. Add a vaultboot_environment resource to stamp it.", c.Address(), c.env.StampDataPath(), want), nil
}

func (s Stamps) environmentsBut(env string) []string {
	var out []string
	for _, st := range s {
		if st.Environment != env && !slices.Contains(out, st.Environment) {
			out = append(out, st.Environment)
		}
	}
	return out
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
// change. A Vault stamped with another environment, anywhere a stamp can be,
// is an error for every caller; a Vault without a stamp is a warning
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
	stamps, err := c.ReadStamps(ctx)
	if err != nil {
		return guardResult{err: err}
	}
	warning, err := c.Verdict(stamps)
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
	if errors.As(err, &mismatch) || errors.As(err, &unsupported) {
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
	// Others are further environments other stamps of this Vault name.
	Others []string
}

func (e *EnvironmentMismatchError) Error() string {
	at := ""
	if e.Path != "" {
		at = " at " + e.Path
	}
	msg := fmt.Sprintf("the Vault at %s is stamped environment %q%s but this provider is configured for environment %q; refusing to touch it. Check the provider's address and environment", e.Address, e.Stamped, at, e.Configured)
	if len(e.Others) > 0 {
		msg += fmt.Sprintf(". Other stamps of this Vault name %s: a Vault must carry exactly one stamp, so remove the wrong one", strings.Join(quoted(e.Others), ", "))
	}
	return msg
}

func quoted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
