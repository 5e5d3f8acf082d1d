package provider

import (
	"context"
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
// Vault with the provider's environment (SPEC §4), which every other
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
		MarkdownDescription: "Stamps the Vault with the provider's `environment` at `secret/data/_vaultboot/environment`, so that a provider configured for another environment refuses to change it. Makes sure the conventions' KV v2 mount exists: it creates it when absent and never replaces or retunes an existing mount. A Vault stamped with another environment is never re-stamped. Destroy removes the stamp, never the mount.",
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
				MarkdownDescription: "The conventions' KV v2 mount holding the stamp and vaultboot's documents.",
				Computed:            true,
			},
			"stamp_path": schema.StringAttribute{
				MarkdownDescription: "The stamp's Vault API path, `secret/data/_vaultboot/environment`.",
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
	if req.Plan.Raw.IsNull() || r.client == nil {
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
	env := r.client.Env()
	mountFound, ok := r.preflight(ctx, plan, &resp.Diagnostics)
	if !ok {
		return
	}
	if !mountFound {
		if err := r.client.EnableKVv2(ctx, env.KVMount()); err != nil {
			addVaultError(&resp.Diagnostics, "Unable to Create the KV v2 Mount", err)
			return
		}
	}
	if !r.writeStamp(ctx, plan, &resp.Diagnostics) {
		return
	}
	plan.setComputed(env)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// preflight runs every check of Create before its first write, so a refused
// create changes nothing: the KV mount is absent or KV v2, and the Vault is
// unstamped (or stamped with this environment and adopt_existing is set).
func (r *environmentResource) preflight(ctx context.Context, plan environmentResourceModel, diags *diag.Diagnostics) (mountFound, ok bool) {
	mountFound, ok = r.checkKVMount(ctx, diags)
	if !ok {
		return false, false
	}
	stamped, ok := r.readStamp(ctx, diags)
	if !ok {
		return false, false
	}
	if stamped != "" && !plan.AdoptExisting.ValueBool() {
		env := r.client.Env()
		diags.AddError("Environment Stamp Already Exists", fmt.Sprintf("The Vault at %s is already stamped environment %q at %s; import it or set adopt_existing = true (import ID: %s).", r.client.Address(), stamped, env.StampDataPath(), stamped))
		return false, false
	}
	return mountFound, true
}

// checkKVMount makes sure the conventions' KV mount is absent (found is
// false: Create enables it) or KV v2. Any other mount is an error: vaultboot
// never replaces or retunes a mount.
func (r *environmentResource) checkKVMount(ctx context.Context, diags *diag.Diagnostics) (found, ok bool) {
	mount := r.client.Env().KVMount()
	m, found, err := r.client.ReadSecretsMount(ctx, mount)
	if err != nil {
		addVaultError(diags, "Unable to Read the KV Mount", err)
		return false, false
	}
	if !found {
		return false, true
	}
	switch {
	case m.Type == "kv-v2" || (m.Type == "kv" && m.Version == "2"):
		return true, true
	case m.Type == "kv" || m.Type == "generic":
		diags.AddError("KV Mount Is Not Version 2", fmt.Sprintf("The mount %s at %s is KV version 1 (options.version = %q); vaultboot needs KV v2 and never retunes an existing mount. Upgrade it yourself (vault kv enable-versioning %s) or set the provider's conventions.kv_mount to a KV v2 mount.", naming.Describe(mount), r.client.Address(), m.Version, mount))
	default:
		diags.AddError("KV Mount Is Not a KV Mount", fmt.Sprintf("The mount %s at %s is a %q secrets engine, not KV v2; vaultboot never replaces an existing mount. Set the provider's conventions.kv_mount to a KV v2 mount or a free path.", naming.Describe(mount), r.client.Address(), m.Type))
	}
	return true, false
}

// readStamp returns the environment the Vault is stamped with ("" when it
// has none). A stamp of another environment is an error: that Vault belongs
// to another project and is never re-stamped. For this resource a missing
// stamp is not a warning: creating it is the resource's job.
func (r *environmentResource) readStamp(ctx context.Context, diags *diag.Diagnostics) (string, bool) {
	stamped, err := r.client.ReadStamp(ctx)
	if err != nil {
		addVaultError(diags, "Unable to Read the Environment Stamp", err)
		return "", false
	}
	if want := r.client.Env().Name(); stamped != "" && stamped != want {
		mismatch := &vaultclient.EnvironmentMismatchError{Address: r.client.Address(), Stamped: stamped, Configured: want}
		diags.AddError("Environment Mismatch", capitalize(mismatch.Error())+". vaultboot never re-stamps another environment's Vault.")
		return "", false
	}
	return stamped, true
}

func (r *environmentResource) writeStamp(ctx context.Context, plan environmentResourceModel, diags *diag.Diagnostics) bool {
	env := r.client.Env()
	if err := r.client.WriteKVData(ctx, env.StampDataPath(), env.Stamp(plan.Description.ValueString())); err != nil {
		addVaultError(diags, "Unable to Write the Environment Stamp", err)
		return false
	}
	meta := vaultclient.KVMetadata{DeleteVersionAfter: "0s", CustomMetadata: env.StampMarkers()}
	if err := r.client.WriteKVMetadata(ctx, env.StampMetadataPath(), meta); err != nil {
		addVaultError(diags, "Unable to Mark the Environment Stamp", err)
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
	env := r.client.Env()
	data, found, err := r.client.ReadKVData(ctx, env.StampDataPath())
	if err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Read the Environment Stamp", err)
		return
	}
	stamped, _ := data[naming.StampEnvironmentKey].(string)
	if !found || stamped == "" {
		resp.State.RemoveResource(ctx)
		return
	}
	if stamped != env.Name() {
		mismatch := &vaultclient.EnvironmentMismatchError{Address: r.client.Address(), Stamped: stamped, Configured: env.Name()}
		resp.Diagnostics.AddError("Environment Mismatch", capitalize(mismatch.Error())+".")
		return
	}
	state.setComputed(env)
	state.Description = types.StringNull()
	if d, ok := data[naming.StampDescriptionKey].(string); ok {
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
	if _, ok := r.readStamp(ctx, &resp.Diagnostics); !ok {
		return
	}
	if !r.writeStamp(ctx, plan, &resp.Diagnostics) {
		return
	}
	plan.setComputed(r.client.Env())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete removes the stamp (all its versions) and keeps the mount: it holds
// every app's secrets.
func (r *environmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	stamped, ok := r.readStamp(ctx, &resp.Diagnostics)
	if !ok || stamped == "" {
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
