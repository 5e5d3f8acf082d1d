package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// providerPolicyDataSource is the vaultboot_provider_policy data source:
// the least-privilege policy of the provider's own token in environment E.
//
// providerPolicyDataSource reads only the binding mounts' accessors
// (sys/auth/<mount>), which the policy allows group aliases on; the rest
// follows from the provider's environment and conventions and the inputs.
// The environment guard is skipped: the bootstrap that writes the policy
// may run before the Vault is stamped.
type providerPolicyDataSource struct{ vaultDataSource }

type providerPolicyModel struct {
	ID                types.String `tfsdk:"id"`
	JWTMount          types.String `tfsdk:"jwt_mount"`
	PKIMounts         types.List   `tfsdk:"pki_mounts"`
	KVCAPaths         types.List   `tfsdk:"kv_ca_paths"`
	BindingAuthMounts types.List   `tfsdk:"binding_auth_mounts"`
	AllowPurge        types.Bool   `tfsdk:"allow_purge"`
	ReadOnly          types.Bool   `tfsdk:"read_only"`
	policyOptInModel
	Accessors types.Map    `tfsdk:"auth_mount_accessors"`
	Name      types.String `tfsdk:"name"`
	Policy    types.String `tfsdk:"policy"`
}

func (d *providerPolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
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
	resp.Schema = schema.Schema{
		MarkdownDescription: "The least-privilege Vault ACL policy (HCL) that the provider's own token needs to manage the " +
			"conventions in the provider's environment `E`: the paths vaultboot's resources and data sources use, scoped to " +
			"`E`'s names wherever Vault paths allow, with no read of app secret values, explicit denies on the deploy " +
			"roles' role and policy paths (`E-deploy-*`), and parameter limits that keep the token from giving itself more " +
			"power: identity groups only external (members come from the IdP), group aliases only on the binding mounts' " +
			"accessors, login roles without token policies of their own, no metadata delete unless `allow_purge`. " +
			"It reads the binding mounts' accessors from Vault (`sys/auth/<mount>`, a sudo path): read it with an " +
			"administrator's token or the provider policy itself. Its header names the provider's `owner`, when set, " +
			"(`# vaultboot project: <owner>`) as a `vaultboot_ci_deploy_role` of that owner marks its policy, so the two texts are equal. See the security model guide for what it prevents and the residual risks.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The environment `E`.",
				Computed:            true,
			},
			"jwt_mount": schema.StringAttribute{
				MarkdownDescription: "The JWT auth mount holding the CI deploy roles, whose `E-deploy-*` roles the policy denies. Default `" + naming.DefaultJWTMount + "`.",
				Optional:            true,
				Validators:          []validator.String{validMount()},
			},
			"pki_mounts": mounts("PKI mounts that `vaultboot_namespace_ca_sync_policy` resources use as `ca_source.pki_mount`: the policy grants `read` on `<pki_mount>/cert/ca_chain`."),
			"kv_ca_paths": schema.ListAttribute{
				MarkdownDescription: "KV v2 logical paths in the conventions' KV mount that `vaultboot_namespace_ca_sync_policy` resources use as `ca_source.kv_path`: the policy grants `read` on their data. " +
					"Like `kv_path`, a path inside `E/` (app secrets) is refused.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.List{listvalidator.ValueStringsAre(validKVPath())},
			},
			"binding_auth_mounts": mounts("OIDC or JWT auth mounts that `vaultboot_oidc_group_binding` resources set as `auth_mount`, besides the conventions' `oidc_auth_mount` (always included). The deploy roles' `jwt_mount` is refused: a token that may write login roles and group aliases on the mount it logs in through could give its own logins more policies."),
			"allow_purge": schema.BoolAttribute{
				MarkdownDescription: "Grant deleting an app's KV metadata, which erases every version of its secret: needed only by `vaultboot_app_secret_path` with `purge_on_destroy = true`. Default `false`: the token can never erase an app's history.",
				Optional:            true,
			},
			"read_only": schema.BoolAttribute{
				MarkdownDescription: "Render the plan-only variant: the reads a refreshing `terraform plan` of the environment project makes and no write of any kind (what `vaultboot_ci_deploy_role` with `mode = \"plan\"` holds). Default `false`.",
				Optional:            true,
			},
			"manage_environment": schema.BoolAttribute{MarkdownDescription: manageEnvironmentDesc, Optional: true},
			"protected_ca_sync_policies": schema.ListAttribute{
				MarkdownDescription: protectedCASyncDesc, ElementType: types.StringType, Optional: true,
				Validators: []validator.List{listvalidator.ValueStringsAre(validName())},
			},
			"login_role_user_claims":   claims("user_claim", naming.DefaultLoginRoleUserClaim),
			"login_role_groups_claims": claims("groups_claim", naming.DefaultLoginRoleGroupsClaim),
			"auth_mount_accessors": schema.MapAttribute{
				MarkdownDescription: "The binding mounts' accessors read from Vault, by mount path: the only accessors the policy allows group aliases on. A mount that is not enabled is missing (with a warning).",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "A suggested policy name, `vaultboot_provider_E`. It lies outside every environment's `E-*`, which the policy lets the token write, so the token cannot rewrite its own policy.",
				Computed:            true,
			},
			"policy": schema.StringAttribute{
				MarkdownDescription: "The policy document (HCL).",
				Computed:            true,
			},
		},
	}
}

func (d *providerPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m providerPolicyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.client == nil {
		resp.Diagnostics.AddError("Provider Not Configured", "The vaultboot provider is not configured yet, so the environment and conventions of the policy are unknown. Configure the provider block with known values.")
		return
	}
	env := d.client.Env()
	in := m.inputs(m.ReadOnly.ValueBool())
	in.JWTMount, in.PKIMounts, in.KVCAPaths, in.BindingAuthMounts, in.AllowPurge = m.JWTMount.ValueString(), m.PKIMounts, m.KVCAPaths, m.BindingAuthMounts, m.AllowPurge
	opts, _, ok := policyOptions(ctx, d.client, in, &resp.Diagnostics)
	if !ok {
		return
	}
	policy, err := env.ProviderPolicy(opts)
	if err != nil {
		renderPolicyError(&resp.Diagnostics, "binding_auth_mounts", err)
		return
	}
	m.Accessors = stringMap(opts.Accessors)
	m.ID = types.StringValue(env.Name())
	m.Name = types.StringValue(env.ProviderPolicyName())
	m.Policy = types.StringValue(policy)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// checkKVCAPaths refuses, on the attribute, a CA path the CA sync resource
// would refuse for this environment (app secrets under "E/").
func checkKVCAPaths(env naming.Env, paths []string, diags *diag.Diagnostics) bool {
	ok := true
	for i, p := range paths {
		if err := env.CheckCASource(naming.CASource{KVPath: p}); err != nil {
			diags.AddAttributeError(path.Root("kv_ca_paths").AtListIndex(i), "Invalid KV Path",
				"A CA sync policy refuses this source, so the provider policy does not grant it: "+err.Error()+".")
			ok = false
		}
	}
	return ok
}
