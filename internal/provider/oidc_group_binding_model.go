package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"
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
