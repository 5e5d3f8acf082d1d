package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// oidcGroupBindingResource binds an IdP group to Vault policies in one
// environment: external identity group "E-N", its one group alias,
// and optionally the login role "E-N".
type oidcGroupBindingResource struct{ vaultResource }

// bindingMountTypes are the auth methods whose logins carry a groups claim
// that a group alias can match.
var bindingMountTypes = []string{"oidc", "jwt"}

// ValidateConfig checks what single attribute validators cannot: relations
// between the login role's fields.
func (r *oidcGroupBindingResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m oidcGroupBindingModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.LoginRole == nil {
		return
	}
	role := m.LoginRole
	groupsClaim := "groups"
	if !role.GroupsClaim.IsNull() {
		groupsClaim = role.GroupsClaim.ValueString()
	}
	if !role.GroupsClaim.IsUnknown() && !role.BoundClaims.IsUnknown() && !role.BoundClaims.IsNull() {
		if _, ok := role.BoundClaims.Elements()[groupsClaim]; ok {
			resp.Diagnostics.AddAttributeError(path.Root("login_role").AtName("bound_claims").AtMapKey(groupsClaim), "Groups Claim in Bound Claims",
				fmt.Sprintf("bound_claims may not name the groups claim %q: the binding always binds it to exactly group_id. Remove the key, or bind other claims only.", groupsClaim))
		}
	}
	ttl, ttlOK := knownDuration(role.TokenTTL, defaultLoginTokenTTL)
	maxTTL, maxOK := knownDuration(role.TokenMaxTTL, defaultLoginTokenMaxTTL)
	if ttlOK && maxOK && maxTTL > 0 && ttl > maxTTL {
		resp.Diagnostics.AddAttributeError(path.Root("login_role").AtName("token_ttl"), "Token TTL Above Maximum",
			fmt.Sprintf("token_ttl (%s) is longer than token_max_ttl (%s): Vault refuses such a role. Lower token_ttl or raise token_max_ttl.", ttl, maxTTL))
	}
}

