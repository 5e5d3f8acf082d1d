package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

var (
	_ resource.Resource                   = &appSecretPathResource{}
	_ resource.ResourceWithConfigure      = &appSecretPathResource{}
	_ resource.ResourceWithImportState    = &appSecretPathResource{}
	_ resource.ResourceWithModifyPlan     = &appSecretPathResource{}
	_ resource.ResourceWithValidateConfig = &appSecretPathResource{}
)

// NewAppSecretPathResource is the vaultboot_app_secret_path resource: an
// app's KV v2 secret home, its read and write policies and its Kubernetes
// auth role.
func NewAppSecretPathResource() resource.Resource {
	return &appSecretPathResource{}
}

type appSecretPathResource struct {
	client *vaultclient.Client
}

func (r *appSecretPathResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_secret_path"
}

func (r *appSecretPathResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *appSecretPathResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := appComputedAttributes()
	for name, a := range map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The app name, as used by `terraform import`.",
			Computed:            true,
		},
		"app": schema.StringAttribute{
			MarkdownDescription: "The app name `A`: " + naming.NameRule + ". It may not start with `deploy-` or `ca-sync-`. Changing it replaces the resource.",
			Required:            true,
			Validators:          []validator.String{validName()},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"description": schema.StringAttribute{
			MarkdownDescription: "What the app is, stored in the secret's KV metadata (key `" + naming.DescriptionKey + "`). Up to 512 printable bytes; `\"\"` means no description, like leaving it out (both read back as `\"\"`).",
			Optional:            true,
			Computed:            true,
			PlanModifiers:       []planmodifier.String{emptyIfUnset{}},
			Validators:          []validator.String{optionalMetadataValue("Description")},
		},
		"max_versions": schema.Int64Attribute{
			MarkdownDescription: "How many versions of the secret Vault keeps. Default `10`; `0` means the mount's setting.",
			Optional:            true,
			Computed:            true,
			Default:             int64default.StaticInt64(10),
			Validators:          []validator.Int64{int64validator.AtLeast(0)},
		},
		"cas_required": schema.BoolAttribute{
			MarkdownDescription: "Whether every write of the secret must pass the `cas` (check-and-set) version. Default `false`.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
		},
		"delete_version_after": schema.StringAttribute{
			MarkdownDescription: "How long a version lives before Vault soft-deletes it, e.g. `\"720h\"` or `\"30d\"`. Default `\"0s\"` (never).",
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString("0s"),
			Validators:          []validator.String{validDuration()},
			PlanModifiers:       durationPlanModifiers(),
		},
		"custom_metadata": schema.MapAttribute{
			MarkdownDescription: fmt.Sprintf("Extra KV `custom_metadata` for the secret, merged with vaultboot's own keys (%s), which may not be set here; `{}` means the same as leaving it out. At most %d entries; keys of 1 to 128 bytes, values of 1 to 512 printable bytes.", strings.Join(quoteCode(naming.ReservedMetadataKeys), ", "), maxUserMetadataKeys),
			ElementType:         types.StringType,
			Optional:            true,
			Computed:            true,
			PlanModifiers:       []planmodifier.Map{emptyIfUnset{}},
			Validators: []validator.Map{
				mapvalidator.SizeAtMost(maxUserMetadataKeys),
				mapvalidator.KeysAre(metadataKey()),
				mapvalidator.ValueStringsAre(metadataValue("Metadata Value")),
			},
		},
		"purge_on_destroy": schema.BoolAttribute{
			MarkdownDescription: "Whether destroy also deletes the secret's metadata and **every stored version**. Default `false`: destroy removes the policies and the role and keeps the secret, marking its metadata with `" + naming.RemovedKey + "`.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
		},
		"adopt_existing": schema.BoolAttribute{
			MarkdownDescription: "Whether create may take over objects that already exist and are not marked as this app's (the KV metadata, the policies, the role). Default `false`: create fails on them instead.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
		},
		"allow_wildcard": schema.BoolAttribute{
			MarkdownDescription: "Whether `kubernetes.namespaces` or `kubernetes.service_accounts` may be `[\"*\"]` (any namespace or any service account). Default `false`; when `true`, a wildcard produces a plan-time warning.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
		},
		"read_policy_document": schema.StringAttribute{
			MarkdownDescription: "The read policy's HCL as Vault holds it. An edit made outside Terraform shows as a change in the next plan and apply restores it.",
			Computed:            true,
		},
		"template_format": schema.StringAttribute{
			MarkdownDescription: "The format of the file the injected Vault Agent renders from the secret; every value round-trips byte for byte. " +
				"`shell` (default): `/vault/secrets/app.env` with one `export KEY='value'` line per key (a `'` in a value is written `'\\''`), for `source` in a shell. " +
				"`dotenv`: `/vault/secrets/app.env` with `KEY=\"value\"` lines, backslash, double quote, newline and carriage return escaped as `\\\\`, `\\\"`, `\\n` and `\\r`, `$` as is (read it without variable interpolation, e.g. python-dotenv's `interpolate=False`). " +
				"`json`: `/vault/secrets/app.json`, the secret's data as one JSON object. " +
				"`shell` and `dotenv` render only keys that are shell variable names (`" + naming.EnvKeyPattern + "`) and leave other keys out; use `json` for secrets with other keys.",
			Optional:   true,
			Computed:   true,
			Default:    stringdefault.StaticString(naming.FormatShell),
			Validators: []validator.String{stringvalidator.OneOf(naming.AgentFormats...)},
		},
		"injector_tls": injectorTLSAttribute(),
		"write_policy_document": schema.StringAttribute{
			MarkdownDescription: "The write policy's HCL as Vault holds it. An edit made outside Terraform shows as a change in the next plan and apply restores it.",
			Computed:            true,
		},
	} {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An app's secret home and who may use it: the KV v2 metadata of `E/A` (never a secret value), " +
			"the read policy `E-A-read` for its workload, the write policy `E-A-write` for its owners, and optionally the " +
			"Kubernetes auth role `E-A` its pods log in with through the Vault Agent Injector.",
		Attributes: attrs,
		Blocks: map[string]schema.Block{
			"kubernetes": appKubernetesBlock(),
		},
	}
}

