// Package provider implements the vaultboot Terraform provider on
// terraform-plugin-framework: the provider block, the resources and the data
// sources. Names and policy documents come from internal/naming; every Vault
// request goes through internal/vaultclient.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

var _ provider.Provider = &vaultbootProvider{}

// vaultbootProvider is the provider implementation.
type vaultbootProvider struct {
	version string
}

// New returns a provider factory for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &vaultbootProvider{version: version}
	}
}

// providerModel maps the provider block.
type providerModel struct {
	Address        types.String       `tfsdk:"address"`
	Token          types.String       `tfsdk:"token"`
	Namespace      types.String       `tfsdk:"namespace"`
	CACertFile     types.String       `tfsdk:"ca_cert_file"`
	CACertPEM      types.String       `tfsdk:"ca_cert_pem"`
	ClientCertFile types.String       `tfsdk:"client_cert_file"`
	ClientKeyFile  types.String       `tfsdk:"client_key_file"`
	TLSServerName  types.String       `tfsdk:"tls_server_name"`
	SkipTLSVerify  types.Bool         `tfsdk:"skip_tls_verify"`
	Environment    types.String       `tfsdk:"environment"`
	Owner          types.String       `tfsdk:"owner"`
	RetryTimeout   types.String       `tfsdk:"retry_timeout"`
	AuthLoginJWT   *authLoginJWTModel `tfsdk:"auth_login_jwt"`
	Conventions    *conventionsModel  `tfsdk:"conventions"`
}

type authLoginJWTModel struct {
	Mount types.String `tfsdk:"mount"`
	Role  types.String `tfsdk:"role"`
	JWT   types.String `tfsdk:"jwt"`
}

type conventionsModel struct {
	KVMount             types.String `tfsdk:"kv_mount"`
	KubernetesAuthMount types.String `tfsdk:"kubernetes_auth_mount"`
	OIDCAuthMount       types.String `tfsdk:"oidc_auth_mount"`
}

func (p *vaultbootProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "vaultboot"
	resp.Version = p.version
}

func (p *vaultbootProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Encodes a platform team's Vault bootstrapping conventions (app secret paths, OIDC group bindings, namespace CA sync, the environment stamp) as a few opinionated resources. It manages *where* secrets live and *who* may read or write them, never secret values.",
		Attributes: map[string]schema.Attribute{
			"address": schema.StringAttribute{
				MarkdownDescription: "Vault address, e.g. `https://vault.internal:8200`. Falls back to `VAULT_ADDR`. Plain `http://` is refused unless the host is loopback. Every request goes to this address: redirects are not followed, and `VAULT_AGENT_ADDR` and `VAULT_SRV_LOOKUP`, which other Vault clients let override it, are ignored.",
				Optional:            true,
				Validators:          []validator.String{validAddress()},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "Vault token, used as given (no child token is created). Falls back to `VAULT_TOKEN`, then `~/.vault-token`. Ignored when `auth_login_jwt` is set.",
				Optional:            true,
				Sensitive:           true,
			},
			"namespace": schema.StringAttribute{
				MarkdownDescription: "Vault Enterprise / OpenBao namespace. Falls back to `VAULT_NAMESPACE`. Refused on a Vault without namespaces (the open-source edition ignores it and would change its root namespace).",
				Optional:            true,
			},
			"ca_cert_file": schema.StringAttribute{
				MarkdownDescription: "PEM file of the CA that signed Vault's certificate. Falls back to `VAULT_CACERT`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("ca_cert_pem"))},
			},
			"ca_cert_pem": schema.StringAttribute{
				MarkdownDescription: "PEM text of the CA that signed Vault's certificate.",
				Optional:            true,
			},
			"client_cert_file": schema.StringAttribute{
				MarkdownDescription: "Client certificate for mTLS. Falls back to `VAULT_CLIENT_CERT`. Requires `client_key_file`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("client_key_file"))},
			},
			"client_key_file": schema.StringAttribute{
				MarkdownDescription: "Client key for mTLS. Falls back to `VAULT_CLIENT_KEY`. Requires `client_cert_file`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("client_cert_file"))},
			},
			"tls_server_name": schema.StringAttribute{
				MarkdownDescription: "Server name to verify Vault's certificate against (SNI). Falls back to `VAULT_TLS_SERVER_NAME`.",
				Optional:            true,
			},
			"skip_tls_verify": schema.BoolAttribute{
				MarkdownDescription: "Do not verify Vault's certificate. Falls back to `VAULT_SKIP_VERIFY`. Produces a warning: only for throwaway test servers.",
				Optional:            true,
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "The environment this provider manages, e.g. `integration` or `production`: " + naming.EnvironmentRule + ". Every name the provider creates starts with it, and a Vault stamped with another environment is refused.",
				Required:            true,
				Validators:          []validator.String{validEnvironment()},
			},
			"owner": schema.StringAttribute{
				MarkdownDescription: "The project that manages these objects, e.g. `platform/vault-config`: " + naming.OwnerRule + ". Falls back to `VAULTBOOT_OWNER`, then the CI's own project variable (`CI_PROJECT_PATH` on GitLab, `GITHUB_REPOSITORY` on GitHub). Every object a resource creates is marked with it, so two projects declaring the same object never share it silently. Required (at plan time) as soon as a resource plans, when none of these is set.",
				Optional:            true,
				Validators:          []validator.String{validOwner()},
			},
			"retry_timeout": schema.StringAttribute{
				MarkdownDescription: "Total time spent retrying one request through Vault maintenance (connection refused or reset, timeouts, 412, 429, 500, 502, 503, 504, and the 307 of a standby that cannot reach the active node: redirects are never followed), with exponential backoff and jitter. Default `2m`, at least `1s` (`0s` is refused: use `1s` to fail fast). Each attempt is bounded too (by the window, at most 30s), so a node that accepts connections and never answers ends a request at most one attempt after its window; once Vault has failed every request for the whole window, the remaining requests of the run fail at once instead of each waiting a window of its own.",
				Optional:            true,
				Validators:          []validator.String{validRetryTimeout()},
			},
		},
		Blocks: map[string]schema.Block{
			"auth_login_jwt": schema.SingleNestedBlock{
				MarkdownDescription: "Log in through a JWT auth role (a CI pipeline's ID token) instead of using a token.",
				Attributes: map[string]schema.Attribute{
					"mount": schema.StringAttribute{
						MarkdownDescription: "JWT auth mount path. Default `jwt`.",
						Optional:            true,
						Validators:          []validator.String{validMount()},
					},
					"role": schema.StringAttribute{
						MarkdownDescription: "Role to log in with. Required when the block is present.",
						Optional:            true,
					},
					"jwt": schema.StringAttribute{
						MarkdownDescription: "The JWT. Falls back to `VAULTBOOT_AUTH_JWT`.",
						Optional:            true,
						Sensitive:           true,
					},
				},
			},
			"conventions": schema.SingleNestedBlock{
				MarkdownDescription: "Mount names the conventions live on.",
				Attributes: map[string]schema.Attribute{
					"kv_mount": schema.StringAttribute{
						MarkdownDescription: "KV v2 mount holding app secrets and vaultboot's own documents. Default `secret`.",
						Optional:            true,
						Validators:          []validator.String{validMount()},
					},
					"kubernetes_auth_mount": schema.StringAttribute{
						MarkdownDescription: "Kubernetes auth mount for app and syncer roles. Default `kubernetes`.",
						Optional:            true,
						Validators:          []validator.String{validMount()},
					},
					"oidc_auth_mount": schema.StringAttribute{
						MarkdownDescription: "OIDC/JWT auth mount for group bindings. Default `oidc`.",
						Optional:            true,
						Validators:          []validator.String{validMount()},
					},
				},
			},
		},
	}
}

