package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// environmentResource is the vaultboot_environment resource: it stamps a
// Vault with the provider's environment, which every other
// resource then checks.
type environmentResource struct{ vaultResource }

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
		if _, _, ok := r.preflight(ctx, plan, false, &resp.Diagnostics); !ok {
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
	absent, stamped, ok := r.preflight(ctx, plan, true, &resp.Diagnostics)
	if !ok || !r.write(ctx, plan, absent, stamped, &resp.Diagnostics) {
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
	st, found, ok := r.readStamp(ctx, &resp.Diagnostics)
	if !ok {
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
	if !r.write(ctx, plan, nil, exists, &resp.Diagnostics) {
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

// preflight runs every check of Create before its first write, so a refused
// create changes nothing: the stamp mount and the KV mount are absent
// (returned: Create enables them) or KV v2, the stamp, if any, names this
// environment, and the fixed location is unstamped (or adopt_existing is
// set; stamped is then true).
func (r *environmentResource) preflight(ctx context.Context, plan environmentResourceModel, atApply bool, diags *diag.Diagnostics) (absent []string, stamped, ok bool) {
	o, err := observeEnvironment(ctx, r.client)
	if err != nil {
		addVaultError(diags, "Unable to Read the Environment's Mounts and Stamp", err)
		return nil, false, false
	}
	for i, m := range o.mounts {
		switch got := o.mount[i]; {
		case got == nil:
			absent = append(absent, m)
		case !isKVv2(got):
			r.addMountError(m, got, diags)
			return nil, false, false
		}
	}
	if !r.checkStamp(o.stamp, o.stamped, diags) {
		return nil, false, false
	}
	if !o.stamped {
		return absent, false, true
	}
	own := r.ownership(plan.AdoptExisting)
	own.atApply = atApply
	return absent, true, own.claim(ctx, diags, r.judged(o.stamp))
}

// addMountError reports a mount that is not KV v2: vaultboot never
// replaces or retunes a mount.
func (r *environmentResource) addMountError(mount string, m *vaultclient.SecretsMount, diags *diag.Diagnostics) {
	fix := "set the provider's conventions.kv_mount to a KV v2 mount"
	if mount == naming.StampMount {
		fix = fmt.Sprintf("move that mount: %q is where vaultboot keeps the environment stamp", naming.StampMount)
	}
	if m.Type == "kv" || m.Type == "generic" {
		diags.AddError("KV Mount Is Not Version 2", fmt.Sprintf("The mount %s at %s is KV version 1 (options.version = %q); vaultboot needs KV v2 and never retunes an existing mount. Upgrade it yourself (vault kv enable-versioning %s) or %s.", naming.Describe(mount), r.client.Address(), m.Version, mount, fix))
		return
	}
	diags.AddError("KV Mount Is Not a KV Mount", fmt.Sprintf("The mount %s at %s is a %q secrets engine, not KV v2; vaultboot never replaces an existing mount. %s.", naming.Describe(mount), r.client.Address(), m.Type, capitalize(fix)))
}

// judged: the stamp's data carries its marks too, so judging it costs no
// read beyond the guard's.
func (r *environmentResource) judged(cur vaultclient.Stamp) []existingObject {
	env := r.client.Env()
	what := fmt.Sprintf("the environment stamp %q at %s on the Vault at %s", cur.Environment, env.StampDataPath(), r.client.Address())
	return []existingObject{{what: what, verdict: env.JudgeMetadata(env.StampOwner(), vaultclient.AsStringMap(cur.Data))}}
}

// ownership is the stamp's side of every "already exists" decision.
func (r *environmentResource) ownership(adopt types.Bool) ownership {
	env := r.client.Env()
	return ownership{owner: env.Owner(), identity: "environment " + env.StampOwner(), importID: env.Name(), adopt: adopt.ValueBool()}
}

// readStamp reads the stamp, which must be this environment's or absent.
func (r *environmentResource) readStamp(ctx context.Context, diags *diag.Diagnostics) (st vaultclient.Stamp, found, ok bool) {
	st, found, err := r.client.ReadStamp(ctx)
	if err != nil {
		addVaultError(diags, "Unable to Read the Environment Stamp", err)
		return st, false, false
	}
	return st, found, r.checkStamp(st, found, diags)
}

// checkStamp refuses a stamp of another environment: that Vault belongs to
// another project and is never re-stamped. For this resource a missing
// stamp is not a warning: creating it is the resource's job.
func (r *environmentResource) checkStamp(st vaultclient.Stamp, found bool, diags *diag.Diagnostics) bool {
	if _, err := r.client.Verdict(st, found); err != nil {
		diags.AddError("Environment Mismatch", capitalize(err.Error())+". vaultboot never re-stamps another environment's Vault.")
		return false
	}
	return true
}

// write enables the absent mounts, then writes the stamp (exists: over a
// stamp of this environment).
func (r *environmentResource) write(ctx context.Context, plan environmentResourceModel, absent []string, exists bool, diags *diag.Diagnostics) bool {
	if err := enableKVMounts(ctx, r.client, absent); err != nil {
		addVaultError(diags, "Unable to Create the KV v2 Mount", err)
		return false
	}
	if summary, err := writeEnvironmentStamp(ctx, r.client, plan.Description.ValueString(), exists); err != nil {
		addVaultError(diags, summary, err)
		return false
	}
	return true
}
