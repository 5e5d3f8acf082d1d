package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// Token lifetime of a deploy login when not configured: long enough for an
// apply, short enough that a leaked token soon expires. The token cannot
// renew itself (it has no default policy).
const (
	defaultDeployTokenTTL = "15m"
	maxDeployTokenTTL     = "2h"
	defaultUserClaim      = "sub"
)

func (r *ciDeployRoleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	mounts := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{
			MarkdownDescription: desc,
			ElementType:         types.StringType,
			Optional:            true,
			Validators:          []validator.List{listvalidator.ValueStringsAre(validMount())},
		}
	}
	claims := func(field, def string) schema.ListAttribute {
		return schema.ListAttribute{
			MarkdownDescription: loginRoleClaimsDesc(field, def), ElementType: types.StringType, Optional: true,
			Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(validClaim())},
		}
	}
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The JWT auth role a tagged-commit CI pipeline logs in with to apply an environment project: " +
			"role `auth/<jwt_mount>/role/E-deploy-N` (`role_type = \"jwt\"`, no `groups_claim`) and its only token policy `E-deploy-N`, " +
			"which holds exactly the provider policy (the rules of `data.vaultboot_provider_policy` with the same inputs; with `mode = \"plan\"` its read-only variant) and is " +
			"rewritten on every apply when it drifts. " +
			"It refuses a `jwt_mount` that is another deploy role's binding mount, and binding mounts that hold a deploy role. The token gets no `default` policy, so it holds that policy alone and cannot renew itself. " +
			"`bound_claims` always include `ref_type = \"tag\"` unless `allow_branches = true`. " +
			"Apply it with an administrator's token in a small bootstrap project: the provider policy denies every `E-deploy-*` role and policy, so a pipeline can never change its own login.",
		Attributes: map[string]schema.Attribute{
			"id":   idAttribute("The deploy role name `N`; the import ID (`N`, or `<jwt_mount>:N` for a role on another mount)."),
			"name": nameAttribute("The deploy role name `N`: " + naming.NameRule + ". The role and its policy are named `E-deploy-N`. Changing it replaces the role."),
			"jwt_mount": schema.StringAttribute{
				MarkdownDescription: "The JWT auth mount the pipeline logs in through, configured with the CI's issuer (e.g. GitLab's `jwks_url` and `bound_issuer`). Default `" + naming.DefaultJWTMount + "`. It may not be a group binding mount. Changing it replaces the role.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(naming.DefaultJWTMount),
				Validators:          []validator.String{validMount()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"bound_audiences": schema.SetAttribute{
				MarkdownDescription: "The `aud` values the pipeline's ID token must carry (GitLab: the job's `id_tokens.<name>.aud`). At least one.",
				ElementType:         types.StringType,
				Required:            true,
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(validClaimValue())},
			},
			"bound_claims": schema.MapAttribute{
				MarkdownDescription: "Claim name to the values it may take, compared exactly. Must name the project, not only refs: GitLab `project_path` (and `ref_protected = [\"true\"]`), GitHub `repository`. " +
					"`ref_type` is always bound to `[\"tag\"]` unless `allow_branches = true`; a different `ref_type` here needs `allow_branches`.",
				ElementType: types.ListType{ElemType: types.StringType},
				Required:    true,
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1),
					mapvalidator.KeysAre(validClaim()),
					mapvalidator.ValueListsAre(listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(validClaimValue())),
				},
			},
			"allow_branches": schema.BoolAttribute{
				MarkdownDescription: "Accept pipelines of any ref type (branches too): `ref_type` is then bound only if `bound_claims` name it. Gives a plan-time warning: a branch pipeline can usually be run by anyone who can push a branch. Default `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"user_claim": schema.StringAttribute{
				MarkdownDescription: "The claim that names the pipeline's identity (its entity alias). Default `" + defaultUserClaim + "`.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(defaultUserClaim),
				Validators:          []validator.String{validClaim()},
			},
			"token_ttl": schema.StringAttribute{
				MarkdownDescription: "Lifetime of the pipeline's Vault token, at most " + maxDeployTokenTTL + " (also its maximum: the token cannot be renewed past it). Default `" + defaultDeployTokenTTL + "`.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(defaultDeployTokenTTL),
				Validators:          []validator.String{validDeployTTL()},
			},
			"allow_purge": schema.BoolAttribute{
				MarkdownDescription: "Let the pipeline delete an app's KV metadata, erasing every version of its secret (`purge_on_destroy = true`). Default `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"mode": schema.StringAttribute{
				MarkdownDescription: "`apply` (default): the policy is the provider policy, for the tag pipelines that apply the environment project. " +
					"`plan`: the policy is its read-only variant (`data.vaultboot_provider_policy` with `read_only = true`): a pipeline can run a refreshing `terraform plan` and write nothing. " +
					"Use `plan` for merge request pipelines (with `allow_branches = true`), against every environment, so reviewers see the real plan while only protected tags apply. Changing it rewrites the policy in place.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(deployModeApply),
				Validators: []validator.String{stringvalidator.OneOf(deployModeApply, deployModePlan)},
			},
			"manage_environment": schema.BoolAttribute{MarkdownDescription: manageEnvironmentDesc, Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
			"protected_ca_sync_policies": schema.ListAttribute{
				MarkdownDescription: protectedCASyncDesc, ElementType: types.StringType, Optional: true,
				Validators: []validator.List{listvalidator.ValueStringsAre(validName())},
			},
			"login_role_user_claims":   claims("user_claim", naming.DefaultLoginRoleUserClaim),
			"login_role_groups_claims": claims("groups_claim", naming.DefaultLoginRoleGroupsClaim),
			"pki_mounts":               mounts("As in `data.vaultboot_provider_policy`: PKI mounts the environment project's CA sync policies read."),
			"kv_ca_paths":              schema.ListAttribute{MarkdownDescription: "As in `data.vaultboot_provider_policy`: KV paths the environment project's CA sync policies read.", ElementType: types.StringType, Optional: true, Validators: []validator.List{listvalidator.ValueStringsAre(validKVPath())}},
			"binding_auth_mounts":      mounts("As in `data.vaultboot_provider_policy`: auth mounts the environment project's group bindings use besides the conventions' OIDC mount. Never `jwt_mount`."),
			"adopt_existing":           adoptExistingAttribute("the role or the policy `E-deploy-N`"),
			"role_name":                computed("The role and policy name `E-deploy-N`."),
			"role_path":                computed("The role's API path, `auth/<jwt_mount>/role/E-deploy-N`."),
			"policy_name":              computed("The role's only token policy, `E-deploy-N`."),
			"policy":                   computed("The policy document: the provider policy for these inputs. A change made in Vault shows here and is put back on apply."),
			"effective_bound_claims": schema.MapAttribute{
				MarkdownDescription: "The bound claims the role enforces: `bound_claims` plus `ref_type = [\"tag\"]` unless `allow_branches`.",
				ElementType:         types.ListType{ElemType: types.StringType},
				Computed:            true,
			},
			"token_policies": schema.ListAttribute{
				MarkdownDescription: "The role's token policies as Vault holds them: exactly `[\"E-deploy-N\"]`.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"locked_settings": schema.MapAttribute{
				MarkdownDescription: "The settings the role always has, as Vault holds them: `role_type = \"jwt\"`, no `groups_claim`, `bound_claims_type = \"string\"`, `token_no_default_policy = true`, `token_max_ttl = token_ttl`. A change made in Vault shows here and is put back on apply.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}