// appComputedAttributes are the names derived from the app name alone.
func appComputedAttributes() map[string]schema.Attribute {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	return map[string]schema.Attribute{
		"path":            computed("The secret's logical KV path `E/A`."),
		"data_path":       computed("The secret's KV v2 data API path, e.g. `secret/data/E/A`."),
		"read_policy":     computed("The read policy's name `E-A-read`: read the secret and its sub-paths, read and list their metadata."),
		"write_policy":    computed("The write policy's name `E-A-write`: write, patch, soft-delete and undelete; never destroy versions or delete metadata."),
		"kubernetes_role": computed("The Kubernetes auth role's name `E-A`; null without a `kubernetes` block, which is when no role is made."),
		"agent_annotations": schema.MapAttribute{
			MarkdownDescription: "The pod annotations for the Vault Agent Injector: log in with the app's role and render every key of the secret into `/vault/secrets/app.env` (`app.json` for `template_format = \"json\"`); with `injector_tls`, also `vault.hashicorp.com/tls-secret` and `vault.hashicorp.com/ca-cert`. Null without a `kubernetes` block.",
			ElementType:         types.StringType,
			Computed:            true,
		},
	}
}

func appKubernetesBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "The Kubernetes auth role `E-A` the app's pods log in with. Without this block no role is made.",
		Attributes: map[string]schema.Attribute{
			"namespaces": schema.SetAttribute{
				MarkdownDescription: "Required. Namespaces whose service accounts may log in. `[\"*\"]` (any namespace) needs `allow_wildcard = true`.",
				ElementType:         types.StringType,
				Optional:            true, // required in the block: see ValidateConfig
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringCheck{description: "Namespace", check: naming.ValidateNamespace}),
				},
			},
			"service_accounts": schema.SetAttribute{
				MarkdownDescription: "Required. Service accounts that may log in. `[\"*\"]` (any service account) needs `allow_wildcard = true`.",
				ElementType:         types.StringType,
				Optional:            true, // required in the block: see ValidateConfig
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringCheck{description: "Service Account", check: naming.ValidateServiceAccount}),
				},
			},
			"audience": schema.StringAttribute{
				MarkdownDescription: "The audience the service account token must carry. Unset: no audience check.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"token_ttl": schema.StringAttribute{
				MarkdownDescription: "Lifetime of the Vault token a pod gets, e.g. `\"1h\"`. Unset: the mount's default.",
				Optional:            true,
				Validators:          []validator.String{validDuration()},
				PlanModifiers:       durationPlanModifiers(),
			},
			"token_max_ttl": schema.StringAttribute{
				MarkdownDescription: "Maximum lifetime of the token including renewals, e.g. `\"24h\"`. Unset: the mount's default.",
				Optional:            true,
				Validators:          []validator.String{validDuration()},
				PlanModifiers:       durationPlanModifiers(),
			},
			"token_policies": schema.ListAttribute{
				MarkdownDescription: "The role's token policies as Vault holds them: always exactly the app's read policy. Extra policies found on an imported role show here and apply removes them.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

// ValidateConfig checks what one attribute's validator cannot: injector TLS
// against the kubernetes block, the attributes the kubernetes block
// requires (required attributes of a single nested block would be enforced
// even without the block), wildcards against allow_wildcard, and the TTL
// pair. It reads only the attributes it checks: Terraform validates every
// instance in every plan, and decoding the whole configuration was a large
// part of that cost (make bench).
func (r *appSecretPathResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m appSecretPathModel
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("kubernetes"), &m.Kubernetes)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("injector_tls"), &m.InjectorTLS)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("allow_wildcard"), &m.AllowWildcard)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkInjectorTLS(ctx, &m, &resp.Diagnostics)
	k := m.Kubernetes
	if k == nil {
		return
	}
	for _, a := range []struct {
		name string
		v    types.Set
	}{{"namespaces", k.Namespaces}, {"service_accounts", k.ServiceAccounts}} {
		if a.v.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("kubernetes").AtName(a.name), "Missing Required Attribute",
				fmt.Sprintf("The kubernetes block needs %s: list who may log in as this app, or drop the block for an app without a Kubernetes role.", a.name))
		}
	}
	if !m.AllowWildcard.IsUnknown() { // e.g. a variable during terraform validate
		allow := m.AllowWildcard.ValueBool()
		checkWildcard(ctx, path.Root("kubernetes").AtName("namespaces"), k.Namespaces, allow, "the named service accounts of any namespace", resp)
		checkWildcard(ctx, path.Root("kubernetes").AtName("service_accounts"), k.ServiceAccounts, allow, "any service account of the bound namespaces", resp)
	}
	if k.TokenTTL.IsNull() || k.TokenTTL.IsUnknown() || k.TokenMaxTTL.IsNull() || k.TokenMaxTTL.IsUnknown() {
		return
	}
	ttl, err1 := parseDuration(k.TokenTTL.ValueString())
	maxTTL, err2 := parseDuration(k.TokenMaxTTL.ValueString())
	if err1 == nil && err2 == nil && maxTTL > 0 && ttl > maxTTL {
		resp.Diagnostics.AddAttributeError(path.Root("kubernetes").AtName("token_ttl"), "Token TTL Above Maximum",
			fmt.Sprintf("token_ttl %s is longer than token_max_ttl %s: use a token_ttl of at most token_max_ttl.", k.TokenTTL.ValueString(), k.TokenMaxTTL.ValueString()))
	}
}