func (p *vaultbootProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource {
			return &appSecretPathResource{vaultResource{typeSuffix: "_app_secret_path"}}
		},
		func() resource.Resource {
			return &ciDeployRoleResource{vaultResource{typeSuffix: "_ci_deploy_role"}}
		},
		func() resource.Resource {
			return &environmentResource{vaultResource{typeSuffix: "_environment"}}
		},
		func() resource.Resource {
			return &caSyncPolicyResource{vaultResource{typeSuffix: "_namespace_ca_sync_policy"}}
		},
		func() resource.Resource {
			return &oidcGroupBindingResource{vaultResource{typeSuffix: "_oidc_group_binding"}}
		},
	}
}

func (p *vaultbootProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		func() datasource.DataSource {
			return &appSecretPathDataSource{vaultDataSource{typeSuffix: "_app_secret_path"}}
		},
		func() datasource.DataSource {
			return &environmentDataSource{vaultDataSource{typeSuffix: "_environment"}}
		},
		func() datasource.DataSource {
			return &providerPolicyDataSource{vaultDataSource{typeSuffix: "_provider_policy"}}
		},
	}
}

// managedResource is what every resource implements: the configured client,
// a plan that shows what apply writes, and import.
type managedResource interface {
	resource.ResourceWithConfigure
	resource.ResourceWithModifyPlan
	resource.ResourceWithImportState
}

// The compiler checks here, once, that each resource and data source
// implements what the framework calls.
var (
	_ managedResource                       = (*appSecretPathResource)(nil)
	_ managedResource                       = (*ciDeployRoleResource)(nil)
	_ managedResource                       = (*environmentResource)(nil)
	_ managedResource                       = (*caSyncPolicyResource)(nil)
	_ managedResource                       = (*oidcGroupBindingResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*appSecretPathResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*oidcGroupBindingResource)(nil)
	_ resource.ResourceWithConfigValidators = (*caSyncPolicyResource)(nil)
	_ datasource.DataSourceWithConfigure    = (*appSecretPathDataSource)(nil)
	_ datasource.DataSourceWithConfigure    = (*environmentDataSource)(nil)
	_ datasource.DataSourceWithConfigure    = (*providerPolicyDataSource)(nil)
)
