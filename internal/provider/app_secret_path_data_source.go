package provider

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// appSecretPathDataSource is the vaultboot_app_secret_path data source:
// an app's names and annotations, whether its secret exists, and the names
// (never the values) of the keys it holds.
type appSecretPathDataSource struct{ vaultDataSource }

type appSecretPathDataModel struct {
	ID               types.String `tfsdk:"id"`
	App              types.String `tfsdk:"app"`
	Path             types.String `tfsdk:"path"`
	DataPath         types.String `tfsdk:"data_path"`
	ReadPolicy       types.String `tfsdk:"read_policy"`
	WritePolicy      types.String `tfsdk:"write_policy"`
	KubernetesRole   types.String `tfsdk:"kubernetes_role"`
	AgentAnnotations types.Map    `tfsdk:"agent_annotations"`
	Exists           types.Bool   `tfsdk:"exists"`
	WithKeyNames     types.Bool   `tfsdk:"with_key_names"`
	KeyNames         types.List   `tfsdk:"key_names"`
}

func (d *appSecretPathDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An app's secret path, policy and role names and injector annotations, whether its secret exists, " +
			"and the names of the keys its latest version holds, so a deploy project can check that every key it expects is there. " +
			"Key values are never read into Terraform. It works with the app's own `E-A-read` or `E-A-write` token: " +
			"such a token may not read the environment stamp, so instead of failing the data source warns that it cannot verify the environment. " +
			"`key_names` is read only with `with_key_names = true`, which needs a token that may read the secret (`E-A-read` or `E-A-write`; the provider policy deliberately cannot).",
		Attributes: map[string]schema.Attribute{
			"app": schema.StringAttribute{
				MarkdownDescription: "The app name `A`: " + naming.NameRule + ".",
				Required:            true,
				Validators:          []validator.String{validAppName()},
			},
			"id":              computed("The app name."),
			"path":            computed("The secret's logical KV path `E/A`."),
			"data_path":       computed("The secret's KV v2 data API path, e.g. `secret/data/E/A`."),
			"read_policy":     computed("The read policy's name `E-A-read`."),
			"write_policy":    computed("The write policy's name `E-A-write`."),
			"kubernetes_role": computed("The Kubernetes auth role's name `E-A`."),
			"agent_annotations": schema.MapAttribute{
				MarkdownDescription: "The pod annotations for the Vault Agent Injector: log in with the app's role and render every key of the secret into `/vault/secrets/app.env` as `export KEY='value'` lines (the resource's default `template_format`).",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"exists": schema.BoolAttribute{
				MarkdownDescription: "Whether the app's secret exists: its KV metadata is there (also after the conventions were destroyed without `purge_on_destroy`).",
				Computed:            true,
			},
			"with_key_names": schema.BoolAttribute{
				MarkdownDescription: "Whether to read `key_names`. Default `false`: the data source then needs only read on the secret's metadata.",
				Optional:            true,
			},
			"key_names": schema.ListAttribute{
				MarkdownDescription: "With `with_key_names = true`: the sorted key names of the secret's latest version; empty when there is no version or the latest one is deleted. Names only, never values. Null otherwise.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

func (d *appSecretPathDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m appSecretPathDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !checkEnvironmentOrWarn(ctx, d.client, &resp.Diagnostics) {
		return
	}
	app, err := d.client.Env().App(m.App.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("app"), "Invalid Name", capitalize(err.Error())+".")
		return
	}
	var exists bool
	var keys []string
	withKeys := m.WithKeyNames.ValueBool()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		_, exists, err = d.client.ReadKVMetadata(gctx, app.MetadataPath())
		return err
	})
	if withKeys {
		g.Go(func() (err error) {
			keys, _, err = d.client.ReadKVKeyNames(gctx, app.DataPath())
			return err
		})
	}
	if err := g.Wait(); err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Read App Secret Path", err)
		return
	}
	m.ID = types.StringValue(app.Name())
	m.Path = types.StringValue(app.LogicalPath())
	m.DataPath = types.StringValue(app.DataPath())
	m.ReadPolicy = types.StringValue(app.ReadPolicyName())
	m.WritePolicy = types.StringValue(app.WritePolicyName())
	m.KubernetesRole = types.StringValue(app.KubernetesRoleName())
	m.Exists = types.BoolValue(exists)
	m.KeyNames = types.ListNull(types.StringType)
	if withKeys {
		m.KeyNames = stringList(keys)
	}
	annotations, diags := types.MapValueFrom(ctx, types.StringType, app.AgentAnnotations(naming.FormatShell, nil))
	resp.Diagnostics.Append(diags...)
	m.AgentAnnotations = annotations
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// checkEnvironmentOrWarn is the environment guard for a read-only data
// source: a token that may not read the stamp (an app's own read or write
// token) gets a warning instead of an error, since nothing is changed.
func checkEnvironmentOrWarn(ctx context.Context, c *vaultclient.Client, diags *diag.Diagnostics) bool {
	var d diag.Diagnostics
	if checkEnvironment(ctx, c, &d) {
		diags.Append(d...)
		return true
	}
	if _, err := c.CheckEnvironment(ctx); vaultclient.StatusOf(err) == http.StatusForbidden {
		diags.AddWarning("Cannot Verify the Environment",
			fmt.Sprintf("This token may not read the environment stamp, so vaultboot cannot verify that the Vault at %s belongs to environment %+q; the data source only reads, so it goes on. %s.", c.Address(), c.Env().Name(), capitalize(err.Error())))
		return true
	}
	diags.Append(d...)
	return false
}
