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
	JWTMount                string
	PKIMounts               types.List
	KVCAPaths               types.List
	BindingAuthMounts       types.List
	AllowPurge              types.Bool
	ManageEnvironment       types.Bool
	ProtectedCASyncPolicies types.List
	LoginRoleUserClaims     types.List
	LoginRoleGroupsClaims   types.List
	ReadOnly                bool
}

// unknown tells whether any input is still unknown at plan time.
func (in policyInputs) unknown() bool {
	for _, v := range []interface{ IsUnknown() bool }{in.PKIMounts, in.KVCAPaths, in.BindingAuthMounts, in.AllowPurge,
		in.ManageEnvironment, in.ProtectedCASyncPolicies, in.LoginRoleUserClaims, in.LoginRoleGroupsClaims} {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}

// policyOptions converts the inputs and reads the binding mounts'
// accessors from Vault: group aliases are allowed on those accessors only.
// A binding mount that is not enabled gets no alias grant, with a warning.
// ok is false on an error; known is false while an input is unknown.
func policyOptions(ctx context.Context, c *vaultclient.Client, in policyInputs, diags *diag.Diagnostics) (o naming.ProviderPolicyOptions, known, ok bool) {
	if in.unknown() {
		return o, false, true
	}
	o = naming.ProviderPolicyOptions{JWTMount: in.JWTMount, AllowPurge: in.AllowPurge.ValueBool(),
		ManageEnvironment: in.ManageEnvironment.ValueBool(), ReadOnly: in.ReadOnly}
	for _, l := range []struct {
		v   types.List
		out *[]string
	}{
		{in.PKIMounts, &o.PKIMounts}, {in.KVCAPaths, &o.KVCAPaths}, {in.BindingAuthMounts, &o.BindingAuthMounts},
		{in.ProtectedCASyncPolicies, &o.ProtectedCASyncPolicies},
		{in.LoginRoleUserClaims, &o.LoginRoleUserClaims}, {in.LoginRoleGroupsClaims, &o.LoginRoleGroupsClaims},
	} {
		diags.Append(l.v.ElementsAs(ctx, l.out, false)...)
	}
	if diags.HasError() || !checkKVCAPaths(c.Env(), o.KVCAPaths, diags) {
		return o, false, false
	}
	mounts := append([]string{c.Env().Conventions().OIDCAuthMount}, o.BindingAuthMounts...)
	o.Accessors, o.MountTypes, ok = readAccessors(ctx, c, mounts, diags)
	if ok {
		enabled := []string{o.JWTMountOrDefault()}
		for m := range o.Accessors {
			enabled = append(enabled, m)
		}
		o.Trust, ok = readTrust(ctx, c, enabled, diags)
	}
	return o, ok, ok
}

// readTrust reads what the binding mounts and the JWT mount trust,
// concurrently; a mount not configured (or not enabled) is left out.
func readTrust(ctx context.Context, c *vaultclient.Client, mounts []string, diags *diag.Diagnostics) (map[string]naming.AuthTrust, bool) {
	var mu sync.Mutex
	trust := make(map[string]naming.AuthTrust, len(mounts))
	g, gctx := errgroup.WithContext(ctx)
	for _, m := range mounts {
		g.Go(func() error {
			t, found, err := c.ReadAuthTrust(gctx, m)
			if found {
				mu.Lock()
				trust[m] = t
				mu.Unlock()
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		addVaultError(diags, "Unable to Read the Auth Mounts' Issuers", err)
		return nil, false
	}
	return trust, true
}

// readAccessors reads the auth mounts' accessors and types concurrently
// (one request each).
func readAccessors(ctx context.Context, c *vaultclient.Client, mounts []string, diags *diag.Diagnostics) (accessors, kinds map[string]string, ok bool) {
	var mu sync.Mutex
	accessors = make(map[string]string, len(mounts))
	kinds = make(map[string]string, len(mounts))
	var missing []string
	g, gctx := errgroup.WithContext(ctx)
	for _, m := range mounts {
		g.Go(func() error {
			mount, found, err := c.ReadAuthMount(gctx, m)
			mu.Lock()
			defer mu.Unlock()
			if found {
				accessors[m], kinds[m] = mount.Accessor, mount.Type
			} else if err == nil {
				missing = append(missing, m)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		addVaultError(diags, "Unable to Read the Binding Auth Mounts", err)
		return nil, nil, false
	}
	for _, m := range missing {
		diags.AddWarning("Binding Auth Mount Not Enabled",
			fmt.Sprintf("No auth method is enabled at auth/%s, so the provider policy grants no group aliases and no login roles on it (they are allowed only on mounts known when the policy is rendered). Enable the mount, then read the policy again (for vaultboot_ci_deploy_role: apply again).", m))
	}
	return accessors, kinds, true
}

// renderPolicyError reports an input the naming rules refuse; the schema
// validators catch most, this catches relations between inputs.
func renderPolicyError(diags *diag.Diagnostics, attr string, err error) {
	diags.AddAttributeError(path.Root(attr), "Invalid Provider Policy Input", capitalize(err.Error())+".")
}

// policyOptInModel are the provider policy's inputs shared by
// data.vaultboot_provider_policy and vaultboot_ci_deploy_role beyond the
// mounts and sources.
type policyOptInModel struct {
	ManageEnvironment       types.Bool `tfsdk:"manage_environment"`
	ProtectedCASyncPolicies types.List `tfsdk:"protected_ca_sync_policies"`
	LoginRoleUserClaims     types.List `tfsdk:"login_role_user_claims"`
	LoginRoleGroupsClaims   types.List `tfsdk:"login_role_groups_claims"`
}

func (m policyOptInModel) inputs(readOnly bool) policyInputs {
	return policyInputs{
		ManageEnvironment: m.ManageEnvironment, ProtectedCASyncPolicies: m.ProtectedCASyncPolicies,
		LoginRoleUserClaims: m.LoginRoleUserClaims, LoginRoleGroupsClaims: m.LoginRoleGroupsClaims, ReadOnly: readOnly,
	}
}

// Descriptions of the opt-in inputs, the same in the data source and the
// deploy role.
const (
	manageEnvironmentDesc = "Grant what `vaultboot_environment` writes: the environment stamp and enabling the stamp mount and the conventions' KV mount. " +
		"Default `false`: the stamp is read-only and no mount can be enabled, so a pipeline can neither re-stamp the Vault as another environment nor erase the stamp. " +
		"Keep `vaultboot_environment` in the administrator's bootstrap project and leave this off for the environment projects."
	protectedCASyncDesc = "Names `N` of `vaultboot_namespace_ca_sync_policy` resources the administrator's bootstrap project manages: the policy denies their documents " +
		"(`<kv_mount>/data/_vaultboot/E/ca-sync/N`) and markers, so a pipeline cannot point a CA syncer at another CA. The syncer's own pinned trust expectation checks the document too."
	loginRoleClaimsFormat = "The only `%s` values the login roles of `vaultboot_oidc_group_binding` may set (`login_role.%s`). Default `[\"%s\"]`. " +
		"Pick claims the IdP sets and users cannot edit: a user-editable claim (a display name, at some IdPs an email) would let an outsider log in as another user's entity and get that user's group policies."
)

func loginRoleClaimsDesc(field, def string) string {
	return fmt.Sprintf(loginRoleClaimsFormat, field, field, def)
}
