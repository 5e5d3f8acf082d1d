package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

func (r *appSecretPathResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := appComputedAttributes()
	for name, a := range map[string]schema.Attribute{
		"id":  idAttribute("The app name, as used by `terraform import`."),
		"app": appNameAttribute(),
		"description": schema.StringAttribute{
			MarkdownDescription: "What the app is, stored in the secret's KV metadata (key `" + naming.DescriptionKey + "`). Up to 512 printable bytes; `\"\"` means no description, like leaving it out (both read back as `\"\"`).",
			Optional:            true,
			Computed:            true,
			PlanModifiers:       []planmodifier.String{emptyIfUnset{}},
			Validators:          []validator.String{optionalMetadataValue("Description")},
		},
		"max_versions": schema.Int64Attribute{
			MarkdownDescription: "How many versions of the secret Vault keeps. Default `10`; `0` means the mount's setting.",
			Optional:            true,
			Computed:            true,
			Default:             int64default.StaticInt64(10),
			Validators:          []validator.Int64{int64validator.AtLeast(0)},
		},
		"cas_required": schema.BoolAttribute{
			MarkdownDescription: "Whether every write of the secret must pass the `cas` (check-and-set) version. Default `false`.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
		},
		"delete_version_after": schema.StringAttribute{
			MarkdownDescription: "How long a version lives before Vault soft-deletes it, e.g. `\"720h\"` or `\"30d\"`. Default `\"0s\"` (never).",
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString("0s"),
			Validators:          []validator.String{validDuration()},
			PlanModifiers:       durationPlanModifiers(),
		},
		"custom_metadata": schema.MapAttribute{
			MarkdownDescription: fmt.Sprintf("Extra KV `custom_metadata` for the secret, merged with vaultboot's own keys (%s), which may not be set here; `{}` means the same as leaving it out. At most %d entries; keys of 1 to 128 bytes, values of 1 to 512 printable bytes.", strings.Join(quoteCode(naming.ReservedMetadataKeys), ", "), maxUserMetadataKeys),
			ElementType:         types.StringType,
			Optional:            true,
			Computed:            true,
			PlanModifiers:       []planmodifier.Map{emptyIfUnset{}},
			Validators: []validator.Map{
				mapvalidator.SizeAtMost(maxUserMetadataKeys),
				mapvalidator.KeysAre(metadataKey()),
				mapvalidator.ValueStringsAre(metadataValue("Metadata Value")),
			},
		},
		"purge_on_destroy": schema.BoolAttribute{
			MarkdownDescription: "Whether destroy also deletes the secret's metadata and **every stored version**. Default `false`: destroy removes the policies and the role and keeps the secret, marking its metadata with `" + naming.RemovedKey + "`.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
		},
		"adopt_existing": adoptExistingAttribute("the KV metadata, a policy or the Kubernetes role"),
		"allow_wildcard": schema.BoolAttribute{
			MarkdownDescription: "Whether `kubernetes.namespaces` or `kubernetes.service_accounts` may be `[\"*\"]` (any namespace or any service account). Default `false`; when `true`, a wildcard produces a plan-time warning.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
		},
		"read_policy_document": schema.StringAttribute{
			MarkdownDescription: "The read policy's HCL as Vault holds it. An edit made outside Terraform shows as a change in the next plan and apply restores it.",
			Computed:            true,
		},
		"template_format": schema.StringAttribute{
			MarkdownDescription: "The format of the file the injected Vault Agent renders from the secret; every value round-trips byte for byte. " +
				"`shell` (default): `/vault/secrets/app.env` with one `export KEY='value'` line per key (a `'` in a value is written `'\\''`), for `source` in a shell. " +
				"`dotenv`: `/vault/secrets/app.env` with `KEY=\"value\"` lines, backslash, double quote, newline and carriage return escaped as `\\\\`, `\\\"`, `\\n` and `\\r`, `$` as is (read it without variable interpolation, e.g. python-dotenv's `interpolate=False`). " +
				"`json`: `/vault/secrets/app.json`, the secret's data as one JSON object. " +
				"`shell` and `dotenv` render only keys that are shell variable names (`" + naming.EnvKeyPattern + "`) and leave other keys out; use `json` for secrets with other keys.",
			Optional:   true,
			Computed:   true,
			Default:    stringdefault.StaticString(naming.FormatShell),
			Validators: []validator.String{stringvalidator.OneOf(naming.AgentFormats...)},
		},
		"injector_tls": injectorTLSAttribute(),
		"write_policy_document": schema.StringAttribute{
			MarkdownDescription: "The write policy's HCL as Vault holds it. An edit made outside Terraform shows as a change in the next plan and apply restores it.",
			Computed:            true,
		},
	} {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An app's secret home and who may use it: the KV v2 metadata of `E/A` (never a secret value), " +
			"the read policy `E-A-read` for its workload, the write policy `E-A-write` for its owners, and optionally the " +
			"Kubernetes auth role `E-A` its pods log in with through the Vault Agent Injector.",
		Attributes: attrs,
		Blocks: map[string]schema.Block{
			"kubernetes": appKubernetesBlock(),
		},
	}
}