// checkWildcard refuses "*" mixed with names (Vault refuses it too) and "*"
// without allow_wildcard; with allow_wildcard it warns, because any pod of
// that scope can then read the app's secret.
func checkWildcard(ctx context.Context, p path.Path, set types.Set, allow bool, scope string, resp *resource.ValidateConfigResponse) {
	if set.IsNull() || set.IsUnknown() {
		return
	}
	var vals []types.String
	resp.Diagnostics.Append(set.ElementsAs(ctx, &vals, false)...)
	hasWildcard := false
	for _, v := range vals {
		hasWildcard = hasWildcard || v.ValueString() == naming.Wildcard
	}
	switch {
	case !hasWildcard:
	case len(vals) > 1:
		resp.Diagnostics.AddAttributeError(p, "Wildcard Mixed With Names",
			fmt.Sprintf("%q matches everything, so it must be the only element: use [%q] or a list of names.", naming.Wildcard, naming.Wildcard))
	case !allow:
		resp.Diagnostics.AddAttributeError(p, "Wildcard Not Allowed",
			fmt.Sprintf("[%q] would let %s log in as this app and read its secret. Use explicit names, or set allow_wildcard = true if that is really intended.", naming.Wildcard, scope))
	default:
		resp.Diagnostics.AddAttributeWarning(p, "Wildcard Binding",
			fmt.Sprintf("[%q] lets %s log in as this app and read its secret (allow_wildcard = true).", naming.Wildcard, scope))
	}
}

