package vaultclient

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/vault/api"
)

// Error is a failed Vault request: what was attempted, on which path, Vault's
// own message, and what to do about it. It never carries request bodies, so
// no secret value can reach an error message.
type Error struct {
	Op       string // "read", "write", "delete", "list", "login"
	Path     string
	Status   int      // HTTP status, 0 when no answer was received
	Messages []string // Vault's own error messages
	Cause    error
	// Retried is the time spent retrying before giving up (0 if not retried).
	Retried time.Duration
	// Window is the provider's retry_timeout, set when Retried is.
	Window time.Duration
	// NotTried marks a request that was not sent because Vault had already
	// failed every request for longer than Window; Retried is then how long.
	NotTried bool
	// Hint, when set, replaces the generic advice for the status: the typed
	// call knows better what the failure means (e.g. a PKI mount without CA).
	Hint string
}

func (e *Error) Error() string {
	var b strings.Builder
	switch e.Status {
	case http.StatusForbidden:
		fmt.Fprintf(&b, "permission denied on %s (%s)", e.Path, e.Op)
	case 0:
		fmt.Fprintf(&b, "%s %s: no answer from Vault", e.Op, e.Path)
	default:
		fmt.Fprintf(&b, "%s %s failed with HTTP %d", e.Op, e.Path, e.Status)
	}
	// Vault's messages may end in a full stop or a newline; the sentence
	// goes on after them, so they must not leave ". ." or "..".
	if msg := strings.TrimRight(e.vaultMessage(), ". \n\t"); msg != "" {
		fmt.Fprintf(&b, ": %s", msg)
	}
	switch {
	case e.NotTried:
		fmt.Fprintf(&b, " (not tried: Vault has failed every request for %s, longer than retry_timeout = %s)", e.Retried.Round(time.Second), e.Window)
	case e.Retried > 0:
		fmt.Fprintf(&b, " (gave up after retrying for %s; retry_timeout = %s)", e.Retried.Round(time.Millisecond), e.Window)
	}
	if hint := e.hint(); hint != "" {
		fmt.Fprintf(&b, ". %s", hint)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Cause }

func (e *Error) vaultMessage() string {
	if len(e.Messages) > 0 {
		var msgs []string
		for _, m := range e.Messages {
			msgs = append(msgs, unwrapMultiError(m)...)
		}
		return strings.Join(msgs, "; ")
	}
	if e.Cause != nil && e.Status == 0 {
		return e.Cause.Error()
	}
	return ""
}

func (e *Error) hint() string {
	switch {
	case e.Hint != "":
		return e.Hint
	case e.Status == http.StatusForbidden:
		return "The token needs the policy printed by data.vaultboot_provider_policy, or it has expired"
	case e.Status == 0 || e.Status >= 500 || e.Status == http.StatusTooManyRequests || e.Status == http.StatusTemporaryRedirect:
		return "Check that Vault is reachable, unsealed and has an active node, then run the apply again: it recognises the objects this one made. Raise the provider's retry_timeout if Vault's maintenance windows are longer"
	case e.Status == http.StatusBadRequest:
		return "Vault rejected the request; check the values given for this object"
	case e.Status >= 300 && e.Status < 400:
		return "Set the provider's address to the URL Vault itself answers on"
	}
	return ""
}

// unwrapMultiError turns Vault's "1 error occurred:\n\t* permission
// denied\n\n" into its items, so a diagnostic reads as one sentence.
func unwrapMultiError(msg string) []string {
	head, body, ok := strings.Cut(msg, "\n")
	if !ok || !strings.HasSuffix(head, " occurred:") {
		return []string{strings.TrimSpace(msg)}
	}
	var items []string
	for _, line := range strings.Split(body, "\n") {
		if item := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "* ")); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// newError builds an Error from whatever vault/api returned.
func newError(op, path string, err error) *Error {
	e := &Error{Op: op, Path: path, Cause: err}
	var re *api.ResponseError
	var redirect *redirectError
	switch {
	case errors.As(err, &re):
		e.Status = re.StatusCode
		e.Messages = re.Errors
	case errors.As(err, &redirect):
		e.Status = redirect.status
		e.Messages = []string{redirect.message()}
	}
	return e
}

// StatusOf returns the HTTP status of a Vault error, 0 when there is none.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	var re *api.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	var redirect *redirectError
	if errors.As(err, &redirect) {
		return redirect.status
	}
	return 0
}
