package vaultclient

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/vault/api"
)

// Backoff bounds: the first wait and the cap of any single wait.
const (
	firstWait = 200 * time.Millisecond
	maxWait   = 5 * time.Second
)

// Bounds of one attempt. A node that accepts a connection and never answers
// must not hold a request past the retry window: each attempt gets the
// window itself, clamped to these.
const (
	minAttemptTimeout = 2 * time.Second
	maxAttemptTimeout = 30 * time.Second
)

// attemptTimeout is how long one attempt may take for a retry window.
func attemptTimeout(window time.Duration) time.Duration {
	return min(max(window, minAttemptTimeout), maxAttemptTimeout)
}

// raftTransient are the Raft errors Vault passes through as a 400 when a
// write meets a leadership change on integrated storage, e.g. "failed to
// persist policy: node is not the leader". They say nothing about the
// request, and every vaultboot write is safe to repeat.
var raftTransient = []string{
	"node is not the leader", "leadership lost while committing log",
	"leadership transfer in progress", "raft is already shutdown", "timed out enqueuing operation",
}

// retryable reports whether a failure is the kind Vault maintenance causes
// (leader changes, seals, upgrades) and so worth another try.
func retryable(err error) bool {
	switch StatusOf(err) {
	case http.StatusTemporaryRedirect, // a standby that lost its active node
		http.StatusPreconditionFailed, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusBadRequest:
		var re *api.ResponseError
		return errors.As(err, &re) && slices.ContainsFunc(re.Errors, func(msg string) bool {
			return slices.ContainsFunc(raftTransient, func(t string) bool { return strings.Contains(msg, t) })
		})
	case 0:
		return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
			errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isTimeout(err)
	}
	return false
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// outage is the client's memory of Vault failing: when the current run of
// retryable failures began. All requests share it, so a Vault that stays
// down ends the whole run after one retry window instead of one window per
// request (200 resources at -parallelism=10 would otherwise wait 20 windows).
type outage struct {
	mu    sync.Mutex
	since time.Time // zero while Vault answers
	last  *Error    // the last retryable failure, for requests not tried
}

// answered records that Vault answered: the outage, if any, is over.
func (o *outage) answered() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.since, o.last = time.Time{}, nil
}

// failed records a retryable failure of an attempt sent at sent and
// returns when the outage began: with the first failed attempt, not its
// failure, since a hanging attempt fails only at its timeout.
func (o *outage) failed(e *Error, sent time.Time) time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.since.IsZero() {
		o.since = sent
	}
	o.last = e
	return o.since
}

// exhausted returns the outage's last failure when Vault has failed every
// request for longer than window; the request is then not tried at all.
func (o *outage) exhausted(window time.Duration) (*Error, time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.since.IsZero() || time.Since(o.since) <= window {
		return nil, 0
	}
	return o.last, time.Since(o.since)
}

// do runs one Vault request, retrying retryable failures with exponential
// backoff and full jitter until the retry window closes. Anything else fails
// at once with Vault's message. Each attempt is bounded by attemptTimeout, so
// a request ends at most one attempt after its window.
func (c *Client) do(ctx context.Context, op, path string, call func(ctx context.Context) error) error {
	if last, down := c.outage.exhausted(c.retryTimeout); last != nil {
		return &Error{Op: op, Path: path, Status: last.Status, Messages: last.Messages, Cause: last.Cause,
			Retried: down, Window: c.retryTimeout, NotTried: true}
	}
	start := time.Now()
	wait := firstWait
	for attempt := 1; ; attempt++ {
		sent := time.Now()
		err := c.attempt(ctx, call)
		if err == nil {
			c.outage.answered()
			return nil
		}
		verr := newError(op, path, err)
		if ctx.Err() != nil {
			return verr
		}
		if !retryable(err) {
			if verr.Status != 0 {
				c.outage.answered()
			}
			return verr
		}
		// The window ends retry_timeout after this request began or after
		// the outage began, whichever is first.
		began := c.outage.failed(verr, sent)
		if start.Before(began) {
			began = start
		}
		remaining := time.Until(began.Add(c.retryTimeout))
		if remaining <= 0 {
			verr.Retried, verr.Window = time.Since(start), c.retryTimeout
			return verr
		}
		// Full jitter, but never past the window: the last try lands on
		// its end, so a short retry_timeout is used whole.
		sleep := min(rand.N(wait)+time.Millisecond, remaining)
		tflog.Debug(ctx, "retrying Vault request", map[string]any{
			"op": op, "path": path, "attempt": attempt, "status": verr.Status, "wait": sleep.String(),
		})
		select {
		case <-ctx.Done():
			return newError(op, path, ctx.Err())
		case <-time.After(sleep):
		}
		wait = min(wait*2, maxWait)
	}
}

// attempt makes one try, bounded by the attempt timeout.
func (c *Client) attempt(ctx context.Context, call func(ctx context.Context) error) error {
	c.requests.Add(1)
	actx, cancel := context.WithTimeout(ctx, attemptTimeout(c.retryTimeout))
	defer cancel()
	return call(actx)
}
