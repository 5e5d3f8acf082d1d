package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

type ciDeployRoleModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	JWTMount          types.String `tfsdk:"jwt_mount"`
	BoundAudiences    types.Set    `tfsdk:"bound_audiences"`
	BoundClaims       types.Map    `tfsdk:"bound_claims"`
	AllowBranches     types.Bool   `tfsdk:"allow_branches"`
	UserClaim         types.String `tfsdk:"user_claim"`
	TokenTTL          types.String `tfsdk:"token_ttl"`
	AllowPurge        types.Bool   `tfsdk:"allow_purge"`
	PKIMounts         types.List   `tfsdk:"pki_mounts"`
	KVCAPaths         types.List   `tfsdk:"kv_ca_paths"`
	BindingAuthMounts types.List   `tfsdk:"binding_auth_mounts"`
	AdoptExisting     types.Bool   `tfsdk:"adopt_existing"`
	Mode              types.String `tfsdk:"mode"`
	policyOptInModel

	RoleName             types.String `tfsdk:"role_name"`
	RolePath             types.String `tfsdk:"role_path"`
	PolicyName           types.String `tfsdk:"policy_name"`
	Policy               types.String `tfsdk:"policy"`
	EffectiveBoundClaims types.Map    `tfsdk:"effective_bound_claims"`
	TokenPolicies        types.List   `tfsdk:"token_policies"`
	LockedSettings       types.Map    `tfsdk:"locked_settings"`
}

// lockedSettings are the role settings vaultboot always writes, as strings
// compared with what Vault holds: a change in Vault shows as drift.
func lockedSettings(ttl time.Duration) map[string]string {
	return map[string]string{
		"role_type":               "jwt",
		"groups_claim":            "",
		"bound_claims_type":       boundClaimsTypeString,
		"token_no_default_policy": "true",
		"token_max_ttl":           shortDuration(ttl),
	}
}

// Deploy role modes: "apply" holds the provider policy, "plan" its
// read-only variant, for merge request pipelines.
const (
	deployModeApply = "apply"
	deployModePlan  = "plan"
)

func (m *ciDeployRoleModel) policyInputs() policyInputs {
	in := m.inputs(m.Mode.ValueString() == deployModePlan)
	in.JWTMount, in.PKIMounts, in.KVCAPaths, in.BindingAuthMounts, in.AllowPurge = m.JWTMount.ValueString(), m.PKIMounts, m.KVCAPaths, m.BindingAuthMounts, m.AllowPurge
	return in
}

// setNames sets the computed names that follow from name and jwt_mount.
func (m *ciDeployRoleModel) setNames(d naming.DeployRole) {
	m.ID = types.StringValue(d.Name())
	m.RoleName = types.StringValue(d.RoleName())
	m.PolicyName = types.StringValue(d.PolicyName())
	m.RolePath = types.StringValue(d.RolePath(m.JWTMount.ValueString()))
}

// effectiveClaims is what the role binds; nil while an input is unknown.
func (m *ciDeployRoleModel) effectiveClaims(ctx context.Context, diags *diag.Diagnostics) map[string][]string {
	if m.AllowBranches.IsUnknown() || m.BoundClaims.IsUnknown() {
		return nil
	}
	claims, d := claimsFromValue(ctx, m.BoundClaims)
	diags.Append(d...)
	if claims == nil || d.HasError() {
		return nil
	}
	eff, err := naming.DeployBoundClaims(claims, m.AllowBranches.ValueBool())
	if err != nil {
		diags.AddAttributeError(pathBoundClaims, "Invalid Bound Claims", capitalize(err.Error())+".")
		return nil
	}
	return eff
}

// setPlanned sets the values the apply will write, known at plan time.
func (m *ciDeployRoleModel) setPlanned(ctx context.Context, d naming.DeployRole, policy string, diags *diag.Diagnostics) {
	m.setNames(d)
	m.EffectiveBoundClaims = types.MapUnknown(claimsType.ElemType)
	if eff := m.effectiveClaims(ctx, diags); eff != nil {
		v, dd := claimsValue(eff)
		diags.Append(dd...)
		m.EffectiveBoundClaims = v
	}
	m.Policy = types.StringUnknown()
	if policy != "" {
		m.Policy = types.StringValue(policy)
	}
	tp, dd := types.ListValueFrom(ctx, types.StringType, []string{d.PolicyName()})
	diags.Append(dd...)
	m.TokenPolicies = tp
	m.LockedSettings = types.MapUnknown(types.StringType)
	if ttl, ok := knownDuration(m.TokenTTL, defaultDeployTokenTTL); ok {
		m.LockedSettings = stringMap(lockedSettings(ttl))
	}
}

