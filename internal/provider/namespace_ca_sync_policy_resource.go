package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/cabundle"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// caSyncPolicyResource is the vaultboot_namespace_ca_sync_policy
// resource: it publishes the internal CA to a namespace syncer.
type caSyncPolicyResource struct{ vaultResource }

// ModifyPlan fills in the computed values from the configuration and the
// live CA source, so the plan shows exactly what apply will write: a rotated
// CA, or a policy, role or document changed out of band, becomes a diff.
func (r *caSyncPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.client == nil || !planGuard(ctx, r.client, req.Plan, &resp.Diagnostics) || req.Plan.Raw.IsNull() {
		return
	}
	var plan caSyncPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.Name.IsUnknown() || !requireMounts(ctx, r.client, true, &resp.Diagnostics) {
		return
	}
	cs, err := r.client.Env().CASync(plan.Name.ValueString())
	if err != nil {
		return // the name's validator reports it
	}
	if req.State.Raw.IsNull() && !r.claimExisting(ctx, cs, plan.AdoptExisting, false, &resp.Diagnostics) {
		return
	}
	plan.setNames(cs)
	plan.setInjectorTLS()
	plan.Policy, plan.Document = types.StringUnknown(), types.StringUnknown()
	plan.CAFingerprintSHA256, plan.CANotAfter = types.StringUnknown(), types.StringUnknown()
	src, known, err := plan.CASource.source(cs)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("ca_source"), "Invalid CA Source", capitalize(err.Error())+".")
		return
	}
	if known {
		plan.Policy = types.StringValue(cs.Policy(src.src))
		if b := r.planBundle(ctx, cs, src, &resp.Diagnostics); b != nil {
			plan.CAFingerprintSHA256 = types.StringValue(b.FingerprintSHA256)
			plan.CANotAfter = types.StringValue(rfc3339(b.NotAfter))
			if doc, ok := plan.document(cs, src, b, &resp.Diagnostics); ok {
				plan.Document = types.StringValue(doc)
			}
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planBundle reads the CA at plan time. A source that does not exist yet
// only warns (the same apply may create it; apply then fails if it still
// does not); a source holding something wrong is an error.
func (r *caSyncPolicyResource) planBundle(ctx context.Context, cs naming.CASync, src caSource, diags *diag.Diagnostics) *cabundle.Bundle {
	b, err := readCABundle(ctx, r.client, cs, src)
	if isSourceMissing(err) {
		diags.AddAttributeWarning(path.Root("ca_source"), "CA Source Not Readable Yet",
			capitalize(err.Error())+". The CA is read again at apply, which fails if the source is still missing or empty.")
		return nil
	}
	if err != nil {
		addSourceError(diags, err)
		return nil
	}
	warning, err := b.Check(time.Now())
	if err != nil {
		diags.AddAttributeError(path.Root("ca_source"), "CA Certificate Expired", capitalize(err.Error())+".")
		return nil
	}
	if warning != "" {
		diags.AddAttributeWarning(path.Root("ca_source"), "CA Certificate Expires Soon", capitalize(warning)+".")
	}
	return b
}

func addSourceError(diags *diag.Diagnostics, err error) {
	var se *sourceError
	if errors.As(err, &se) {
		diags.AddAttributeError(path.Root("ca_source"), "Invalid CA Source", capitalize(err.Error())+".")
		return
	}
	addVaultError(diags, "Unable to Read the CA Source", err)
}

func (r *caSyncPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, cs, ok := begin[caSyncPolicyModel, naming.CASync](ctx, r.client, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	doc, ok := r.prepare(ctx, cs, &plan, &resp.Diagnostics)
	if !ok || !requireMounts(ctx, r.client, true, &resp.Diagnostics) || !r.claimExisting(ctx, cs, plan.AdoptExisting, true, &resp.Diagnostics) {
		return
	}
	// A write that fails part way still records the policy in state:
	// Terraform marks it tainted, so the next apply replaces it (or destroy
	// removes it) and nothing is left outside state.
	r.write(ctx, cs, &plan, doc, &resp.Diagnostics)
	setCreatedState(ctx, &resp.State, &plan, &resp.Diagnostics)
}

func (r *caSyncPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, cs, ok := begin[caSyncPolicyModel, naming.CASync](ctx, r.client, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	doc, ok := r.prepare(ctx, cs, &plan, &resp.Diagnostics)
	if !ok || !r.write(ctx, cs, &plan, doc, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// prepare reads the CA again at apply and renders what will be written into
// plan. A CA that changed since the plan is an error rather than a surprise:
// the document would not be what the plan showed.
func (r *caSyncPolicyResource) prepare(ctx context.Context, cs naming.CASync, plan *caSyncPolicyModel, diags *diag.Diagnostics) (naming.CASyncDocument, bool) {
	src, _, err := plan.CASource.source(cs)
	if err != nil {
		diags.AddAttributeError(path.Root("ca_source"), "Invalid CA Source", capitalize(err.Error())+".")
		return naming.CASyncDocument{}, false
	}
	b, err := readCABundle(ctx, r.client, cs, src)
	if err != nil {
		addSourceError(diags, err)
		return naming.CASyncDocument{}, false
	}
	if _, err := b.Check(time.Now()); err != nil {
		diags.AddAttributeError(path.Root("ca_source"), "CA Certificate Expired", capitalize(err.Error())+".")
		return naming.CASyncDocument{}, false
	}
	if planned := plan.CAFingerprintSHA256; !planned.IsUnknown() && planned.ValueString() != b.FingerprintSHA256 {
		diags.AddError("CA Changed Since the Plan", fmt.Sprintf("The CA at %s changed between plan and apply (planned fingerprint %s, now %s). Nothing was written: run the plan again.", cs.SourcePath(src.src), planned.ValueString(), b.FingerprintSHA256))
		return naming.CASyncDocument{}, false
	}
	sel, _ := plan.Namespaces.selector()
	tgt, _ := plan.Target.target()
	doc, err := cs.Document(src.src, src.kvKey, sel, tgt, caDocument(b))
	if err != nil {
		diags.AddError("Invalid CA Sync Policy", capitalize(err.Error())+".")
		return doc, false
	}
	text, err := naming.CanonicalJSON(doc.Data())
	if err != nil {
		diags.AddError("Unable to Render the CA Sync Document", capitalize(err.Error())+".")
		return doc, false
	}
	plan.setNames(cs)
	plan.setInjectorTLS()
	plan.Policy = types.StringValue(cs.Policy(src.src))
	plan.Document = types.StringValue(text)
	plan.CAFingerprintSHA256 = types.StringValue(b.FingerprintSHA256)
	plan.CANotAfter = types.StringValue(rfc3339(b.NotAfter))
	return doc, true
}

// Read reports what Vault holds: the policy text, the role's syncer and
// token policies, and the document with the source, selector, target and
// CA fingerprint it publishes. When all three are gone the resource is gone.
func (r *caSyncPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, cs, ok := begin[caSyncPolicyModel, naming.CASync](ctx, r.client, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	got, err := observeCASync(ctx, r.client, cs)
	if err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Read the CA Sync Policy", err)
		return
	}
	if got.gone() {
		removeFromState(ctx, resp, state.Name.ValueString(), "its document, policy or role is missing")
		return
	}
	importing := state.Policy.IsNull()
	r.ownership(cs, state.AdoptExisting).observe(ctx, &resp.Diagnostics, importing, got.judged(r.client.Env(), cs))
	state.setNames(cs)
	state.Policy = types.StringValue(got.policy)
	state.TokenPolicies = stringList(nil)
	if got.roleFound {
		state.setRole(got.role)
	}
	state.readDocument(got.doc, got.docFound)
	state.setInjectorTLS()
	if state.AdoptExisting.IsNull() {
		state.AdoptExisting = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *caSyncPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	_, cs, ok := begin[caSyncPolicyModel, naming.CASync](ctx, r.client, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	if summary, err := deleteCASync(ctx, r.client, cs); err != nil {
		addVaultError(&resp.Diagnostics, summary, err)
	}
}

// claimExisting lets the ownership helper judge the objects a create finds:
// at plan time, so a refusal fails the plan before any resource is
// created, and again at apply.
func (r *caSyncPolicyResource) claimExisting(ctx context.Context, cs naming.CASync, adopt types.Bool, atApply bool, diags *diag.Diagnostics) bool {
	existing, err := existingCASync(ctx, r.client, cs)
	if err != nil {
		addVaultError(diags, "Unable to Check for Existing Objects", err)
		return false
	}
	own := r.ownership(cs, adopt)
	own.atApply = atApply
	return own.claim(ctx, diags, existing)
}

// ownership is the CA sync policy's side of every "already exists"
// decision.
func (r *caSyncPolicyResource) ownership(cs naming.CASync, adopt types.Bool) ownership {
	return ownership{owner: r.client.Env().Owner(), identity: cs.Owner(), importID: cs.Name(), adopt: adopt.ValueBool(), attr: path.Root("name")}
}

func (r *caSyncPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := naming.ValidateName(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", "The import ID is the CA sync policy name N. "+capitalize(err.Error())+".")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
}

// write makes Vault hold what prepare rendered into plan.
func (r *caSyncPolicyResource) write(ctx context.Context, cs naming.CASync, plan *caSyncPolicyModel, doc naming.CASyncDocument, diags *diag.Diagnostics) bool {
	summary, err := writeCASync(ctx, r.client, cs, plan.Policy.ValueString(), doc, plan.Syncer.role(cs.PolicyName()))
	if err != nil {
		addVaultError(diags, summary, err)
	}
	return err == nil
}
