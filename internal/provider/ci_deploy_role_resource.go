package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

var (
	pathBoundClaims = path.Root("bound_claims")
	pathTokenTTL    = path.Root("token_ttl")
)

// ciDeployRoleResource is vaultboot_ci_deploy_role: the JWT
// role "E-deploy-N" a tagged-commit pipeline logs in with, and its only
// token policy "E-deploy-N", the provider policy.
type ciDeployRoleResource struct{ vaultResource }

// ModifyPlan plans everything the apply writes, so the policy and the
// enforced claims show in the plan, and a drifted policy shows as a
// change: the policy is rendered now, with the binding mounts' accessors
// read from Vault.
func (r *ciDeployRoleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.client == nil || !planGuard(ctx, r.client, req.Plan, &resp.Diagnostics) || req.Plan.Raw.IsNull() {
		return
	}
	var plan ciDeployRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.Name.IsUnknown() || plan.JWTMount.IsUnknown() {
		return
	}
	d, attr, err := plan.names(r.client.Env())
	if err != nil {
		resp.Diagnostics.AddAttributeError(attr, "Invalid Name", capitalize(err.Error())+".")
		return
	}
	// A plan-only role is meant for branch (merge request) pipelines.
	if plan.AllowBranches.ValueBool() && plan.Mode.ValueString() != deployModePlan {
		resp.Diagnostics.AddAttributeWarning(path.Root("allow_branches"), "Deploy Role Accepts Branch Pipelines",
			fmt.Sprintf("The role %s does not bind ref_type = \"tag\": a branch pipeline, which anyone who can push a branch may be able to start, can log in and apply the environment. Keep allow_branches = false for production, or set mode = \"plan\" for a role that can only plan.", d.RoleName()))
	}
	if !r.checkJWTMount(ctx, plan.JWTMount.ValueString(), &resp.Diagnostics) || !r.checkMountLayout(ctx, d, &plan, &resp.Diagnostics) {
		return
	}
	if req.State.Raw.IsNull() && !r.checkExisting(ctx, d, plan.JWTMount.ValueString(), plan.AdoptExisting.ValueBool(), false, &resp.Diagnostics) {
		return
	}
	policy, _ := r.renderPolicy(ctx, d, &plan, &resp.Diagnostics)
	plan.setPlanned(ctx, d, policy, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// renderPolicy renders the role's policy; "" with known = false while an
// input is unknown.
func (r *ciDeployRoleResource) renderPolicy(ctx context.Context, d naming.DeployRole, m *ciDeployRoleModel, diags *diag.Diagnostics) (policy string, ok bool) {
	opts, known, ok := policyOptions(ctx, r.client, m.policyInputs(), diags)
	if !known || !ok {
		return "", ok
	}
	policy, err := d.Policy(opts)
	if err != nil {
		renderPolicyError(diags, "binding_auth_mounts", err)
		return "", false
	}
	return policy, true
}

// checkJWTMount reports a missing JWT mount or one of the wrong type, at
// plan time too: a deploy role without its mount fails the plan, not the
// apply after other resources were made.
func (r *ciDeployRoleResource) checkJWTMount(ctx context.Context, mountPath string, diags *diag.Diagnostics) bool {
	mount, found, err := r.client.ReadAuthMount(ctx, mountPath)
	switch {
	case err != nil:
		addVaultError(diags, "Unable to Read the JWT Auth Mount", err)
		return false
	case !found:
		diags.AddAttributeError(path.Root("jwt_mount"), "JWT Auth Mount Not Found",
			fmt.Sprintf("No auth method is enabled at auth/%s (%s). Enable a jwt auth method there and configure it with the CI's issuer (jwks_url or jwt_validation_pubkeys, bound_issuer), or set jwt_mount. Enable it before this plan: a mount made in the same run does not exist yet when the plan reads Vault.", mountPath, naming.AuthMountPath(mountPath)))
		return false
	case found && mount.Type != "jwt":
		diags.AddAttributeError(path.Root("jwt_mount"), "Unsupported Auth Mount Type",
			fmt.Sprintf("The auth mount %q (auth/%s) is of type %q; a deploy role needs a jwt auth mount that verifies the CI's ID tokens. Set jwt_mount to a jwt mount.", mountPath, mountPath, mount.Type))
		return false
	}
	return true
}

// checkMountLayout refuses, on the input to fix, a deploy role whose JWT
// mount is another deploy role's binding mount or whose binding mounts
// hold another deploy role. It waits while an input is unknown.
func (r *ciDeployRoleResource) checkMountLayout(ctx context.Context, d naming.DeployRole, m *ciDeployRoleModel, diags *diag.Diagnostics) bool {
	if m.BindingAuthMounts.IsUnknown() {
		return true
	}
	var mounts []string
	diags.Append(m.BindingAuthMounts.ElementsAs(ctx, &mounts, false)...)
	mounts = append([]string{r.client.Env().Conventions().OIDCAuthMount}, mounts...)
	conflict, err := findMountConflict(ctx, r.client, d, m.JWTMount.ValueString(), mounts)
	switch {
	case err != nil:
		addVaultError(diags, "Unable to Check the Deploy Role's Mounts", err)
		return false
	case conflict != nil:
		diags.AddAttributeError(path.Root(conflict.attr), "Deploy Role Mounts Overlap", conflict.detail)
		return false
	}
	return !diags.HasError()
}

func (r *ciDeployRoleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, d, ok := begin[ciDeployRoleModel, naming.DeployRole](ctx, r.client, req.Plan, &resp.Diagnostics)
	if !ok || !r.checkJWTMount(ctx, plan.JWTMount.ValueString(), &resp.Diagnostics) || !r.checkMountLayout(ctx, d, &plan, &resp.Diagnostics) {
		return
	}
	if !r.checkExisting(ctx, d, plan.JWTMount.ValueString(), plan.AdoptExisting.ValueBool(), true, &resp.Diagnostics) {
		return
	}
	role, ok := r.prepareWrite(ctx, d, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	// Once the policy write is sent, a failure (say on the role) still
	// records the role in state: Terraform marks it tainted, so the next
	// apply replaces it (or destroy removes it) and no policy is left
	// outside state. Every check that can refuse without writing ran
	// above, so a refused create records nothing.
	r.write(ctx, d, &plan, role, &resp.Diagnostics)
	setCreatedState(ctx, &resp.State, &plan, &resp.Diagnostics)
}

// checkExisting lets the ownership helper judge the role and policy a
// create finds: at plan time, so a refusal fails the plan before any
// resource is created, and again at apply.
func (r *ciDeployRoleResource) checkExisting(ctx context.Context, d naming.DeployRole, jwtMount string, adopt, atApply bool, diags *diag.Diagnostics) bool {
	existing, err := readDeployRole(ctx, r.client, d, jwtMount)
	if err != nil {
		addVaultError(diags, "Unable to Read the Deploy Role", err)
		return false
	}
	own := r.ownership(d, jwtMount, adopt)
	own.atApply = atApply
	return own.claim(ctx, diags, existing.judged(r.client.Env(), d, jwtMount))
}

// ownership is the deploy role's side of every "already exists" decision.
func (r *ciDeployRoleResource) ownership(d naming.DeployRole, jwtMount string, adopt bool) ownership {
	return ownership{owner: r.client.Env().Owner(), identity: d.PolicyOwner(), importID: deployImportID(d, jwtMount), adopt: adopt, attr: path.Root("name")}
}

// deployImportID is the import ID of a deploy role: N on the default JWT
// mount, "<jwt_mount>:N" on another.
func deployImportID(d naming.DeployRole, jwtMount string) string {
	if jwtMount == naming.DefaultJWTMount {
		return d.Name()
	}
	return jwtMount + ":" + d.Name()
}

// prepareWrite renders what write sends, before anything is written: the
// policy into m (when the plan could not render it) and the role's fields.
func (r *ciDeployRoleResource) prepareWrite(ctx context.Context, d naming.DeployRole, m *ciDeployRoleModel, diags *diag.Diagnostics) (vaultclient.JWTRole, bool) {
	if m.Policy.IsUnknown() {
		policy, ok := r.renderPolicy(ctx, d, m, diags)
		if !ok {
			return vaultclient.JWTRole{}, false
		}
		m.Policy = types.StringValue(policy)
	}
	return m.role(ctx, d, diags)
}

// write writes the policy and the role, then reads them back into m.
func (r *ciDeployRoleResource) write(ctx context.Context, d naming.DeployRole, m *ciDeployRoleModel, role vaultclient.JWTRole, diags *diag.Diagnostics) bool {
	jwtMount := m.JWTMount.ValueString()
	if summary, err := writeDeployRole(ctx, r.client, d, jwtMount, m.Policy.ValueString(), role); err != nil {
		addVaultError(diags, summary, err)
		return false
	}
	o, err := readDeployRole(ctx, r.client, d, jwtMount)
	if err != nil || !o.roleFound {
		if err == nil {
			err = fmt.Errorf("the role %s was written but is gone on read-back; another process may be deleting it. Run apply again", d.RolePath(jwtMount))
		}
		addVaultError(diags, "Unable to Read the Deploy Role", err)
		return false
	}
	m.setFromVault(ctx, d, o.role, o.policy, diags)
	return !diags.HasError()
}

func (r *ciDeployRoleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, d, ok := begin[ciDeployRoleModel, naming.DeployRole](ctx, r.client, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	o, err := readDeployRole(ctx, r.client, d, state.JWTMount.ValueString())
	if err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Read the Deploy Role", err)
		return
	}
	verdict := o.verdict(r.client.Env(), d)
	importing := isImporting(ctx, req.Private, resp.Private, &resp.Diagnostics)
	if !o.roleFound && !keepWithoutRole(importing, verdict) {
		removeFromState(ctx, resp, state.Name.ValueString(), "the deploy role is gone and its policy is not this project's")
		return
	}
	r.ownership(d, state.JWTMount.ValueString(), false).observe(ctx, &resp.Diagnostics, importing, o.judged(r.client.Env(), d, state.JWTMount.ValueString()))
	state.setFromVault(ctx, d, o.role, o.policy, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// keepWithoutRole decides for a role found gone on refresh. Its policy
// still marked as this project's (a create that failed on the role, or a
// role deleted by hand) keeps the resource in state, so apply writes the
// role again, or destroy removes the policy: dropped, the policy would be
// left outside state. Anything else (no policy, or one not ours) drops it,
// and an import finds nothing.
func keepWithoutRole(importing bool, v naming.Verdict) bool {
	return !importing && v.Claim == naming.Ours
}

func (r *ciDeployRoleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, d, ok := begin[ciDeployRoleModel, naming.DeployRole](ctx, r.client, req.Plan, &resp.Diagnostics)
	if !ok || !r.checkJWTMount(ctx, plan.JWTMount.ValueString(), &resp.Diagnostics) || !r.checkMountLayout(ctx, d, &plan, &resp.Diagnostics) {
		return
	}
	role, ok := r.prepareWrite(ctx, d, &plan, &resp.Diagnostics)
	if !ok || !r.write(ctx, d, &plan, role, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *ciDeployRoleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, d, ok := begin[ciDeployRoleModel, naming.DeployRole](ctx, r.client, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	if summary, err := deleteDeployRole(ctx, r.client, d, state.JWTMount.ValueString()); err != nil {
		addVaultError(&resp.Diagnostics, summary, err)
	}
}

// ImportState imports by name N (role on the default JWT mount) or by
// "<jwt_mount>:N". Inputs Vault does not hold (the policy's CA sources and
// binding mounts, allow_purge) come from the configuration on the next
// apply, which rewrites the policy when they differ.
func (r *ciDeployRoleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	mount, name, found := strings.Cut(req.ID, ":")
	if !found {
		mount, name = naming.DefaultJWTMount, req.ID
	}
	if err := naming.ValidateMount(mount); err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("Import a deploy role by its name N or by <jwt_mount>:N: %s.", err))
		return
	}
	if err := naming.ValidateName(name); err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("Import a deploy role by its name N (not the role name E-deploy-N) or by <jwt_mount>:N: %s.", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("jwt_mount"), mount)...)
	markImporting(ctx, resp.Private, &resp.Diagnostics)
}