// role is the deploy role as it will be written: a JWT role whose tokens
// hold the deploy policy and nothing else, for one short TTL.
func (m *ciDeployRoleModel) role(ctx context.Context, d naming.DeployRole, diags *diag.Diagnostics) (vaultclient.JWTRole, bool) {
	eff := m.effectiveClaims(ctx, diags)
	ttl, err := parseDuration(m.TokenTTL.ValueString())
	if err != nil {
		diags.AddAttributeError(pathTokenTTL, "Invalid Token TTL", capitalize(err.Error())+".")
	}
	if diags.HasError() {
		return vaultclient.JWTRole{}, false
	}
	var auds []string
	diags.Append(m.BoundAudiences.ElementsAs(ctx, &auds, false)...)
	secs := int64(ttl / time.Second)
	return vaultclient.JWTRole{
		RoleType:        "jwt",
		UserClaim:       m.UserClaim.ValueString(),
		BoundAudiences:  auds,
		BoundClaimsType: boundClaimsTypeString,
		BoundClaims:     eff,
		TokenPolicies:   []string{d.PolicyName()},
		NoDefaultPolicy: true,
		TokenTTL:        secs,
		TokenMaxTTL:     secs,
	}, !diags.HasError()
}

// setFromVault sets the model from the role and policy as Vault holds them.
// bound_claims shows the role's claims without the enforced ref_type, so a
// ref_type changed in Vault shows as drift on effective_bound_claims.
func (m *ciDeployRoleModel) setFromVault(ctx context.Context, d naming.DeployRole, role *vaultclient.JWTRole, policy string, diags *diag.Diagnostics) {
	m.setNames(d)
	m.Policy = types.StringValue(policy)
	all := role.BoundClaims
	var dd diag.Diagnostics
	m.EffectiveBoundClaims, dd = claimsValue(all)
	diags.Append(dd...)
	importing := m.AllowBranches.IsNull()
	tagOnly := slices.Equal(all[naming.RefTypeClaim], []string{naming.RefTypeTag})
	if importing {
		m.AllowBranches = types.BoolValue(!tagOnly)
	}
	// bound_claims is what the user binds: the enforced ref_type is left
	// out unless the configuration names it too.
	extra := maps.Clone(all)
	if prior := m.priorClaims(ctx); tagOnly && !m.AllowBranches.ValueBool() && prior[naming.RefTypeClaim] == nil {
		delete(extra, naming.RefTypeClaim)
	}
	m.BoundClaims, dd = claimsValue(extra)
	diags.Append(dd...)
	m.BoundAudiences = stringSet(role.BoundAudiences)
	m.UserClaim = types.StringValue(role.UserClaim)
	m.TokenTTL = loginRoleDuration(role.TokenTTL, m.TokenTTL)
	m.TokenPolicies = stringList(role.TokenPolicies)
	m.LockedSettings = stringMap(map[string]string{
		"role_type":               role.RoleType,
		"groups_claim":            role.GroupsClaim,
		"bound_claims_type":       role.BoundClaimsType,
		"token_no_default_policy": fmt.Sprint(role.NoDefaultPolicy),
		"token_max_ttl":           shortDuration(time.Duration(role.TokenMaxTTL) * time.Second),
	})
	for _, b := range []*types.Bool{&m.AllowPurge, &m.AdoptExisting, &m.ManageEnvironment} {
		if b.IsNull() || b.IsUnknown() {
			*b = types.BoolValue(false)
		}
	}
	if m.Mode.IsNull() || m.Mode.IsUnknown() {
		m.Mode = types.StringValue(deployModeApply)
	}
}

// priorClaims is the configured bound_claims, nil when unknown or absent.
func (m *ciDeployRoleModel) priorClaims(ctx context.Context) map[string][]string {
	if m.BoundClaims.IsNull() || m.BoundClaims.IsUnknown() {
		return nil
	}
	c, _ := claimsFromValue(ctx, m.BoundClaims)
	return c
}

// validDeployTTL accepts a duration from one minute to maxDeployTokenTTL.
func validDeployTTL() validator.String {
	return stringCheck{description: "Token TTL", check: func(s string) error {
		d, err := parseDuration(s)
		if err != nil {
			return err
		}
		maxTTL, _ := time.ParseDuration(maxDeployTokenTTL)
		if d < time.Minute || d > maxTTL {
			return fmt.Errorf("%s is outside 1m to %s: a deploy token should live as long as one apply", naming.Describe(s), maxDeployTokenTTL)
		}
		return nil
	}}
}

// names binds the role name to the environment's conventions (see begin).
func (m *ciDeployRoleModel) names(env naming.Env) (naming.DeployRole, path.Path, error) {
	d, err := env.DeployRole(m.Name.ValueString())
	return d, path.Root("name"), err
}
