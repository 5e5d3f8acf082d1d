package vaultclient

import (
	"fmt"
	"io"
	"net/http"
)

// refuseRedirects is the client's transport: it turns every redirect into
// an error instead of handing it to vault/api. Two reasons:
//
//   - A standby that cannot forward a request (its active node is stepping
//     down or restarting) answers 307 with the address of the node it last
//     knew as active. vault/api follows one redirect and takes a second one
//     for success: a write sent during a leader change could come back
//     "done" with nothing written, and a read as "not found". As an error,
//     the 307 is retried like any other leader change, on the configured
//     address.
//   - The token goes only to the address the provider was given, never to
//     a host a response names.
type refuseRedirects struct{ next http.RoundTripper }

func (t refuseRedirects) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 300 || resp.StatusCode > 399 {
		return resp, err
	}
	// Drain a little so the connection can be reused; Vault's 307 has no body.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	_ = resp.Body.Close()
	return nil, &redirectError{status: resp.StatusCode, location: resp.Header.Get("Location")}
}

// redirectError is a redirect the client refused to follow.
type redirectError struct {
	status   int
	location string
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("HTTP %d redirect to %q", e.status, e.location)
}

// message says what the redirect means, for Error.Messages.
func (e *redirectError) message() string {
	if e.status == http.StatusTemporaryRedirect {
		return fmt.Sprintf("the node is not the active node and could not forward the request; it redirected to %q, which the provider does not follow", e.location)
	}
	return fmt.Sprintf("the address redirected to %q, which the provider does not follow: its token goes only to the configured address", e.location)
}