// ModifyPlan fills in what the plan can know from the provider and Vault:
// the default auth mount, the group's name and markers, the role's enforced
// bound claims, and the mount's accessor and type. Reading the mount here
// reports a mount of the wrong type, or an OIDC role without redirect URIs,
// at plan time. A mount that does not exist yet is left to apply (it may be
// created in the same run).
func (r *oidcGroupBindingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.client == nil || !planGuard(ctx, r.client, req.Plan, &resp.Diagnostics) || req.Plan.Raw.IsNull() {
		return
	}
	var plan oidcGroupBindingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var configMount types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("auth_mount"), &configMount)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env := r.client.Env()
	// An empty id in state means Read found the group gone (but the login
	// role still there): apply recreates the group, which gets a new id.
	if plan.IdentityGroupID.ValueString() == "" && !plan.IdentityGroupID.IsUnknown() {
		plan.IdentityGroupID = types.StringUnknown()
	}
	if configMount.IsNull() {
		plan.AuthMount = types.StringValue(env.Conventions().OIDCAuthMount)
	}
	if b, err := env.Binding(plan.Name.ValueString()); !plan.Name.IsUnknown() && err == nil {
		plan.ID = types.StringValue(b.Name())
		plan.IdentityGroupName = types.StringValue(b.GroupName())
		plan.Metadata = stringMap(b.Markers())
		if plan.LoginRole != nil {
			plan.LoginRole.RoleName = types.StringValue(b.LoginRoleName())
		}
	}
	if plan.LoginRole != nil {
		plan.LoginRole.BoundClaimsType = types.StringValue(boundClaimsTypeString)
		var d diag.Diagnostics
		plan.LoginRole.EffectiveBoundClaims, d = effectiveBoundClaims(ctx, plan.LoginRole, plan.GroupID)
		resp.Diagnostics.Append(d...)
	}
	r.planMount(ctx, &plan, &resp.Diagnostics)
	if req.State.Raw.IsNull() {
		r.planClaim(ctx, plan, &resp.Diagnostics)
	}
	if policies, ok := knownSetStrings(plan.Policies); ok && !plan.Policies.IsNull() {
		warnBindingPolicies(ctx, r.client, policies, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planMount sets the accessor and role type the apply will find, and
// rejects a mount of the wrong type and an OIDC role without redirect URIs.
func (r *oidcGroupBindingResource) planMount(ctx context.Context, plan *oidcGroupBindingModel, diags *diag.Diagnostics) {
	plan.AuthMountAccessor = types.StringUnknown()
	if plan.LoginRole != nil {
		plan.LoginRole.RoleType = types.StringUnknown()
	}
	if plan.AuthMount.IsUnknown() {
		return
	}
	mountPath := plan.AuthMount.ValueString()
	mount, _, err := r.client.ReadAuthMount(ctx, mountPath)
	if err != nil {
		addVaultError(diags, "Unable to Read the Auth Mount", err)
		return
	}
	if !checkAuthMount(mountPath, mount, diags) {
		return
	}
	plan.AuthMountAccessor = types.StringValue(mount.Accessor)
	if plan.LoginRole == nil {
		return
	}
	plan.LoginRole.RoleType = types.StringValue(mount.Type)
	checkRedirectURIs(mount, plan, diags)
}

// checkRedirectURIs refuses an OIDC login role without redirect URIs, which
// Vault requires; unknown URIs are left to apply. It runs at plan and again
// before create's first write, where the mount may have changed.
func checkRedirectURIs(mount *vaultclient.AuthMount, plan *oidcGroupBindingModel, diags *diag.Diagnostics) bool {
	uris := plan.LoginRole.AllowedRedirectURIs
	if mount.Type != "oidc" || uris.IsUnknown() || len(uris.Elements()) > 0 {
		return true
	}
	mountPath := plan.AuthMount.ValueString()
	diags.AddAttributeError(path.Root("login_role").AtName("allowed_redirect_uris"), "Missing Redirect URIs",
		fmt.Sprintf("The auth mount %q is of type oidc, so the login role is an OIDC role, and Vault requires allowed_redirect_uris for it: list the callback URIs of the Vault UI and CLI (e.g. \"https://vault.internal:8200/ui/vault/auth/%s/oidc/callback\" and \"http://localhost:8250/oidc/callback\").", mountPath, mountPath))
	return false
}

// checkBindingMountType reports a mount whose logins carry no groups claim.
func checkBindingMountType(mountPath string, mount *vaultclient.AuthMount, diags *diag.Diagnostics) bool {
	if slices.Contains(bindingMountTypes, mount.Type) {
		return true
	}
	diags.AddAttributeError(path.Root("auth_mount"), "Unsupported Auth Mount Type",
		fmt.Sprintf("The auth mount %q (auth/%s) is of type %q. A group binding needs a mount of type oidc or jwt, whose logins carry the groups claim its group alias matches. Set auth_mount to an OIDC or JWT mount.", mountPath, mountPath, mount.Type))
	return false
}

func (r *oidcGroupBindingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, b, ok := begin[oidcGroupBindingModel, naming.Binding](ctx, r.client, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	t, ok := r.readTargets(ctx, b, plan.AuthMount.ValueString(), &resp.Diagnostics)
	if !ok || !r.claimExisting(ctx, b, plan, t.group, true, &resp.Diagnostics) {
		return
	}
	w, ok := r.prepareWrite(ctx, b, t, &plan, nil, &resp.Diagnostics)
	if !ok {
		return
	}
	// Once the first write is sent, a failure still records the binding in
	// state: Terraform marks it tainted, so the next apply replaces it (or
	// destroy removes it) and no group is left outside state. Every check
	// that can refuse without writing ran above, so a refused create
	// records nothing, and a foreign object never enters state.
	plan.IdentityGroupID = types.StringValue("")
	plan.AuthMountAccessor = types.StringValue(t.mount.Accessor)
	if plan.LoginRole != nil {
		plan.LoginRole.RoleType = types.StringValue(t.mount.Type)
	}
	if r.write(ctx, b, &plan, w, &resp.Diagnostics) {
		r.refreshAfterWrite(ctx, b, &plan, &resp.Diagnostics)
	}
	setCreatedState(ctx, &resp.State, &plan, &resp.Diagnostics)
}

// claimExisting judges the group (read by the caller) and the login role a
// create of the binding finds: at plan time, so a refusal fails the plan
// before any resource is created, and again at apply. The role is read
// once the mount is known to be an OIDC/JWT mount: another method may not
// answer role paths at all.
func (r *oidcGroupBindingResource) claimExisting(ctx context.Context, b naming.Binding, plan oidcGroupBindingModel, group *vaultclient.IdentityGroup, atApply bool, diags *diag.Diagnostics) bool {
	var roleExists bool
	if plan.LoginRole != nil {
		var err error
		if _, roleExists, err = r.client.ReadRole(ctx, b.LoginRolePath(plan.AuthMount.ValueString())); err != nil {
			addVaultError(diags, "Unable to Read the Login Role", err)
			return false
		}
	}
	return r.checkForeign(ctx, b, plan, group, roleExists, atApply, diags)
}

// planClaim runs create's ownership decision at plan time, once the name
// and the mount are known and the mount is a binding mount.
func (r *oidcGroupBindingResource) planClaim(ctx context.Context, plan oidcGroupBindingModel, diags *diag.Diagnostics) {
	if plan.Name.IsUnknown() || plan.AuthMount.IsUnknown() || diags.HasError() {
		return
	}
	b, err := r.client.Env().Binding(plan.Name.ValueString())
	if err != nil {
		return // the name's validator reports it
	}
	group, _, err := r.client.ReadIdentityGroupByName(ctx, b.GroupName())
	if err != nil {
		addVaultError(diags, "Unable to Read the Identity Group", err)
		return
	}
	r.claimExisting(ctx, b, plan, group, false, diags)
}

// checkForeign lets the ownership helper judge the group and login role a
// create finds. Identity group names are case-insensitive, so "ACC-Devs"
// made by hand is found and judged too. A login role carries no markers:
// it goes with the group, and is Foreign when the group is not the
// binding's.
func (r *oidcGroupBindingResource) checkForeign(ctx context.Context, b naming.Binding, plan oidcGroupBindingModel, group *vaultclient.IdentityGroup, roleExists, atApply bool, diags *diag.Diagnostics) bool {
	var objs []existingObject
	groupVerdict := naming.Verdict{Claim: naming.Foreign}
	if group != nil {
		groupVerdict = r.client.Env().JudgeMetadata(b.Owner(), group.Metadata)
		objs = append(objs, existingObject{what: fmt.Sprintf("the identity group %q (id %s)", group.Name, group.ID), verdict: groupVerdict})
	}
	if roleExists && groupVerdict.Claim == naming.Foreign {
		objs = append(objs, existingObject{what: "the login role " + b.LoginRolePath(plan.AuthMount.ValueString()), verdict: groupVerdict, attr: path.Root("login_role")})
	}
	own := r.ownership(b, plan.AdoptExisting)
	own.atApply = atApply
	return own.claim(ctx, diags, objs)
}

// ownership is the binding's side of every "already exists" decision.
func (r *oidcGroupBindingResource) ownership(b naming.Binding, adopt types.Bool) ownership {
	return ownership{owner: r.client.Env().Owner(), identity: b.Owner(), importID: b.Name(), adopt: adopt.ValueBool(), attr: path.Root("name")}
}

func (r *oidcGroupBindingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, b, ok := begin[oidcGroupBindingModel, naming.Binding](ctx, r.client, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	importing := state.IdentityGroupID.IsNull()
	found := r.refresh(ctx, b, &state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if !found {
		removeFromState(ctx, resp, state.Name.ValueString(), "its identity group is missing")
		return
	}
	what := fmt.Sprintf("the identity group %q", state.IdentityGroupName.ValueString())
	meta, _ := knownMapStrings(state.Metadata)
	verdict := r.client.Env().JudgeMetadata(b.Owner(), meta)
	r.ownership(b, state.AdoptExisting).observe(ctx, &resp.Diagnostics, importing, []existingObject{{what: what, verdict: verdict}})
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *oidcGroupBindingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, b, ok := begin[oidcGroupBindingModel, naming.Binding](ctx, r.client, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	var state oidcGroupBindingModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	t, ok := r.readTargets(ctx, b, plan.AuthMount.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	w, ok := r.prepareWrite(ctx, b, t, &plan, &state, &resp.Diagnostics)
	if !ok || !r.write(ctx, b, &plan, w, &resp.Diagnostics) {
		return
	}
	r.refreshAfterWrite(ctx, b, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *oidcGroupBindingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, b, ok := begin[oidcGroupBindingModel, naming.Binding](ctx, r.client, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	var rolePath string
	if state.LoginRole != nil {
		rolePath = b.LoginRolePath(state.AuthMount.ValueString())
	}
	if summary, err := deleteBinding(ctx, r.client, b, rolePath); err != nil {
		addVaultError(&resp.Diagnostics, summary, err)
	}
}

// ImportState imports by binding name N. The auth mount is taken from the
// group's alias (or the conventions' default), and Read then reads the
// group and any login role "E-N" on that mount.
func (r *oidcGroupBindingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if r.client == nil {
		resp.Diagnostics.AddError("Provider Not Configured", "The vaultboot provider must be configured before importing a group binding.")
		return
	}
	b, err := r.client.Env().Binding(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("Import a group binding by its name N (not the group name E-N): %s.", err))
		return
	}
	mount := r.client.Env().Conventions().OIDCAuthMount
	group, found, err := r.client.ReadIdentityGroupByName(ctx, b.GroupName())
	if err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Read the Identity Group", err)
		return
	}
	if found && group.Alias != nil && group.Alias.MountPath != "" {
		mount = group.Alias.MountPath
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), b.Name())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), b.Name())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("auth_mount"), mount)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("adopt_existing"), false)...)
}

// readTargets reads what a write looks at first: the auth mount, which
// must be an OIDC or JWT mount, and the group E-N.
func (r *oidcGroupBindingResource) readTargets(ctx context.Context, b naming.Binding, mountPath string, diags *diag.Diagnostics) (bindingTargets, bool) {
	t, err := observeBindingTargets(ctx, r.client, b, mountPath)
	if err != nil {
		addVaultError(diags, "Unable to Read the Auth Mount and Identity Group", err)
		return t, false
	}
	return t, checkAuthMount(mountPath, t.mount, diags)
}

// checkAuthMount reports a missing auth mount (nil) or one whose logins
// carry no groups claim.
func checkAuthMount(mountPath string, mount *vaultclient.AuthMount, diags *diag.Diagnostics) bool {
	if mount == nil {
		diags.AddAttributeError(path.Root("auth_mount"), "Auth Mount Not Found",
			fmt.Sprintf("No auth method is enabled at auth/%s (%s). A group binding needs an OIDC or JWT auth mount there: enable one (type oidc or jwt), or set auth_mount (default: the provider's conventions.oidc_auth_mount).", mountPath, naming.AuthMountPath(mountPath)))
		return false
	}
	return checkBindingMountType(mountPath, mount, diags)
}

// prepareWrite runs every check that can refuse the write without writing
// anything: the existing group must be external, the group id's alias free,
// an OIDC role must have redirect URIs (the plan may not have known the
// mount or the URIs), and the role's fields must convert. prior is the
// state before an update (nil on create): a login role it has elsewhere,
// or no longer, is removed.
func (r *oidcGroupBindingResource) prepareWrite(ctx context.Context, b naming.Binding, t bindingTargets, plan, prior *oidcGroupBindingModel, diags *diag.Diagnostics) (bindingWrite, bool) {
	mountPath := plan.AuthMount.ValueString()
	w := bindingWrite{groupID: plan.GroupID.ValueString(), accessor: t.mount.Accessor, rolePath: b.LoginRolePath(mountPath)}
	if g := t.group; g != nil && g.Type != "external" {
		diags.AddAttributeError(path.Root("name"), "Identity Group Is Not External",
			fmt.Sprintf("The identity group %q exists with type %q. A binding needs an external group (its members come from the IdP), and Vault cannot change a group's type. Delete or rename the existing group.", g.Name, g.Type))
		return w, false
	}
	if !r.checkAliasFree(ctx, t, plan, diags) {
		return w, false
	}
	diags.Append(plan.Policies.ElementsAs(ctx, &w.policies, false)...)
	if prior != nil && prior.LoginRole != nil && (plan.LoginRole == nil || prior.AuthMount.ValueString() != mountPath) {
		w.oldRolePath = b.LoginRolePath(prior.AuthMount.ValueString())
	}
	if plan.LoginRole != nil {
		if !checkRedirectURIs(t.mount, plan, diags) {
			return w, false
		}
		role, d := loginRole(ctx, plan.LoginRole, plan.GroupID.ValueString(), t.mount.Type)
		diags.Append(d...)
		w.role = &role
	}
	return w, !diags.HasError()
}

// checkAliasFree refuses a group id that another group's alias already
// maps on this mount: Vault allows one group per (mount, name), and moving
// the alias would take it from a group that is not ours.
func (r *oidcGroupBindingResource) checkAliasFree(ctx context.Context, t bindingTargets, plan *oidcGroupBindingModel, diags *diag.Diagnostics) bool {
	groupID := plan.GroupID.ValueString()
	holder, found, err := r.client.LookupGroupByAlias(ctx, groupID, t.mount.Accessor)
	if err != nil {
		addVaultError(diags, "Unable to Look Up the Group Alias", err)
		return false
	}
	if !found || (t.group != nil && holder.ID == t.group.ID) {
		return true
	}
	diags.AddAttributeError(path.Root("group_id"), "Group ID Already Bound",
		fmt.Sprintf("The IdP group id %s is already mapped on auth mount %q to the identity group %q (id %s) by its group alias; Vault maps a group id to one group per mount. Remove that alias, or bind the group id through that group.", naming.Describe(groupID), plan.AuthMount.ValueString(), holder.Name, holder.ID))
	return false
}

// write makes Vault match the plan, and records the group's id in plan as
// soon as the group is written.
func (r *oidcGroupBindingResource) write(ctx context.Context, b naming.Binding, plan *oidcGroupBindingModel, w bindingWrite, diags *diag.Diagnostics) bool {
	groupID, summary, err := writeBinding(ctx, r.client, b, w)
	if groupID != "" {
		plan.IdentityGroupID = types.StringValue(groupID)
	}
	if err != nil {
		addVaultError(diags, summary, err)
		return false
	}
	return true
}

// refreshAfterWrite reads back what Create or Update wrote, so state holds
// Vault's values; the objects were just written, so they must exist.
func (r *oidcGroupBindingResource) refreshAfterWrite(ctx context.Context, b naming.Binding, m *oidcGroupBindingModel, diags *diag.Diagnostics) {
	if !r.refresh(ctx, b, m, diags) && !diags.HasError() {
		diags.AddError("Identity Group Vanished", fmt.Sprintf("The identity group for binding %q was written but is gone on read-back; another process may be deleting it. Run apply again.", m.Name.ValueString()))
	}
}

// refresh sets m from Vault: the group and, when m has a login role or is
// being imported, the role. It returns false when the binding is gone.
func (r *oidcGroupBindingResource) refresh(ctx context.Context, b naming.Binding, m *oidcGroupBindingModel, diags *diag.Diagnostics) bool {
	withRole := m.LoginRole != nil || m.IdentityGroupID.IsNull()
	o, err := observeBinding(ctx, r.client, b, m.AuthMount.ValueString(), withRole)
	if err != nil {
		addVaultError(diags, "Unable to Read the Group Binding", err)
		return false
	}
	found, d := m.setObserved(b, o, withRole)
	diags.Append(d...)
	return found
}
