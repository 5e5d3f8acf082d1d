package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
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
	return &environmentResource{}
}

type environmentResource struct {
	client *vaultclient.Client
}

type environmentResourceModel struct {
	ID            types.String `tfsdk:"id"`
	Environment   types.String `tfsdk:"environment"`
	Description   types.String `tfsdk:"description"`
	KVMount       types.String `tfsdk:"kv_mount"`
	StampPath     types.String `tfsdk:"stamp_path"`
	AdoptExisting types.Bool   `tfsdk:"adopt_existing"`
}

func (r *environmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_environment"
}

func (r *environmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *environmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Stamps the Vault with the provider's `environment` at `vaultboot/data/environment` (a KV v2 mount `vaultboot` that no provider setting can move), so that a provider configured for another environment refuses to change it. Makes sure that mount and the conventions' KV v2 mount exist: it creates them when absent and never replaces or retunes an existing mount. A Vault stamped with another environment, at the fixed location or where vaultboot v1 kept stamps, is never re-stamped. Destroy removes the stamp, never a mount.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The environment `E`; the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "The environment the Vault is stamped with: the provider's `environment`. Configuring the provider for another environment replaces the resource, which then refuses to re-stamp.",
				Computed:            true,
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free text stored in the stamp, e.g. which cluster this Vault serves.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 1024)},
			},
			"kv_mount": schema.StringAttribute{
				MarkdownDescription: "The conventions' KV v2 mount, which holds the app secrets and vaultboot's CA sync documents; created when absent.",
				Computed:            true,
			},
			"stamp_path": schema.StringAttribute{
				MarkdownDescription: "The stamp's Vault API path, `vaultboot/data/environment`. A stamp found only where vaultboot v1 kept it (`secret/data/_vaultboot/environment` or `<kv_mount>/data/_vaultboot/environment`) shows that path until the next apply writes the stamp at the fixed location.",
				Computed:            true,
			},
			"adopt_existing": schema.BoolAttribute{
				MarkdownDescription: "Take over a stamp of the same environment that this resource did not create (e.g. after state loss). A stamp of another environment is refused regardless. Default `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
		},
	}
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
		if _, ok := r.preflight(ctx, plan, &resp.Diagnostics); !ok {
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

func (m *environmentResourceModel) setComputed(env naming.Env) {
	m.ID = types.StringValue(env.Name())
	m.Environment = types.StringValue(env.Name())
	m.KVMount = types.StringValue(env.KVMount())
	m.StampPath = types.StringValue(env.StampDataPath())
}

func (r *environmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan environmentResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pre, ok := r.preflight(ctx, plan, &resp.Diagnostics)
	if !ok || !r.enableMounts(ctx, pre.absentMounts, &resp.Diagnostics) {
		return
	}
	if !r.writeStamp(ctx, plan, pre.stamped, &resp.Diagnostics) {
		return
	}
	plan.setComputed(r.client.Env())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// preflightResult is what Create learns before its first write.
type preflightResult struct {
	// absentMounts are the stamp mount and the conventions' KV mount when
	// they do not exist yet: Create enables them.
	absentMounts []string
	// stamped is true when the stamp's fixed location holds a stamp of
	// this environment (adopted).
	stamped bool
}

// preflight runs every check of Create before its first write, so a refused
// create changes nothing: the stamp mount and the KV mount are absent or KV
// v2, no stamp anywhere names another environment, and the fixed location
// is unstamped (or adopt_existing is set).
func (r *environmentResource) preflight(ctx context.Context, plan environmentResourceModel, diags *diag.Diagnostics) (preflightResult, bool) {
	var pre preflightResult
	for _, m := range r.mounts() {
		found, ok := r.checkKVMount(ctx, m, diags)
		if !ok {
			return pre, false
		}
		if !found {
			pre.absentMounts = append(pre.absentMounts, m)
		}
	}
	stamps, ok := r.readStamps(ctx, diags)
	if !ok {
		return pre, false
	}
	env := r.client.Env()
	cur, found := stamps.Current(env)
	pre.stamped = found
	if !found || plan.AdoptExisting.ValueBool() {
		return pre, true
	}
	// The stamp's data carries its marks too, so judging it costs no read
	// beyond the guard's.
	v := env.JudgeMetadata(env.StampOwner(), vaultclient.AsStringMap(cur.Data))
	if v.Claim == naming.Foreign {
		diags.AddError("Environment Stamp Already Exists", fmt.Sprintf("The Vault at %s is already stamped environment %q at %s; import it or set adopt_existing = true (import ID: %s).", r.client.Address(), cur.Environment, cur.Path, cur.Environment))
		return pre, false
	}
	return pre, claimMarked(diags, env.Owner(), env.Name(), false, []markedObject{{"the environment stamp at " + cur.Path, v}})
}

// mounts are the KV v2 mounts this resource makes sure exist: the stamp's
// own and the conventions' (once when they are the same).
func (r *environmentResource) mounts() []string {
	if kv := r.client.Env().KVMount(); kv != naming.StampMount {
		return []string{naming.StampMount, kv}
	}
	return []string{naming.StampMount}
}

func (r *environmentResource) enableMounts(ctx context.Context, mounts []string, diags *diag.Diagnostics) bool {
	for _, m := range mounts {
		if err := r.client.EnableKVv2(ctx, m); err != nil {
			// Another first apply may have enabled it meanwhile: fine
			// when it is KV v2 now.
			if found, ok := r.checkKVMount(ctx, m, &diag.Diagnostics{}); found && ok {
				continue
			}
			addVaultError(diags, "Unable to Create the KV v2 Mount", err)
			return false
		}
	}
	return true
}

// checkKVMount makes sure a mount is absent (found is false: Create enables
// it) or KV v2. Any other mount is an error: vaultboot never replaces or
// retunes a mount.
func (r *environmentResource) checkKVMount(ctx context.Context, mount string, diags *diag.Diagnostics) (found, ok bool) {
	m, found, err := r.client.ReadSecretsMount(ctx, mount)
	if err != nil {
		addVaultError(diags, "Unable to Read the KV Mount", err)
		return false, false
	}
	if !found {
		return false, true
	}
	fix := "set the provider's conventions.kv_mount to a KV v2 mount"
	if mount == naming.StampMount {
		fix = fmt.Sprintf("move that mount: %q is where vaultboot keeps the environment stamp", naming.StampMount)
	}
	switch {
	case m.Type == "kv-v2" || (m.Type == "kv" && m.Version == "2"):
		return true, true
	case m.Type == "kv" || m.Type == "generic":
		diags.AddError("KV Mount Is Not Version 2", fmt.Sprintf("The mount %s at %s is KV version 1 (options.version = %q); vaultboot needs KV v2 and never retunes an existing mount. Upgrade it yourself (vault kv enable-versioning %s) or %s.", naming.Describe(mount), r.client.Address(), m.Version, mount, fix))
	default:
		diags.AddError("KV Mount Is Not a KV Mount", fmt.Sprintf("The mount %s at %s is a %q secrets engine, not KV v2; vaultboot never replaces an existing mount. %s.", naming.Describe(mount), r.client.Address(), m.Type, capitalize(fix)))
	}
	return true, false
}

// readStamps reads every place a stamp can be. A stamp of another
// environment anywhere is an error: that Vault belongs to another project
// and is never re-stamped. For this resource a missing stamp is not a
// warning: creating it is the resource's job.
func (r *environmentResource) readStamps(ctx context.Context, diags *diag.Diagnostics) (vaultclient.Stamps, bool) {
	stamps, err := r.client.ReadStamps(ctx)
	if err != nil {
		addVaultError(diags, "Unable to Read the Environment Stamp", err)
		return nil, false
	}
	if _, err := r.client.Verdict(stamps); err != nil {
		diags.AddError("Environment Mismatch", capitalize(err.Error())+". vaultboot never re-stamps another environment's Vault.")
		return nil, false
	}
	return stamps, true
}

// writeStamp writes the markers first, then the stamp: a run that stops in
// between leaves marked metadata without a stamp, which the next apply's
// create completes. A first stamp is written with check-and-set 0, so of
// two first applies at once exactly one stamps the Vault.
func (r *environmentResource) writeStamp(ctx context.Context, plan environmentResourceModel, exists bool, diags *diag.Diagnostics) bool {
	env := r.client.Env()
	meta := vaultclient.KVMetadata{DeleteVersionAfter: "0s", CustomMetadata: env.StampMarkers()}
	if err := r.client.WriteKVMetadata(ctx, env.StampMetadataPath(), meta); err != nil {
		addVaultError(diags, "Unable to Mark the Environment Stamp", err)
		return false
	}
	data := env.Stamp(plan.Description.ValueString())
	if exists {
		if err := r.client.WriteKVData(ctx, env.StampDataPath(), data); err != nil {
			addVaultError(diags, "Unable to Write the Environment Stamp", err)
			return false
		}
		return true
	}
	err := r.client.CreateKVData(ctx, env.StampDataPath(), data)
	var conflict *vaultclient.CASConflictError
	if errors.As(err, &conflict) {
		stamps, ok := r.readStamps(ctx, diags)
		if _, found := stamps.Current(env); ok && !found {
			// The latest version was deleted, not written by another
			// apply: writing over it is creating the stamp.
			return r.writeStamp(ctx, plan, true, diags)
		}
		if ok {
			diags.AddError("Environment Stamped Concurrently", fmt.Sprintf("Another apply stamped the Vault at %s with environment %q at %s while this one ran; run plan again (it then shows the stamp to import or adopt).", r.client.Address(), env.Name(), env.StampDataPath()))
		}
		return false
	}
	if err != nil {
		addVaultError(diags, "Unable to Write the Environment Stamp", err)
		return false
	}
	return true
}

func (r *environmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state environmentResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	stamps, err := r.client.ReadStamps(ctx)
	if err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Read the Environment Stamp", err)
		return
	}
	if _, err := r.client.Verdict(stamps); err != nil {
		resp.Diagnostics.AddError("Environment Mismatch", capitalize(err.Error())+".")
		return
	}
	if len(stamps) == 0 {
		resp.State.RemoveResource(ctx)
		return
	}
	env := r.client.Env()
	// A stamp found only where v1 kept it stays in state with that path,
	// so the plan shows the update that writes it at its fixed location.
	st, ok := stamps.Current(env)
	state.setComputed(env)
	if !ok {
		st = stamps[0]
		state.StampPath = types.StringValue(st.Path)
	}
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
	stamps, ok := r.readStamps(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	_, exists := stamps.Current(r.client.Env())
	if !exists && !r.ensureStampMount(ctx, &resp.Diagnostics) {
		return
	}
	if !r.writeStamp(ctx, plan, exists, &resp.Diagnostics) {
		return
	}
	plan.setComputed(r.client.Env())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// ensureStampMount enables the stamp mount when a stamp moves there from
// where v1 kept it.
func (r *environmentResource) ensureStampMount(ctx context.Context, diags *diag.Diagnostics) bool {
	found, ok := r.checkKVMount(ctx, naming.StampMount, diags)
	if !ok {
		return false
	}
	return found || r.enableMounts(ctx, []string{naming.StampMount}, diags)
}

// Delete removes the stamp (all its versions) and keeps the mounts: the
// conventions' mount holds every app's secrets. A stamp where v1 kept it is
// left alone: vaultboot only reads those.
func (r *environmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	stamps, ok := r.readStamps(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	if _, found := stamps.Current(r.client.Env()); !found {
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
