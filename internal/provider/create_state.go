package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// setCreatedState records what a create made. A create that failed after
// its first write is recorded too, with its error: Terraform marks it
// tainted, so the next apply replaces it and destroy removes it, and
// nothing it wrote is left outside state. Such a state may still hold
// values the plan left unknown, which an apply may not return: they
// become null (Vault never answered for them).
func setCreatedState(ctx context.Context, state *tfsdk.State, model any, diags *diag.Diagnostics) {
	diags.Append(state.Set(ctx, model)...)
	if !diags.HasError() || state.Raw.IsNull() {
		return
	}
	raw, err := tftypes.Transform(state.Raw, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	if err != nil {
		diags.AddError("Unable to Record the Failed Create", "The partly made object could not be recorded in state: "+err.Error()+". Remove what it wrote by hand.")
		return
	}
	state.Raw = raw
}
