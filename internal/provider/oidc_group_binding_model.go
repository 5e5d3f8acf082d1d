package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// oidcGroupBindingModel is the resource's state.
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

// names binds the binding name to the environment's conventions (see begin).
func (m *oidcGroupBindingModel) names(env naming.Env) (naming.Binding, path.Path, error) {
	b, err := env.Binding(m.Name.ValueString())
	return b, path.Root("name"), err
}

// setObserved records what Vault holds of the binding (see observeBinding;
// withRole says whether the login role was read). It returns false when
// the binding is gone: no group, and no login role of ours left either.
func (m *oidcGroupBindingModel) setObserved(b naming.Binding, o bindingObjects, withRole bool) (bool, diag.Diagnostics) {
	importing := m.IdentityGroupID.IsNull()
	group := o.group
	if group == nil {
		// The group is gone. If our login role is still there, keep the
		// binding with an empty group, so the plan recreates the group in
		// place: a fresh Create would take our own role for a foreign one.
		if o.role == nil || importing {
			return false, nil
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
	if !withRole {
		return true, nil
	}
	prior := m.LoginRole
	m.LoginRole = nil
	if o.role == nil {
		return true, nil
	}
	var d diag.Diagnostics
	m.LoginRole, d = setLoginRole(o.role, prior, b.LoginRoleName())
	return true, d
}
