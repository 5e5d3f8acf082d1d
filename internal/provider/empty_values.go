package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Shared modules pass their variables through, so an empty list, map or
// string must mean the same as leaving the attribute out, also after an
// import, which cannot tell the two apart. Such attributes are
// optional+computed: unset plans the empty value, and Read reports "none"
// as the empty value, so unset, empty and imported are one state.

// emptyIfUnset plans the empty value of an optional+computed set, map or
// string that the configuration leaves out.
type emptyIfUnset struct{}

var (
	_ planmodifier.Set    = emptyIfUnset{}
	_ planmodifier.Map    = emptyIfUnset{}
	_ planmodifier.String = emptyIfUnset{}
)

func (emptyIfUnset) Description(context.Context) string {
	return "Unset means empty, the same as an empty value."
}

func (m emptyIfUnset) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (emptyIfUnset) PlanModifySet(_ context.Context, req planmodifier.SetRequest, resp *planmodifier.SetResponse) {
	if req.ConfigValue.IsNull() {
		resp.PlanValue = emptyStringSet()
	}
}

func (emptyIfUnset) PlanModifyMap(_ context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	if req.ConfigValue.IsNull() {
		resp.PlanValue = emptyStringMap()
	}
}

func (emptyIfUnset) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.ConfigValue.IsNull() {
		resp.PlanValue = types.StringValue("")
	}
}

func emptyStringSet() types.Set { return types.SetValueMust(types.StringType, []attr.Value{}) }

func emptyStringMap() types.Map {
	return types.MapValueMust(types.StringType, map[string]attr.Value{})
}
