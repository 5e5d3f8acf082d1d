package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// environmentResourceModel is the resource's state.
type environmentResourceModel struct {
	ID            types.String `tfsdk:"id"`
	Environment   types.String `tfsdk:"environment"`
	Description   types.String `tfsdk:"description"`
	KVMount       types.String `tfsdk:"kv_mount"`
	StampPath     types.String `tfsdk:"stamp_path"`
	AdoptExisting types.Bool   `tfsdk:"adopt_existing"`
}

// setComputed sets what follows from the provider's environment and
// conventions.
func (m *environmentResourceModel) setComputed(env naming.Env) {
	m.ID = types.StringValue(env.Name())
	m.Environment = types.StringValue(env.Name())
	m.KVMount = types.StringValue(env.KVMount())
	m.StampPath = types.StringValue(env.StampDataPath())
}