// appComputedAttributes are the names derived from the app name alone.
func appComputedAttributes() map[string]schema.Attribute {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	return map[string]schema.Attribute{
		"path":            computed("The secret's logical KV path `E/A`."),
		"data_path":       computed("The secret's KV v2 data API path, e.g. `secret/data/E/A`."),
		"read_policy":     computed("The read policy's name `E-A-read`: read the secret and its sub-paths, read and list their metadata."),
		"write_policy":    computed("The write policy's name `E-A-write`: write, patch, soft-delete and undelete; never destroy versions or delete metadata."),
		"kubernetes_role": computed("The Kubernetes auth role's name `E-A`; null without a `kubernetes` block, which is when no role is made."),
		"agent_annotations": schema.MapAttribute{
			MarkdownDescription: "The pod annotations for the Vault Agent Injector: log in with the app's role and render every key of the secret into `/vault/secrets/app.env` (`app.json` for `template_format = \"json\"`); with `injector_tls`, also `vault.hashicorp.com/tls-secret` and `vault.hashicorp.com/ca-cert`. Null without a `kubernetes` block.",
			ElementType:         types.StringType,
			Computed:            true,
		},
	}
}

func appKubernetesBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "The Kubernetes auth role `E-A` the app's pods log in with. Without this block no role is made.",
		Attributes: map[string]schema.Attribute{
			"namespaces": schema.SetAttribute{
				MarkdownDescription: "Required. Namespaces whose service accounts may log in. `[\"*\"]` (any namespace) needs `allow_wildcard = true`.",
				ElementType:         types.StringType,
				Optional:            true, // required in the block: see ValidateConfig
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringCheck{description: "Namespace", check: naming.ValidateNamespace}),
				},
			},
			"service_accounts": schema.SetAttribute{
				MarkdownDescription: "Required. Service accounts that may log in. `[\"*\"]` (any service account) needs `allow_wildcard = true`.",
				ElementType:         types.StringType,
				Optional:            true, // required in the block: see ValidateConfig
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringCheck{description: "Service Account", check: naming.ValidateServiceAccount}),
				},
			},
			"audience": schema.StringAttribute{
				MarkdownDescription: "The audience the service account token must carry. Unset: no audience check.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"token_ttl": schema.StringAttribute{
				MarkdownDescription: "Lifetime of the Vault token a pod gets, e.g. `\"1h\"`. Unset: the mount's default.",
				Optional:            true,
				Validators:          []validator.String{validDuration()},
				PlanModifiers:       durationPlanModifiers(),
			},
			"token_max_ttl": schema.StringAttribute{
				MarkdownDescription: "Maximum lifetime of the token including renewals, e.g. `\"24h\"`. Unset: the mount's default.",
				Optional:            true,
				Validators:          []validator.String{validDuration()},
				PlanModifiers:       durationPlanModifiers(),
			},
			"token_policies": schema.ListAttribute{
				MarkdownDescription: "The role's token policies as Vault holds them: always exactly the app's read policy. Extra policies found on an imported role show here and apply removes them.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}
