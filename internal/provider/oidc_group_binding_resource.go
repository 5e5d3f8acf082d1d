package provider

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

var (
	_ resource.Resource                   = &oidcGroupBindingResource{}
	_ resource.ResourceWithConfigure      = &oidcGroupBindingResource{}
	_ resource.ResourceWithImportState    = &oidcGroupBindingResource{}
	_ resource.ResourceWithModifyPlan     = &oidcGroupBindingResource{}
	_ resource.ResourceWithValidateConfig = &oidcGroupBindingResource{}
)

// NewOIDCGroupBindingResource binds an IdP group to Vault policies in one
// environment: external identity group "E-N", its one group alias,
// and optionally the login role "E-N".
func NewOIDCGroupBindingResource() resource.Resource {
	return &oidcGroupBindingResource{}
}

type oidcGroupBindingResource struct {
	client *vaultclient.Client
}

type oidcGroupBindingModel struct {
	ID                types.String    `tfsdk:"id"`
	Name              types.String    `tfsdk:"name"`
	GroupID           types.String    `tfsdk:"group_id"`
	Policies          types.Set       `tfsdk:"policies"`
	AuthMount         types.String    `tfsdk:"auth_mount"`
	AdoptExisting     types.Bool      `tfsdk:"adopt_existing"`
	IdentityGroupID   types.String    `tfsdk:"identity_group_id"`
	IdentityGroupName types.String    `tfsdk:"identity_group_name"`
	AuthMountAccessor types.String    `tfsdk:"auth_mount_accessor"`
	Metadata          types.Map       `tfsdk:"metadata"`
	LoginRole         *loginRoleModel `tfsdk:"login_role"`
}

// bindingMountTypes are the auth methods whose logins carry a groups claim
// that a group alias can match.
var bindingMountTypes = []string{"oidc", "jwt"}

func (r *oidcGroupBindingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oidc_group_binding"
}

