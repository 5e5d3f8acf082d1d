package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

func (r *environmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Stamps the Vault with the provider's `environment` at `vaultboot/data/environment` (a KV v2 mount `vaultboot` that no provider setting can move), so that a provider configured for another environment refuses to change it. Makes sure that mount and the conventions' KV v2 mount exist: it creates them when absent and never replaces or retunes an existing mount. A Vault stamped with another environment is never re-stamped. Destroy removes the stamp, never a mount.",
		Attributes: map[string]schema.Attribute{
			"id": idAttribute("The environment `E`; the import ID."),
			"environment": schema.StringAttribute{
				MarkdownDescription: "The environment the Vault is stamped with: the provider's `environment`. Configuring the provider for another environment replaces the resource, which then refuses to re-stamp.",
				Computed:            true,
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free text stored in the stamp, e.g. which cluster this Vault serves.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 1024)},
			},
			"kv_mount": schema.StringAttribute{
				MarkdownDescription: "The conventions' KV v2 mount, which holds the app secrets and vaultboot's CA sync documents; created when absent.",
				Computed:            true,
			},
			"stamp_path": schema.StringAttribute{
				MarkdownDescription: "The stamp's Vault API path, `vaultboot/data/environment`.",
				Computed:            true,
			},
			"adopt_existing": adoptExistingAttribute("a stamp of the same environment (a stamp of another environment is refused regardless)"),
		},
	}
}
