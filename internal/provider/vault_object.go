package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// vaultResource is what every resource embeds: its type name suffix and the
// provider's configured client, with the Metadata and Configure methods
// that follow from them.
type vaultResource struct {
	typeSuffix string // e.g. "_app_secret_path"
	client     *vaultclient.Client
}

func (r *vaultResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.typeSuffix
}

func (r *vaultResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// vaultDataSource is vaultResource for data sources.
type vaultDataSource struct {
	typeSuffix string
	client     *vaultclient.Client
}

func (d *vaultDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.typeSuffix
}

func (d *vaultDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}
