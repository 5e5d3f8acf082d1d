package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

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

// bindingWrite is what write sends, prepared before the first write.
type bindingWrite struct {
	policies []string
	role     *vaultclient.JWTRole // nil without a login role
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
		role, d := loginRole(ctx, plan.LoginRole, plan.GroupID.ValueString(), mount.Type)
		diags.Append(d...)
		w.role = &role
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
// mount) and writes the planned one, role.
func (r *oidcGroupBindingResource) writeRole(ctx context.Context, b naming.Binding, plan, prior *oidcGroupBindingModel, role *vaultclient.JWTRole, diags *diag.Diagnostics) bool {
	mountPath := plan.AuthMount.ValueString()
	if prior != nil && prior.LoginRole != nil && (plan.LoginRole == nil || prior.AuthMount.ValueString() != mountPath) {
		if err := r.client.DeleteRole(ctx, b.LoginRolePath(prior.AuthMount.ValueString())); err != nil {
			addVaultError(diags, "Unable to Delete the Old Login Role", err)
			return false
		}
	}
	if role == nil {
		return true
	}
	if err := r.client.WriteJWTRole(ctx, b.LoginRolePath(mountPath), *role); err != nil {
		addVaultError(diags, "Unable to Write the Login Role", loginRoleWriteError(err, *role))
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
		role      *vaultclient.JWTRole
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
			role, roleSeen, err = r.client.ReadJWTRole(gctx, rolePath)
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
	m.Policies = stringSet(group.Policies)
	m.Metadata = stringMap(group.Metadata)
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
		m.LoginRole, d = setLoginRole(role, prior, b.LoginRoleName())
		diags.Append(d...)
	}
	return true
}
