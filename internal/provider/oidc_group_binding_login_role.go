package provider

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// boundClaimsTypeString makes Vault compare bound claims exactly. A binding
// never uses "glob": a group id must not turn into a pattern.
const boundClaimsTypeString = "string"

// loginRoleModel maps the optional login_role block: the JWT/OIDC role
// "E-N" whose logins must carry the binding's group id.
type loginRoleModel struct {
	UserClaim           types.String `tfsdk:"user_claim"`
	GroupsClaim         types.String `tfsdk:"groups_claim"`
	BoundAudiences      types.List   `tfsdk:"bound_audiences"`
	BoundClaims         types.Map    `tfsdk:"bound_claims"`
	AllowedRedirectURIs types.List   `tfsdk:"allowed_redirect_uris"`
	OIDCScopes          types.List   `tfsdk:"oidc_scopes"`
	TokenTTL            types.String `tfsdk:"token_ttl"`
	TokenMaxTTL         types.String `tfsdk:"token_max_ttl"`
	TokenPolicies       types.List   `tfsdk:"token_policies"`

	RoleName             types.String `tfsdk:"role_name"`
	RoleType             types.String `tfsdk:"role_type"`
	BoundClaimsType      types.String `tfsdk:"bound_claims_type"`
	EffectiveBoundClaims types.Map    `tfsdk:"effective_bound_claims"`
}

// claimsType is the type of bound_claims: claim name to accepted values.
var claimsType = types.MapType{ElemType: types.ListType{ElemType: types.StringType}}

// effectiveBoundClaims is what the role enforces: the extra bound_claims
// plus the groups claim containing the group id. It is unknown while any
// input is unknown.
func effectiveBoundClaims(ctx context.Context, role *loginRoleModel, groupID types.String) (types.Map, diag.Diagnostics) {
	if groupID.IsUnknown() || role.GroupsClaim.IsUnknown() || role.BoundClaims.IsUnknown() {
		return types.MapUnknown(claimsType.ElemType), nil
	}
	claims, diags := claimsFromValue(ctx, role.BoundClaims)
	if claims == nil {
		return types.MapUnknown(claimsType.ElemType), diags
	}
	claims[role.GroupsClaim.ValueString()] = []string{groupID.ValueString()}
	v, d := claimsValue(claims)
	diags.Append(d...)
	return v, diags
}

// claimsFromValue converts a bound_claims value; nil when any part is unknown.
func claimsFromValue(ctx context.Context, v types.Map) (map[string][]string, diag.Diagnostics) {
	out := map[string][]string{}
	if v.IsNull() {
		return out, nil
	}
	var lists map[string]types.List
	diags := v.ElementsAs(ctx, &lists, false)
	if diags.HasError() {
		return nil, diags
	}
	for k, l := range lists {
		if l.IsUnknown() {
			return nil, diags
		}
		var vals []types.String
		diags.Append(l.ElementsAs(ctx, &vals, false)...)
		for _, s := range vals {
			if s.IsUnknown() {
				return nil, diags
			}
			out[k] = append(out[k], s.ValueString())
		}
		if out[k] == nil {
			out[k] = []string{}
		}
	}
	return out, diags
}

func claimsValue(claims map[string][]string) (types.Map, diag.Diagnostics) {
	var diags diag.Diagnostics
	elems := make(map[string]attr.Value, len(claims))
	for k, vals := range claims {
		l, d := types.ListValueFrom(context.Background(), types.StringType, vals)
		diags.Append(d...)
		elems[k] = l
	}
	m, d := types.MapValue(claimsType.ElemType, elems)
	diags.Append(d...)
	return m, diags
}

