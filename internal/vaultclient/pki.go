package vaultclient

import (
	"context"
	"errors"
	"strings"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// ErrNoCA is the cause of the *Error returned when a PKI mount has no CA to
// publish (or there is no PKI mount at all).
var ErrNoCA = errors.New("no CA certificate")

// ReadPKICAChain returns the PEM CA chain a PKI mount publishes at
// <mount>/cert/ca_chain. A mount without a CA answers 400 there (and 204 on
// ca/pem); a missing mount answers 404. Both come back as an *Error whose
// Cause is ErrNoCA, naming the path and what to do.
func (c *Client) ReadPKICAChain(ctx context.Context, mount string) (string, error) {
	path := naming.PKICAChainPath(mount)
	s, err := c.read(ctx, path)
	var verr *Error
	if errors.As(err, &verr) && verr.Status == 400 {
		verr.Cause, verr.Hint = ErrNoCA, "The PKI mount "+naming.Describe(mount)+" has no CA certificate: generate or import one there first"
		return "", verr
	}
	if err != nil {
		return "", err
	}
	var chain string
	if s != nil {
		// Vault 1.13 answers the chain in "certificate" and again in
		// "ca_chain" (a string there; a list in some other versions).
		chain = AsString(s.Data["certificate"])
		if chain == "" {
			chain = AsString(s.Data["ca_chain"]) + strings.Join(AsStrings(s.Data["ca_chain"]), "\n")
		}
	}
	if strings.TrimSpace(chain) == "" {
		return "", &Error{Op: "read", Path: path, Status: 404, Cause: ErrNoCA,
			Messages: []string{"nothing there: no PKI mount, or a PKI mount without a CA"},
			Hint:     "Check that " + naming.Describe(mount) + " is a PKI mount and has a CA (a PKI mount without one answers 204 on ca/pem)"}
	}
	return chain, nil
}
