package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// Token lifetimes of the login role when not configured: a working session
// for a human, renewable up to a working day.
const (
	defaultLoginTokenTTL    = "1h"
	defaultLoginTokenMaxTTL = "8h"
)

func emptyStringList() defaults.List {
	return listdefault.StaticValue(types.ListValueMust(types.StringType, []attr.Value{}))
}

func (r *oidcGroupBindingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Binds an IdP group to Vault policies in the provider's environment `E`: " +
			"the external identity group `E-N` with the given policies and vaultboot's markers in its metadata, " +
			"exactly one group alias named `group_id` on the accessor of `auth_mount` (an `oidc` or `jwt` auth mount), " +
			"and, with a `login_role` block, the role `auth/<auth_mount>/role/E-N` whose logins must carry `group_id` in the groups claim. " +
			"Anyone who logs in through that mount with `group_id` in their groups claim gets the policies as identity policies.",
		Attributes: map[string]schema.Attribute{
			"id":   idAttribute("The binding name `N`, which is also the import id."),
			"name": nameAttribute("The binding name `N`: " + naming.NameRule + ", not starting with `deploy-` or `ca-sync-`. The identity group and login role are named `E-N`. Changing it replaces the binding."),
			"group_id": schema.StringAttribute{
				MarkdownDescription: "The IdP group id exactly as it appears in the token's groups claim (an object id, a group name or a path such as `/platform/payments`). It names the group alias and, with `login_role`, the value the groups claim must contain. No leading or trailing whitespace, no control or invisible formatting characters (zero-width, bidi, BOM). Changing it updates the alias in place; the identity group stays. " +
					"Note: Vault matches group aliases case-insensitively, so through a role without bound claims a token whose groups claim holds this id in another case gets the policies too; the `login_role`'s bound claim compares exactly.",
				Required:   true,
				Validators: []validator.String{validGroupID()},
			},
			"policies": schema.SetAttribute{
				MarkdownDescription: "The ACL policies members get, e.g. `[\"E-payments-write\"]`: at least one, lowercase policy names (" + naming.PolicyNameRule + "); `root` is refused. A set: Vault keeps a group's policies sorted, so their order carries no meaning.",
				ElementType:         types.StringType,
				Required:            true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(validPolicyName()),
				},
			},
			"auth_mount": schema.StringAttribute{
				MarkdownDescription: "Path of the OIDC or JWT auth mount whose logins the binding matches. Default: the provider's `conventions.oidc_auth_mount` (`oidc`). The mount must exist and be of type `oidc` or `jwt`. Changing it moves the alias (and the login role) in place.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{validMount()},
			},
			"adopt_existing": adoptExistingAttribute("the identity group `E-N` (names compare case-insensitively) or the login role"),
			"identity_group_id": schema.StringAttribute{
				MarkdownDescription: "Vault's id of the identity group.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"identity_group_name": schema.StringAttribute{
				MarkdownDescription: "The identity group's name, `E-N`.",
				Computed:            true,
			},
			"auth_mount_accessor": schema.StringAttribute{
				MarkdownDescription: "Accessor of `auth_mount`, which the group alias is on.",
				Computed:            true,
			},
			"metadata": schema.MapAttribute{
				MarkdownDescription: "The identity group's metadata: vaultboot's markers (`managed-by = vaultboot`, `vaultboot-owner = E/N`, `vaultboot-project = ` the provider's owner). Changes made in Vault show in the plan and are put back by apply.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{
			"login_role": loginRoleBlock(),
		},
	}
}

func loginRoleBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "The role `E-N` on `auth_mount` for members of the group to log in with. Its `bound_claims` always require the groups claim to contain `group_id`, so a token without the group is refused at login. " +
			"Every write sends the full field set below (Vault merges role writes), and drift on any of these fields shows in the plan. " +
			"The role type follows the mount: `jwt` on a jwt mount, `oidc` on an oidc mount (which needs `allowed_redirect_uris`).",
		Attributes: map[string]schema.Attribute{
			"user_claim": schema.StringAttribute{
				MarkdownDescription: "Claim that names the user (the entity alias). Default `sub`.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("sub"),
				Validators:          []validator.String{validClaim()},
			},
			"groups_claim": schema.StringAttribute{
				MarkdownDescription: "Claim holding the user's groups. Default `groups`.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("groups"),
				Validators:          []validator.String{validClaim()},
			},
			"bound_audiences": schema.ListAttribute{
				MarkdownDescription: "Accepted `aud` values. For a jwt role, a token with an `aud` claim is refused unless one matches. Default none.",
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				Default:             emptyStringList(),
				Validators:          []validator.List{listvalidator.UniqueValues(), listvalidator.ValueStringsAre(validWord("Audience"))},
			},
			"bound_claims": schema.MapAttribute{
				MarkdownDescription: "Further claims a login must carry: claim name to the accepted values (any one matches), e.g. `{ tid = [\"<tenant id>\"] }`. Compared exactly, never as globs. May not name the groups claim, which is always bound to `group_id`.",
				ElementType:         types.ListType{ElemType: types.StringType},
				Optional:            true,
				Computed:            true,
				Default:             mapdefault.StaticValue(types.MapValueMust(types.ListType{ElemType: types.StringType}, map[string]attr.Value{})),
				Validators: []validator.Map{
					mapvalidator.KeysAre(validClaim()),
					mapvalidator.ValueListsAre(listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(validClaimValue())),
				},
			},
			"allowed_redirect_uris": schema.ListAttribute{
				MarkdownDescription: "Callback URIs of the OIDC flow (Vault UI, `vault login -method=oidc`). Required on an oidc mount; unused by jwt roles. Default none.",
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				Default:             emptyStringList(),
				Validators:          []validator.List{listvalidator.UniqueValues(), listvalidator.ValueStringsAre(validRedirectURI())},
			},
			"oidc_scopes": schema.ListAttribute{
				MarkdownDescription: "Extra OIDC scopes to request (e.g. `groups` for IdPs that send groups only on request). Default none.",
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				Default:             emptyStringList(),
				Validators:          []validator.List{listvalidator.UniqueValues(), listvalidator.ValueStringsAre(validWord("OIDC Scope"))},
			},
			"token_ttl": schema.StringAttribute{
				MarkdownDescription: "Lifetime of tokens from this role, e.g. `\"1h\"`. Default `" + defaultLoginTokenTTL + "`.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(defaultLoginTokenTTL),
				Validators:          []validator.String{validDuration()},
				PlanModifiers:       durationPlanModifiers(),
			},
			"token_max_ttl": schema.StringAttribute{
				MarkdownDescription: "Longest a token from this role can be renewed to. Default `" + defaultLoginTokenMaxTTL + "`; `\"0s\"` means the mount's maximum.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(defaultLoginTokenMaxTTL),
				Validators:          []validator.String{validDuration()},
				PlanModifiers:       durationPlanModifiers(),
			},
			"token_policies": schema.ListAttribute{
				MarkdownDescription: "Policies attached to the token itself, besides the binding's `policies` (which come through the identity group). Usually none, the default. " +
					"The provider policy (`data.vaultboot_provider_policy`) refuses login roles with token policies of their own, so a token holding only it cannot apply a non-empty list: grant through `policies` instead, or apply such a role with an administrator's token.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     emptyStringList(),
				Validators:  []validator.List{listvalidator.UniqueValues(), listvalidator.ValueStringsAre(validPolicyName())},
			},
			"role_name": schema.StringAttribute{
				MarkdownDescription: "The role's name, `E-N`: what members pass as `role` when they log in.",
				Computed:            true,
			},
			"role_type": schema.StringAttribute{
				MarkdownDescription: "`jwt` or `oidc`: the type of `auth_mount`.",
				Computed:            true,
			},
			"bound_claims_type": schema.StringAttribute{
				MarkdownDescription: "Always `string`: bound claims are compared exactly, so a group id can never act as a glob pattern.",
				Computed:            true,
			},
			"effective_bound_claims": schema.MapAttribute{
				MarkdownDescription: "All bound claims the role enforces: `bound_claims` plus the groups claim bound to `[group_id]`.",
				ElementType:         types.ListType{ElemType: types.StringType},
				Computed:            true,
			},
		},
	}
}