// ModifyPlan fills in every computed attribute: they all follow from the app
// name and the provider's conventions, so the plan shows exact values, and a
// policy or role edited outside Terraform (Read stores what Vault holds)
// shows as an in-place update back to the expected contents.
func (r *appSecretPathResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.client == nil || !planGuard(ctx, r.client, req.Plan, &resp.Diagnostics) || req.Plan.Raw.IsNull() {
		return
	}
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("app"), &name)...)
	if resp.Diagnostics.HasError() || name.IsUnknown() {
		return
	}
	app, err := r.client.Env().App(name.ValueString())
	if err != nil {
		return // the attribute validator has reported it
	}
	inputs, diags := plannedInputs(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	checkInjectorTLS(ctx, &inputs, &resp.Diagnostics) // its value may be known only now
	if plannedAsExpected(ctx, req.Plan.Raw, inputs, app) {
		return // a plan without changes: nothing to fill in or replace
	}
	var plan appSecretPathModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !requireMounts(ctx, r.client, plan.Kubernetes != nil, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(plan.setNames(ctx, app)...)
	if plan.Kubernetes != nil {
		plan.Kubernetes.TokenPolicies = stringList([]string{app.ReadPolicyName()})
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if req.State.Raw.IsNull() {
		return
	}
	// A new environment or KV mount means other Vault objects altogether.
	var state appSecretPathModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if !state.DataPath.IsNull() && !state.DataPath.Equal(plan.DataPath) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("data_path"))
	}
}

func (r *appSecretPathResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan appSecretPathModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !checkEnvironment(ctx, r.client, &resp.Diagnostics) {
		return
	}
	app, ok := r.app(plan.App, &resp.Diagnostics)
	if !ok {
		return
	}
	if !requireMounts(ctx, r.client, plan.Kubernetes != nil, &resp.Diagnostics) {
		return
	}
	if !plan.AdoptExisting.ValueBool() {
		existing, err := observeApp(ctx, r.client, app)
		if err != nil {
			addVaultError(&resp.Diagnostics, "Unable to Check for Existing App Objects", err)
			return
		}
		for _, f := range existing.foreign(app, plan.Kubernetes != nil) {
			resp.Diagnostics.AddAttributeError(path.Root("app"), "App Object Already Exists",
				fmt.Sprintf("%s is not marked as vaultboot's for %s and already exists; import it or set adopt_existing = true to take it over.", f, app.Owner()))
		}
		if resp.Diagnostics.HasError() || !claimMarked(&resp.Diagnostics, r.client.Env().Owner(), app.Name(), false, existing.marked(r.client.Env(), app)) {
			return
		}
	}
	desired, diags := plan.desired(ctx, app)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A write that fails part way still records the app in state: Terraform
	// marks it tainted, so the next apply replaces it (or destroy removes
	// it) and nothing is left outside state. That replacement must not
	// purge: the secret may hold versions from before this create (a kept
	// secret picked up again), so the tainted state never asks for it.
	if err := writeApp(ctx, r.client, app, desired, false); err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Create App Secret Path", err)
		plan.PurgeOnDestroy = types.BoolValue(false)
	}
	plan.ID = plan.App
	setCreatedState(ctx, &resp.State, &plan, &resp.Diagnostics)
}

