package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// appSecretPathResource is the vaultboot_app_secret_path resource: an
// app's KV v2 secret home, its read and write policies and its Kubernetes
// auth role.
type appSecretPathResource struct{ vaultResource }

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
		r.planCreate(ctx, app, plan, &resp.Diagnostics)
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
	plan, app, ok := begin[appSecretPathModel, naming.App](ctx, r.client, req.Plan, &resp.Diagnostics)
	if !ok || !requireMounts(ctx, r.client, plan.Kubernetes != nil, &resp.Diagnostics) {
		return
	}
	if _, ok := r.claimExisting(ctx, app, plan, true, &resp.Diagnostics); !ok {
		return
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
	state, app, ok := begin[appSecretPathModel, naming.App](ctx, r.client, req.State, &resp.Diagnostics)
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
		removeFromState(ctx, resp, app.Name(), "its KV metadata, a policy or its role is missing or not marked as this app's")
		return
	}
	r.ownership(app, state.AdoptExisting).observe(ctx, &resp.Diagnostics, importing, got.judged(r.client.Env(), app, false))
	prior := state.clone()
	resp.Diagnostics.Append(state.setObserved(ctx, app, got, importing)...)
	resp.Diagnostics.Append(setReadState(ctx, &resp.State, &prior, &state)...)
}

func (r *appSecretPathResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, app, ok := begin[appSecretPathModel, naming.App](ctx, r.client, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	var state appSecretPathModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
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
	state, app, ok := begin[appSecretPathModel, naming.App](ctx, r.client, req.State, &resp.Diagnostics)
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
	if err := naming.ValidateAppName(req.ID); err != nil {
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

// planCreate runs create's checks at plan time: the ownership decision,
// so a refusal fails the plan before any resource is created, and with
// adopt_existing a warning listing every field adoption overwrites (the
// plan itself shows only "create").
func (r *appSecretPathResource) planCreate(ctx context.Context, app naming.App, plan appSecretPathModel, diags *diag.Diagnostics) {
	existing, ok := r.claimExisting(ctx, app, plan, false, diags)
	if !ok || !plan.AdoptExisting.ValueBool() || !plan.knownForAdoption() {
		return
	}
	desired, d := plan.desired(ctx, app)
	if d.HasError() {
		return
	}
	if changes := adoptionChanges(app, existing, desired); len(changes) > 0 {
		diags.AddAttributeWarning(path.Root("adopt_existing"), "Adoption Overwrites Existing Settings",
			fmt.Sprintf("adopt_existing = true makes the existing objects of app %q follow this configuration, which changes %s.", app.Name(), strings.Join(changes, "; ")))
	}
}

// claimExisting lets the ownership helper judge the objects a create of
// the app finds: at plan time and again at apply.
func (r *appSecretPathResource) claimExisting(ctx context.Context, app naming.App, plan appSecretPathModel, atApply bool, diags *diag.Diagnostics) (appObjects, bool) {
	existing, err := observeApp(ctx, r.client, app)
	if err != nil {
		addVaultError(diags, "Unable to Check for Existing App Objects", err)
		return existing, false
	}
	own := r.ownership(app, plan.AdoptExisting)
	own.atApply = atApply
	return existing, own.claim(ctx, diags, existing.judged(r.client.Env(), app, plan.Kubernetes != nil))
}

// ownership is the app's side of every "already exists" decision.
func (r *appSecretPathResource) ownership(app naming.App, adopt types.Bool) ownership {
	return ownership{owner: r.client.Env().Owner(), identity: app.Owner(), importID: app.Name(), adopt: adopt.ValueBool(), attr: path.Root("app")}
}
