package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

var (
	_ resource.ResourceWithConfigure   = &environmentResource{}
	_ resource.ResourceWithModifyPlan  = &environmentResource{}
	_ resource.ResourceWithImportState = &environmentResource{}
)

// NewEnvironmentResource is the vaultboot_environment resource: it stamps a
// Vault with the provider's environment, which every other
// resource then checks.
func NewEnvironmentResource() resource.Resource {
	return &environmentResource{vaultResource{typeSuffix: "_environment"}}
}

type environmentResource struct {
	vaultResource
}

// ModifyPlan fills in the values that follow from the provider. A provider
// now configured for another environment replaces the resource, and the
// replacement is refused by Create's re-stamp check.
func (r *environmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.client == nil || req.Plan.Raw.IsNull() || !requireOwner(r.client, &resp.Diagnostics) {
		return
	}
	var plan environmentResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env := r.client.Env()
	plan.setComputed(env)
	if req.State.Raw.IsNull() {
		// Refuse at plan time what Create would refuse: the plan of a
		// project pointed at the wrong Vault fails, not its apply.
		if _, ok := r.preflight(ctx, plan, false, &resp.Diagnostics); !ok {
			return
		}
	} else {
		var state environmentResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.Environment.ValueString() != env.Name() {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("environment"))
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *environmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan environmentResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pre, ok := r.preflight(ctx, plan, true, &resp.Diagnostics)
	if !ok || !r.enableMounts(ctx, pre.absentMounts, &resp.Diagnostics) {
		return
	}
	if !r.writeStamp(ctx, plan, pre.stamped, &resp.Diagnostics) {
		return
	}
	plan.setComputed(r.client.Env())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *environmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state environmentResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	st, found, err := r.client.ReadStamp(ctx)
	if err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Read the Environment Stamp", err)
		return
	}
	if _, err := r.client.Verdict(st, found); err != nil {
		resp.Diagnostics.AddError("Environment Mismatch", capitalize(err.Error())+".")
		return
	}
	if !found {
		removeFromState(ctx, resp, r.client.Env().Name(), "no stamp at "+r.client.Env().StampDataPath())
		return
	}
	env := r.client.Env()
	importing := state.StampPath.IsNull()
	r.ownership(state.AdoptExisting).observe(ctx, &resp.Diagnostics, importing, r.judged(st))
	state.setComputed(env)
	state.Description = types.StringNull()
	if d, ok := st.Data[naming.StampDescriptionKey].(string); ok {
		state.Description = types.StringValue(d)
	}
	if state.AdoptExisting.IsNull() {
		state.AdoptExisting = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *environmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan environmentResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, exists, ok := r.readStamp(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	if !r.writeStamp(ctx, plan, exists, &resp.Diagnostics) {
		return
	}
	plan.setComputed(r.client.Env())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete removes the stamp (all its versions) and keeps the mounts: the
// conventions' mount holds every app's secrets.
func (r *environmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if _, found, ok := r.readStamp(ctx, &resp.Diagnostics); !ok || !found {
		return
	}
	if err := r.client.DeleteKVMetadata(ctx, r.client.Env().StampMetadataPath()); err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Delete the Environment Stamp", err)
	}
}

func (r *environmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if r.client != nil && req.ID != r.client.Env().Name() {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("The import ID is the environment, and this provider is configured for %q, not %s. Import with the provider of that environment.", r.client.Env().Name(), naming.Describe(req.ID)))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