func (r *appSecretPathResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state appSecretPathModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !checkEnvironment(ctx, r.client, &resp.Diagnostics) {
		return
	}
	app, ok := r.app(state.App, &resp.Diagnostics)
	if !ok {
		return
	}
	got, err := observeApp(ctx, r.client, app)
	if err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Read App Secret Path", err)
		return
	}
	importing := isImporting(ctx, req.Private, resp.Private, &resp.Diagnostics)
	if got.gone(state.Kubernetes != nil, importing) {
		resp.State.RemoveResource(ctx)
		return
	}
	if got.readDoc != nil && !importing {
		warnOtherOwner(&resp.Diagnostics, fmt.Sprintf("the policy %q", app.ReadPolicyName()), r.client.Env().JudgePolicy(app.Owner(), *got.readDoc))
	}
	prior := state.clone()
	resp.Diagnostics.Append(state.setObserved(ctx, app, got, importing)...)
	resp.Diagnostics.Append(setReadState(ctx, &resp.State, &prior, &state)...)
}

func (r *appSecretPathResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state appSecretPathModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !checkEnvironment(ctx, r.client, &resp.Diagnostics) {
		return
	}
	app, ok := r.app(plan.App, &resp.Diagnostics)
	if !ok {
		return
	}
	desired, diags := plan.desired(ctx, app)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Every apply writes the full set, which also repairs lost markers.
	removeRole := plan.Kubernetes == nil && state.Kubernetes != nil
	if err := writeApp(ctx, r.client, app, desired, removeRole); err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Update App Secret Path", err)
		return
	}
	plan.ID = plan.App
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *appSecretPathResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state appSecretPathModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !checkEnvironment(ctx, r.client, &resp.Diagnostics) {
		return
	}
	app, ok := r.app(state.App, &resp.Diagnostics)
	if !ok {
		return
	}
	warning, err := deleteApp(ctx, r.client, app, state.Kubernetes != nil, state.PurgeOnDestroy.ValueBool(), time.Now())
	if err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Delete App Secret Path", err)
		return
	}
	if warning != "" {
		resp.Diagnostics.AddWarning("App Secret Left Untouched", warning)
	}
}

// ImportState takes the app name. The flags that only steer create and
// destroy are not stored in Vault, so an import starts them at their
// defaults; the Read that follows reads every stored field back.
func (r *appSecretPathResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := naming.ValidateName(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("The import ID is the app name. %s.", capitalize(err.Error())))
		return
	}
	for name, v := range map[string]any{
		"id": req.ID, "app": req.ID,
		"purge_on_destroy": false, "adopt_existing": false, "allow_wildcard": false,
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
	markImporting(ctx, resp.Private, &resp.Diagnostics)
}

// app binds a validated app name to the provider's environment.
func (r *appSecretPathResource) app(name types.String, diags *diag.Diagnostics) (naming.App, bool) {
	app, err := r.client.Env().App(name.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("app"), "Invalid Name", capitalize(err.Error())+".")
		return naming.App{}, false
	}
	return app, true
}
