package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// policyInputs are the provider policy's inputs beyond the provider's
// environment and conventions, shared by the data source
// vaultboot_provider_policy and vaultboot_ci_deploy_role (whose policy is
// the provider policy).
type policyInputs struct {
	JWTMount          string
	PKIMounts         types.List
	KVCAPaths         types.List
	BindingAuthMounts types.List
	AllowPurge        types.Bool
}

// policyOptions converts the inputs and reads the binding mounts'
// accessors from Vault: group aliases are allowed on those accessors only.
// A binding mount that is not enabled gets no alias grant, with a warning.
// ok is false on an error; known is false while an input is unknown.
func policyOptions(ctx context.Context, c *vaultclient.Client, in policyInputs, diags *diag.Diagnostics) (o naming.ProviderPolicyOptions, known, ok bool) {
	if in.PKIMounts.IsUnknown() || in.KVCAPaths.IsUnknown() || in.BindingAuthMounts.IsUnknown() || in.AllowPurge.IsUnknown() {
		return o, false, true
	}
	o = naming.ProviderPolicyOptions{JWTMount: in.JWTMount, AllowPurge: in.AllowPurge.ValueBool()}
	diags.Append(in.PKIMounts.ElementsAs(ctx, &o.PKIMounts, false)...)
	diags.Append(in.KVCAPaths.ElementsAs(ctx, &o.KVCAPaths, false)...)
	diags.Append(in.BindingAuthMounts.ElementsAs(ctx, &o.BindingAuthMounts, false)...)
	if diags.HasError() || !checkKVCAPaths(c.Env(), o.KVCAPaths, diags) {
		return o, false, false
	}
	mounts := append([]string{c.Env().Conventions().OIDCAuthMount}, o.BindingAuthMounts...)
	o.Accessors, ok = readAccessors(ctx, c, mounts, diags)
	return o, ok, ok
}

// readAccessors reads the auth mounts concurrently (one request each).
func readAccessors(ctx context.Context, c *vaultclient.Client, mounts []string, diags *diag.Diagnostics) (map[string]string, bool) {
	var mu sync.Mutex
	accessors := make(map[string]string, len(mounts))
	var missing []string
	g, gctx := errgroup.WithContext(ctx)
	for _, m := range mounts {
		g.Go(func() error {
			mount, found, err := c.ReadAuthMount(gctx, m)
			mu.Lock()
			defer mu.Unlock()
			if found {
				accessors[m] = mount.Accessor
			} else if err == nil {
				missing = append(missing, m)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		addVaultError(diags, "Unable to Read the Binding Auth Mounts", err)
		return nil, false
	}
	for _, m := range missing {
		diags.AddWarning("Binding Auth Mount Not Enabled",
			fmt.Sprintf("No auth method is enabled at auth/%s, so the provider policy grants no group aliases on it (aliases are allowed only on accessors known when the policy is rendered). Enable the mount, then read the policy again (for vaultboot_ci_deploy_role: apply again).", m))
	}
	return accessors, true
}

// renderPolicyError reports an input the naming rules refuse; the schema
// validators catch most, this catches relations between inputs.
func renderPolicyError(diags *diag.Diagnostics, attr string, err error) {
	diags.AddAttributeError(path.Root(attr), "Invalid Provider Policy Input", capitalize(err.Error())+".")
}
