package vaultclient

import (
	"context"
	"fmt"
)

// StampKey is the key of the environment name in the stamp's data.
const StampKey = "environment"

type guardResult struct {
	warning string
	err     error
}

// ReadStamp returns the environment the Vault is stamped with ("" when it
// has no stamp).
func (c *Client) ReadStamp(ctx context.Context) (string, error) {
	data, found, err := c.ReadKVData(ctx, c.env.StampDataPath())
	if err != nil || !found {
		return "", err
	}
	return AsString(data[StampKey]), nil
}

// CheckEnvironment is the environment guard (SPEC §1.3): once per provider
// run it reads the stamp. A Vault stamped with another environment is an
// error for every caller; a missing stamp is a warning returned to the first
// caller only, so a plan shows it once.
func (c *Client) CheckEnvironment(ctx context.Context) (warning string, err error) {
	first := false
	c.guardOnce.Do(func() {
		first = true
		c.guard = c.checkStamp(ctx)
	})
	if first {
		return c.guard.warning, c.guard.err
	}
	return "", c.guard.err
}

func (c *Client) checkStamp(ctx context.Context) guardResult {
	stamped, err := c.ReadStamp(ctx)
	if err != nil {
		return guardResult{err: fmt.Errorf("reading the environment stamp: %w", err)}
	}
	want := c.env.Name()
	switch stamped {
	case want:
		return guardResult{}
	case "":
		return guardResult{warning: fmt.Sprintf("The Vault at %s has no environment stamp at %s, so vaultboot cannot check that it belongs to environment %q. Add a vaultboot_environment resource to stamp it.", c.Address(), c.env.StampDataPath(), want)}
	}
	return guardResult{err: &EnvironmentMismatchError{Address: c.Address(), Stamped: stamped, Configured: want}}
}

// EnvironmentMismatchError means the provider points at another
// environment's Vault: nothing may be changed there.
type EnvironmentMismatchError struct {
	Address    string
	Stamped    string
	Configured string
}

func (e *EnvironmentMismatchError) Error() string {
	return fmt.Sprintf("the Vault at %s is stamped environment %q but this provider is configured for environment %q; refusing to touch it. Check the provider's address and environment", e.Address, e.Stamped, e.Configured)
}
