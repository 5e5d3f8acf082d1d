package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// environmentDataSource is the vaultboot_environment data source: the
// stamp of the Vault the provider points at.
type environmentDataSource struct{ vaultDataSource }

type environmentDataSourceModel struct {
	Environment types.String `tfsdk:"environment"`
	Stamped     types.Bool   `tfsdk:"stamped"`
	Description types.String `tfsdk:"description"`
	Address     types.String `tfsdk:"address"`
	KVMount     types.String `tfsdk:"kv_mount"`
	StampPath   types.String `tfsdk:"stamp_path"`
}

func (d *environmentDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The environment stamp of the Vault the provider points at. Like every vaultboot data source it applies the environment guard: a Vault stamped with another environment than the provider's is an error, an unstamped Vault a warning.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{
				MarkdownDescription: "The environment the Vault is stamped with (always the provider's, as the guard refuses any other), or null when it has no stamp.",
				Computed:            true,
			},
			"stamped": schema.BoolAttribute{
				MarkdownDescription: "Whether the Vault carries an environment stamp.",
				Computed:            true,
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "The stamp's description, if any.",
				Computed:            true,
			},
			"address": schema.StringAttribute{
				MarkdownDescription: "The Vault address the provider uses.",
				Computed:            true,
			},
			"kv_mount": schema.StringAttribute{
				MarkdownDescription: "The conventions' KV v2 mount.",
				Computed:            true,
			},
			"stamp_path": schema.StringAttribute{
				MarkdownDescription: "The stamp's Vault API path, `vaultboot/data/environment`.",
				Computed:            true,
			},
		},
	}
}

func (d *environmentDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !checkEnvironment(ctx, d.client, &resp.Diagnostics) {
		return
	}
	env := d.client.Env()
	st, found, err := d.client.ReadStamp(ctx)
	if err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Read the Environment Stamp", err)
		return
	}
	m := environmentDataSourceModel{
		Environment: types.StringNull(),
		Stamped:     types.BoolValue(false),
		Description: types.StringNull(),
		Address:     types.StringValue(d.client.Address()),
		KVMount:     types.StringValue(env.KVMount()),
		StampPath:   types.StringValue(env.StampDataPath()),
	}
	if found {
		m.Environment, m.Stamped = types.StringValue(st.Environment), types.BoolValue(true)
		if desc, ok := st.Data[naming.StampDescriptionKey].(string); ok {
			m.Description = types.StringValue(desc)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