func (r *oidcGroupBindingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

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
		plan.Metadata = stringMapValue(b.Markers(), &resp.Diagnostics)
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
	mount := r.authMount(ctx, mountPath, diags)
	if mount == nil {
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

// authMount reads and checks the auth mount at apply time.
func (r *oidcGroupBindingResource) authMount(ctx context.Context, mountPath string, diags *diag.Diagnostics) *vaultclient.AuthMount {
	mount, found, err := r.client.ReadAuthMount(ctx, mountPath)
	switch {
	case err != nil:
		addVaultError(diags, "Unable to Read the Auth Mount", err)
		return nil
	case !found:
		diags.AddAttributeError(path.Root("auth_mount"), "Auth Mount Not Found",
			fmt.Sprintf("No auth method is enabled at auth/%s (%s). A group binding needs an OIDC or JWT auth mount there: enable one (type oidc or jwt), or set auth_mount (default: the provider's conventions.oidc_auth_mount).", mountPath, naming.AuthMountPath(mountPath)))
		return nil
	case !checkBindingMountType(mountPath, mount, diags):
		return nil
	}
	return mount
}

func (r *oidcGroupBindingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan oidcGroupBindingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !checkEnvironment(ctx, r.client, &resp.Diagnostics) {
		return
	}
	b, ok := r.binding(plan.Name.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	mount, existing, ok := r.readMountAndGroup(ctx, b, plan.AuthMount.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	// The role is read once the mount is known to be an OIDC/JWT mount:
	// another method may not answer role paths at all.
	var roleExists bool
	if plan.LoginRole != nil {
		var err error
		if _, roleExists, err = r.client.ReadRole(ctx, b.LoginRolePath(plan.AuthMount.ValueString())); err != nil {
			addVaultError(&resp.Diagnostics, "Unable to Read the Login Role", err)
			return
		}
	}
	if !r.checkForeign(b, plan, existing, roleExists, &resp.Diagnostics) {
		return
	}
	w, ok := r.prepareWrite(ctx, mount, &plan, existing, &resp.Diagnostics)
	if !ok {
		return
	}
	// Once the first write is sent, a failure still records the binding in
	// state: Terraform marks it tainted, so the next apply replaces it (or
	// destroy removes it) and no group is left outside state. Every check
	// that can refuse without writing ran above, so a refused create
	// records nothing, and a foreign object never enters state.
	plan.IdentityGroupID = types.StringValue("")
	plan.AuthMountAccessor = types.StringValue(mount.Accessor)
	if plan.LoginRole != nil {
		plan.LoginRole.RoleType = types.StringValue(mount.Type)
	}
	if r.write(ctx, b, mount, &plan, nil, w, &resp.Diagnostics) {
		r.refreshAfterWrite(ctx, &plan, &resp.Diagnostics)
	}
	setCreatedState(ctx, &resp.State, &plan, &resp.Diagnostics)
}

// checkForeign refuses to take over a group or role that is not this
// binding's, unless adopt_existing. Identity group names are
// case-insensitive, so "ACC-Devs" made by hand is found and refused too.
// A login role carries no markers: it counts as ours when the group is ours.
func (r *oidcGroupBindingResource) checkForeign(b naming.Binding, plan oidcGroupBindingModel, group *vaultclient.IdentityGroup, roleExists bool, diags *diag.Diagnostics) bool {
	if plan.AdoptExisting.ValueBool() {
		return true
	}
	ours := group != nil && naming.IsMarked(group.Metadata, b.Owner())
	if group != nil && !ours {
		diags.AddAttributeError(path.Root("name"), "Identity Group Already Exists",
			fmt.Sprintf("The identity group %q (id %s) already exists and is not marked as managed by vaultboot binding %q; import it (terraform import <address> %s) or set adopt_existing = true to take it over.", group.Name, group.ID, b.Owner(), b.Name()))
		return false
	}
	if roleExists && !ours {
		diags.AddAttributeError(path.Root("login_role"), "Login Role Already Exists",
			fmt.Sprintf("The role %s already exists and was not created by this binding; import it (terraform import <address> %s) or set adopt_existing = true to take it over.", b.LoginRolePath(plan.AuthMount.ValueString()), b.Name()))
		return false
	}
	if !ours {
		return true
	}
	// The login role has no marks: it goes with the group.
	env := r.client.Env()
	return claimMarked(diags, env.Owner(), b.Name(), false, []markedObject{{fmt.Sprintf("the identity group %q", group.Name), env.JudgeMetadata(b.Owner(), group.Metadata)}})
}

func (r *oidcGroupBindingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state oidcGroupBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !checkEnvironment(ctx, r.client, &resp.Diagnostics) {
		return
	}
	found := r.refresh(ctx, &state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *oidcGroupBindingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state oidcGroupBindingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !checkEnvironment(ctx, r.client, &resp.Diagnostics) {
		return
	}
	b, ok := r.binding(plan.Name.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	mount, existing, ok := r.readMountAndGroup(ctx, b, plan.AuthMount.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	w, ok := r.prepareWrite(ctx, mount, &plan, existing, &resp.Diagnostics)
	if !ok || !r.write(ctx, b, mount, &plan, &state, w, &resp.Diagnostics) {
		return
	}
	r.refreshAfterWrite(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *oidcGroupBindingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state oidcGroupBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !checkEnvironment(ctx, r.client, &resp.Diagnostics) {
		return
	}
	b, ok := r.binding(state.Name.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	if state.LoginRole != nil {
		if err := r.client.DeleteRole(ctx, b.LoginRolePath(state.AuthMount.ValueString())); err != nil {
			addVaultError(&resp.Diagnostics, "Unable to Delete the Login Role", err)
			return
		}
	}
	// Deleting an external group deletes its alias with it.
	if err := r.client.DeleteIdentityGroupByName(ctx, b.GroupName()); err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Delete the Identity Group", err)
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

// readMountAndGroup reads the auth mount (which must be an OIDC/JWT mount)
// and the group E-N (nil when absent) concurrently.
func (r *oidcGroupBindingResource) readMountAndGroup(ctx context.Context, b naming.Binding, mountPath string, diags *diag.Diagnostics) (*vaultclient.AuthMount, *vaultclient.IdentityGroup, bool) {
	var (
		mount     *vaultclient.AuthMount
		mountDiag diag.Diagnostics
		group     *vaultclient.IdentityGroup
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		mount = r.authMount(gctx, mountPath, &mountDiag)
		return nil
	})
	g.Go(func() (err error) {
		group, _, err = r.client.ReadIdentityGroupByName(gctx, b.GroupName())
		return err
	})
	err := g.Wait()
	diags.Append(mountDiag...)
	if err != nil {
		addVaultError(diags, "Unable to Read the Identity Group", err)
	}
	return mount, group, mount != nil && err == nil
}

func (r *oidcGroupBindingResource) binding(name string, diags *diag.Diagnostics) (naming.Binding, bool) {
	b, err := r.client.Env().Binding(name)
	if err != nil {
		diags.AddAttributeError(path.Root("name"), "Invalid Name", capitalize(err.Error())+".")
		return b, false
	}
	return b, true
}

// bindingWrite is what write sends, prepared before the first write.
type bindingWrite struct {
	policies []string
	role     map[string]any // nil without a login role
}

// prepareWrite runs every check that can refuse the write without writing
// anything: the existing group must be external, the group id's alias free,
// an OIDC role must have redirect URIs (the plan may not have known the
// mount or the URIs), and the role's fields must convert. existing is the
// group as read before.
func (r *oidcGroupBindingResource) prepareWrite(ctx context.Context, mount *vaultclient.AuthMount, plan *oidcGroupBindingModel, existing *vaultclient.IdentityGroup, diags *diag.Diagnostics) (bindingWrite, bool) {
	var w bindingWrite
	if existing != nil && existing.Type != "external" {
		diags.AddAttributeError(path.Root("name"), "Identity Group Is Not External",
			fmt.Sprintf("The identity group %q exists with type %q. A binding needs an external group (its members come from the IdP), and Vault cannot change a group's type. Delete or rename the existing group.", existing.Name, existing.Type))
		return w, false
	}
	if !r.checkAliasFree(ctx, plan.GroupID.ValueString(), mount, existing, plan, diags) {
		return w, false
	}
	diags.Append(plan.Policies.ElementsAs(ctx, &w.policies, false)...)
	if plan.LoginRole != nil {
		if !checkRedirectURIs(mount, plan, diags) {
			return w, false
		}
		var d diag.Diagnostics
		w.role, d = loginRoleData(ctx, plan.LoginRole, plan.GroupID.ValueString(), mount.Type)
		diags.Append(d...)
	}
	return w, !diags.HasError()
}

// write makes Vault match the plan: the group with its policies and
// markers, its one alias, and the login role (moved or removed when the
// prior state had one elsewhere). It sets the group's id in plan as soon
// as the group is written.
func (r *oidcGroupBindingResource) write(ctx context.Context, b naming.Binding, mount *vaultclient.AuthMount, plan, prior *oidcGroupBindingModel, w bindingWrite, diags *diag.Diagnostics) bool {
	err := r.client.WriteExternalGroupByName(ctx, b.GroupName(), vaultclient.ExternalGroup{Policies: w.policies, Metadata: b.Markers()})
	if err != nil {
		addVaultError(diags, "Unable to Write the Identity Group", err)
		return false
	}
	group, found, err := r.client.ReadIdentityGroupByName(ctx, b.GroupName())
	if err != nil || !found {
		if err == nil {
			err = fmt.Errorf("the identity group %q was written but cannot be read back", b.GroupName())
		}
		addVaultError(diags, "Unable to Read the Identity Group", err)
		return false
	}
	plan.IdentityGroupID = types.StringValue(group.ID)
	if !r.writeAlias(ctx, group, plan.GroupID.ValueString(), mount.Accessor, diags) {
		return false
	}
	return r.writeRole(ctx, b, plan, prior, w.role, diags)
}

// checkAliasFree refuses a group id that another group's alias already
// maps on this mount: Vault allows one group per (mount, name), and moving
// the alias would take it from a group that is not ours.
func (r *oidcGroupBindingResource) checkAliasFree(ctx context.Context, groupID string, mount *vaultclient.AuthMount, existing *vaultclient.IdentityGroup, plan *oidcGroupBindingModel, diags *diag.Diagnostics) bool {
	holder, found, err := r.client.LookupGroupByAlias(ctx, groupID, mount.Accessor)
	if err != nil {
		addVaultError(diags, "Unable to Look Up the Group Alias", err)
		return false
	}
	if !found || (existing != nil && holder.ID == existing.ID) {
		return true
	}
	diags.AddAttributeError(path.Root("group_id"), "Group ID Already Bound",
		fmt.Sprintf("The IdP group id %s is already mapped on auth mount %q to the identity group %q (id %s) by its group alias; Vault maps a group id to one group per mount. Remove that alias, or bind the group id through that group.", naming.Describe(groupID), plan.AuthMount.ValueString(), holder.Name, holder.ID))
	return false
}

// writeAlias makes the group's one alias name groupID on accessor.
func (r *oidcGroupBindingResource) writeAlias(ctx context.Context, group *vaultclient.IdentityGroup, groupID, accessor string, diags *diag.Diagnostics) bool {
	var err error
	switch a := group.Alias; {
	case a == nil:
		_, err = r.client.CreateGroupAlias(ctx, groupID, accessor, group.ID)
	case a.Name != groupID || a.MountAccessor != accessor:
		err = r.client.UpdateGroupAlias(ctx, a.ID, groupID, accessor, group.ID)
	}
	if err != nil {
		addVaultError(diags, "Unable to Write the Group Alias", err)
		return false
	}
	return true
}

// writeRole removes a login role the plan no longer has (or has on another
// mount) and writes the planned one, data, with its full field set.
func (r *oidcGroupBindingResource) writeRole(ctx context.Context, b naming.Binding, plan, prior *oidcGroupBindingModel, data map[string]any, diags *diag.Diagnostics) bool {
	mountPath := plan.AuthMount.ValueString()
	if prior != nil && prior.LoginRole != nil && (plan.LoginRole == nil || prior.AuthMount.ValueString() != mountPath) {
		if err := r.client.DeleteRole(ctx, b.LoginRolePath(prior.AuthMount.ValueString())); err != nil {
			addVaultError(diags, "Unable to Delete the Old Login Role", err)
			return false
		}
	}
	if data == nil {
		return true
	}
	if err := r.client.WriteRole(ctx, b.LoginRolePath(mountPath), data); err != nil {
		addVaultError(diags, "Unable to Write the Login Role", loginRoleWriteError(err, data))
		return false
	}
	return true
}

// refreshAfterWrite reads back what Create or Update wrote, so state holds
// Vault's values; the objects were just written, so they must exist.
func (r *oidcGroupBindingResource) refreshAfterWrite(ctx context.Context, m *oidcGroupBindingModel, diags *diag.Diagnostics) {
	if !r.refresh(ctx, m, diags) && !diags.HasError() {
		diags.AddError("Identity Group Vanished", fmt.Sprintf("The identity group for binding %q was written but is gone on read-back; another process may be deleting it. Run apply again.", m.Name.ValueString()))
	}
}

// refresh sets m from Vault: the group (its policies, markers, alias) and,
// when m has a login role or is being imported, the role. The two reads
// are independent and run concurrently. It returns false when the binding
// is gone: no group, and no login role of ours left either.
func (r *oidcGroupBindingResource) refresh(ctx context.Context, m *oidcGroupBindingModel, diags *diag.Diagnostics) bool {
	b, ok := r.binding(m.Name.ValueString(), diags)
	if !ok {
		return false
	}
	importing := m.IdentityGroupID.IsNull()
	readRole := m.LoginRole != nil || importing
	rolePath := b.LoginRolePath(m.AuthMount.ValueString())
	var (
		group     *vaultclient.IdentityGroup
		role      map[string]any
		groupSeen bool
		roleSeen  bool
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		group, groupSeen, err = r.client.ReadIdentityGroupByName(gctx, b.GroupName())
		return err
	})
	if readRole {
		g.Go(func() (err error) {
			role, roleSeen, err = r.client.ReadRole(gctx, rolePath)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		addVaultError(diags, "Unable to Read the Group Binding", err)
		return false
	}
	if !groupSeen {
		// The group is gone. If our login role is still there, keep the
		// binding with an empty group, so the plan recreates the group in
		// place: a fresh Create would take our own role for a foreign one.
		if !roleSeen || importing {
			return false
		}
		group = &vaultclient.IdentityGroup{}
	}
	m.ID = types.StringValue(b.Name())
	m.IdentityGroupID = types.StringValue(group.ID)
	m.IdentityGroupName = types.StringValue(group.Name)
	m.Policies = stringSet(ctx, group.Policies, diags)
	m.Metadata = stringMapValue(group.Metadata, diags)
	m.GroupID, m.AuthMountAccessor = types.StringValue(""), types.StringValue("")
	if a := group.Alias; a != nil {
		m.GroupID, m.AuthMountAccessor = types.StringValue(a.Name), types.StringValue(a.MountAccessor)
	}
	if m.AdoptExisting.IsNull() || m.AdoptExisting.IsUnknown() {
		m.AdoptExisting = types.BoolValue(false)
	}
	if !readRole {
		return true
	}
	prior := m.LoginRole
	m.LoginRole = nil
	if roleSeen {
		var d diag.Diagnostics
		m.LoginRole, d = loginRoleFromVault(role, prior, b.LoginRoleName())
		diags.Append(d...)
	}
	return true
}

// knownDuration parses a configured duration; def stands in for null.
func knownDuration(v types.String, def string) (time.Duration, bool) {
	if v.IsUnknown() {
		return 0, false
	}
	s := def
	if !v.IsNull() {
		s = v.ValueString()
	}
	d, err := parseDuration(s)
	return d, err == nil
}

// stringSet is Vault's list of strings as a set.
func stringSet(ctx context.Context, vault []string, diags *diag.Diagnostics) types.Set {
	v, d := types.SetValueFrom(ctx, types.StringType, nonNil(vault))
	diags.Append(d...)
	return v
}

func stringMapValue(m map[string]string, diags *diag.Diagnostics) types.Map {
	elems := make(map[string]attr.Value, len(m))
	for k, v := range m {
		elems[k] = types.StringValue(v)
	}
	v, d := types.MapValue(types.StringType, elems)
	diags.Append(d...)
	return v
}

// listStrings converts a known list of strings.
func listStrings(ctx context.Context, l types.List, diags *diag.Diagnostics) []string {
	out := []string{}
	if l.IsNull() || l.IsUnknown() {
		return out
	}
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out
}

// vaultList converts a list Vault returned (nil for none) to a list value.
func vaultList(v any, diags *diag.Diagnostics) types.List {
	raw, _ := v.([]any)
	out := make([]string, 0, len(raw))
	for _, x := range raw {
		out = append(out, fmt.Sprint(x))
	}
	l, d := types.ListValueFrom(context.Background(), types.StringType, out)
	diags.Append(d...)
	return l
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
