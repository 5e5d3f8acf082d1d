package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

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
	var unsupported *vaultclient.NamespaceUnsupportedError
	switch {
	case errors.As(err, &mismatch):
		diags.AddError("Environment Mismatch", capitalize(err.Error())+".")
		return false
	case errors.As(err, &unsupported):
		diags.AddError("Vault Has No Namespaces", capitalize(err.Error())+".")
		return false
	case err != nil:
		diags.AddError("Unable to Check the Environment Stamp", capitalize(err.Error())+".")
		return false
	case warning != "":
		diags.AddWarning("Vault Has No Environment Stamp", warning)
	}
	return true
}

// planGuard runs whenever a resource plans: the environment guard must
// pass, so a plan against the wrong Vault fails as its apply would, and a
// create or update needs an owner to mark what it writes (a destroy does
// not).
func planGuard(ctx context.Context, c *vaultclient.Client, plan tfsdk.Plan, diags *diag.Diagnostics) bool {
	return checkEnvironment(ctx, c, diags) && (plan.Raw.IsNull() || requireOwner(c, diags))
}

// requireOwner: every object a resource creates is marked with the owner.
func requireOwner(c *vaultclient.Client, diags *diag.Diagnostics) bool {
	if c.Env().Owner() != "" {
		return true
	}
	diags.AddError("Missing Provider Owner",
		"Set the provider's owner to the project that manages these objects (e.g. owner = \"platform/vault-config\") or the VAULTBOOT_OWNER environment variable; in CI, CI_PROJECT_PATH (GitLab) or GITHUB_REPOSITORY (GitHub) is used when set.")
	return false
}

// requireMounts checks that the mounts a resource writes through exist and
// have the right type: at plan time, so the plan names a missing mount, and
// again before apply's first write, so a mount removed in between leaves
// nothing half made. Each mount is read once per run.
func requireMounts(ctx context.Context, c *vaultclient.Client, kubernetes bool, diags *diag.Diagnostics) bool {
	checks := []func(context.Context) error{c.RequireKVv2}
	if kubernetes {
		checks = append(checks, c.RequireKubernetesAuth)
	}
	for _, check := range checks {
		err := check(ctx)
		var merr *vaultclient.MountError
		switch {
		case errors.As(err, &merr):
			diags.AddError("Mount Not Usable", capitalize(err.Error())+".")
		case err != nil:
			addVaultError(diags, "Unable to Check the Mounts", err)
		}
	}
	return !diags.HasError()
}

// addVaultError reports a failed Vault call: the summary says what failed,
// the error says where (path), Vault's message and what to do.
func addVaultError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, sentence(err.Error()))
}
