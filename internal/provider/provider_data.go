package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// clientFrom extracts the configured client in a resource's or data
// source's Configure. It returns nil before the provider is configured
// (Terraform validates configuration before it configures the provider).
func clientFrom(data any, diags *diag.Diagnostics) *vaultclient.Client {
	if data == nil {
		return nil
	}
	c, ok := data.(*vaultclient.Client)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *vaultclient.Client, got %T. This is a bug in the vaultboot provider; please report it.", data))
		return nil
	}
	return c
}

// checkEnvironment runs the environment guard before any other Vault call
// of a resource or data source: a Vault stamped with another environment is
// an error, a Vault without a stamp a warning (shown once per run).
func checkEnvironment(ctx context.Context, c *vaultclient.Client, diags *diag.Diagnostics) bool {
	warning, err := c.CheckEnvironment(ctx)
	var mismatch *vaultclient.EnvironmentMismatchError
	switch {
	case errors.As(err, &mismatch):
		diags.AddError("Environment Mismatch", capitalize(err.Error())+".")
		return false
	case err != nil:
		diags.AddError("Unable to Check the Environment Stamp", capitalize(err.Error())+".")
		return false
	case warning != "":
		diags.AddWarning("Vault Has No Environment Stamp", warning)
	}
	return true
}

// addVaultError reports a failed Vault call: the summary says what failed,
// the error says where (path), Vault's message and what to do.
func addVaultError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, sentence(err.Error()))
}
