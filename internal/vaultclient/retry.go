package vaultclient

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Backoff bounds: the first wait and the cap of any single wait.
const (
	firstWait = 200 * time.Millisecond
	maxWait   = 5 * time.Second
)

// retryable reports whether a failure is the kind Vault maintenance causes
// (leader changes, seals, upgrades) and so worth another try (SPEC §3).
func retryable(err error) bool {
	switch StatusOf(err) {
	case http.StatusPreconditionFailed, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
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

// do runs one Vault request, retrying retryable failures with exponential
// backoff and full jitter until the retry window closes. Anything else fails
// at once with Vault's message.
func (c *Client) do(ctx context.Context, op, path string, call func(ctx context.Context) error) error {
	start := time.Now()
	deadline := start.Add(c.retryTimeout)
	wait := firstWait
	for attempt := 1; ; attempt++ {
		c.requests.Add(1)
		err := call(ctx)
		if err == nil {
			return nil
		}
		verr := newError(op, path, err)
		if !retryable(err) || ctx.Err() != nil {
			return verr
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			verr.Retried = time.Since(start)
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