// loginRole is the login role as it will be written (the client writes
// every managed field: Vault merges role writes, so a field left out would
// keep whatever an earlier write, or someone in the UI, put there).
func loginRole(ctx context.Context, role *loginRoleModel, groupID, roleType string) (vaultclient.JWTRole, diag.Diagnostics) {
	var diags diag.Diagnostics
	claims, d := claimsFromValue(ctx, role.BoundClaims)
	diags.Append(d...)
	if claims == nil {
		claims = map[string][]string{}
	}
	claims[role.GroupsClaim.ValueString()] = []string{groupID}
	ttl, err := parseDuration(role.TokenTTL.ValueString())
	if err != nil {
		diags.AddError("Invalid Token TTL", capitalize(err.Error())+".")
	}
	maxTTL, err := parseDuration(role.TokenMaxTTL.ValueString())
	if err != nil {
		diags.AddError("Invalid Token Max TTL", capitalize(err.Error())+".")
	}
	return vaultclient.JWTRole{
		RoleType:        roleType,
		UserClaim:       role.UserClaim.ValueString(),
		GroupsClaim:     role.GroupsClaim.ValueString(),
		BoundAudiences:  listStrings(ctx, role.BoundAudiences, &diags),
		BoundClaimsType: boundClaimsTypeString,
		BoundClaims:     claims,
		TokenTTL:        int64(ttl / time.Second),
		TokenMaxTTL:     int64(maxTTL / time.Second),
		TokenPolicies:   listStrings(ctx, role.TokenPolicies, &diags),
		Browser: &vaultclient.BrowserFlow{
			AllowedRedirectURIs: listStrings(ctx, role.AllowedRedirectURIs, &diags),
			OIDCScopes:          listStrings(ctx, role.OIDCScopes, &diags),
		},
	}, diags
}

// setLoginRole sets a login role model from Vault's role. prior (the state
// or plan, nil on import) supplies the groups claim to split bound_claims
// by and the duration spellings to keep when Vault's seconds mean the same.
func setLoginRole(role *vaultclient.JWTRole, prior *loginRoleModel, roleName string) (*loginRoleModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	m := &loginRoleModel{
		UserClaim:       types.StringValue(role.UserClaim),
		GroupsClaim:     types.StringValue(role.GroupsClaim),
		RoleName:        types.StringValue(roleName),
		RoleType:        types.StringValue(role.RoleType),
		BoundClaimsType: types.StringValue(role.BoundClaimsType),
	}
	if prior == nil {
		prior = &loginRoleModel{}
	}
	// Split by the configured groups claim, so a groups_claim changed in
	// Vault shows as drift on groups_claim instead of reshuffling claims.
	groupsClaim := role.GroupsClaim
	if !prior.GroupsClaim.IsNull() && !prior.GroupsClaim.IsUnknown() {
		groupsClaim = prior.GroupsClaim.ValueString()
	}
	extra := make(map[string][]string, len(role.BoundClaims))
	for k, v := range role.BoundClaims {
		if k != groupsClaim {
			extra[k] = v
		}
	}
	var d diag.Diagnostics
	m.EffectiveBoundClaims, d = claimsValue(role.BoundClaims)
	diags.Append(d...)
	m.BoundClaims, d = claimsValue(extra)
	diags.Append(d...)
	m.BoundAudiences = stringList(role.BoundAudiences)
	m.AllowedRedirectURIs = stringList(role.Browser.AllowedRedirectURIs)
	m.OIDCScopes = stringList(role.Browser.OIDCScopes)
	m.TokenPolicies = stringList(role.TokenPolicies)
	m.TokenTTL = loginRoleDuration(role.TokenTTL, prior.TokenTTL)
	m.TokenMaxTTL = loginRoleDuration(role.TokenMaxTTL, prior.TokenMaxTTL)
	return m, diags
}

// loginRoleDuration keeps the configured spelling ("1h") when Vault's
// seconds mean the same, so "1h" and "3600s" never show as a change, and
// otherwise shows Vault's value so drift is visible.
func loginRoleDuration(secs int64, prior types.String) types.String {
	d := time.Duration(secs) * time.Second
	if !prior.IsNull() && !prior.IsUnknown() {
		if p, err := parseDuration(prior.ValueString()); err == nil && p == d {
			return prior
		}
	}
	return types.StringValue(shortDuration(d))
}

// loginRoleWriteError says why a token holding the provider policy may not
// write a role with token policies: the policy refuses them on purpose, so
// the generic "needs the provider policy" hint would mislead.
func loginRoleWriteError(err error, role vaultclient.JWTRole) error {
	var verr *vaultclient.Error
	if len(role.TokenPolicies) > 0 && errors.As(err, &verr) && verr.Status == http.StatusForbidden {
		verr.Hint = "The provider policy refuses login roles with token policies of their own (a token that could write them could give any login any policy): grant them through the binding's policies, or apply this binding with an administrator's token"
	}
	return err
}
