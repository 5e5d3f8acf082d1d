package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

func (r *caSyncPolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	// An empty set or map means the same as leaving it out, so a module can
	// pass its variables through: no SizeAtLeast(1) on the selector fields.
	k8sNames := []validator.Set{setvalidator.ValueStringsAre(validK8sNamespace())}
	labels := []validator.Map{mapvalidator.KeysAre(validK8sLabelKey()), mapvalidator.ValueStringsAre(validK8sLabelValue())}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Publishes the internal CA to the namespaces a namespace syncer manages: the Vault policy and Kubernetes auth role `E-ca-sync-N` for the syncer, and the JSON document at `secret/data/_vaultboot/E/ca-sync/N` that tells it which namespaces get which object holding which CA bundle. The CA source is read at every plan, so a rotated CA shows as a change and apply rewrites the document.",
		Attributes: map[string]schema.Attribute{
			"id":                    idAttribute("The policy name `N`; the import ID."),
			"name":                  nameAttribute("The CA sync policy name `N`: " + naming.NameRule + ". Changing it replaces the policy."),
			"adopt_existing":        adoptExistingAttribute("the policy, the Kubernetes role or the document"),
			"policy_name":           computed("The syncer's Vault policy, `E-ca-sync-N`."),
			"kubernetes_role":       computed("The syncer's Kubernetes auth role, `E-ca-sync-N`, on the conventions' Kubernetes auth mount."),
			"policy":                computed("The policy document in Vault: `read` on the CA source and on the document, nothing else. An out-of-band edit shows as a change."),
			"document_path":         computed("The Vault API path of the document the syncer reads, `secret/data/_vaultboot/E/ca-sync/N`."),
			"document":              computed("The document as Vault holds it (indented JSON, sorted keys; schema in the resource documentation). An out-of-band edit shows as a change."),
			"ca_fingerprint_sha256": computed("Lowercase hex SHA-256 of the bundle's certificates (DER, concatenated in order) in the published document. The plan shows the live source's value, so a rotated CA appears as a change."),
			"ca_not_after":          computed("The earliest expiry in the bundle, RFC 3339 in UTC."),
			"injector_tls": schema.SingleNestedAttribute{
				MarkdownDescription: "The target as an app's `injector_tls` takes it (`kind`, `secret_name` = `target.name`, `key` = `target.key`), so the Vault Agent Injector of an app in the selected namespaces trusts this CA: `injector_tls = vaultboot_namespace_ca_sync_policy.NAME.injector_tls`. Only a `Secret` target can be mounted; the app refuses a `ConfigMap` at plan time.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"kind":        schema.StringAttribute{MarkdownDescription: "`target.kind`.", Computed: true},
					"secret_name": schema.StringAttribute{MarkdownDescription: "`target.name`.", Computed: true},
					"key":         schema.StringAttribute{MarkdownDescription: "`target.key`.", Computed: true},
				},
			},
			"token_policies": schema.ListAttribute{
				MarkdownDescription: "The role's token policies: always `[policy_name]`. An out-of-band change shows here.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
		Blocks: map[string]schema.Block{
			"ca_source": schema.SingleNestedBlock{
				MarkdownDescription: "Required. Where the CA bundle comes from: exactly one of `pki_mount`, `kv_path` or `pem`. It must be one or more PEM CA certificates, none expired; a bundle expiring within 30 days gives a warning.",
				Validators:          []validator.Object{objectvalidator.IsRequired()},
				Attributes: map[string]schema.Attribute{
					"pki_mount": schema.StringAttribute{
						MarkdownDescription: "A PKI mount whose `<pki_mount>/cert/ca_chain` is the bundle.",
						Optional:            true,
						Validators:          []validator.String{validMount()},
					},
					"kv_path": schema.StringAttribute{
						MarkdownDescription: "A KV v2 logical path in the conventions' KV mount (e.g. `platform/vault-ca`) whose key `kv_key` holds the PEM bundle.",
						Optional:            true,
						Validators:          []validator.String{validKVPath()},
					},
					"kv_key": schema.StringAttribute{
						MarkdownDescription: "The key of the `kv_path` secret holding the bundle. Default `ca.crt`.",
						Optional:            true,
						Computed:            true,
						Default:             stringdefault.StaticString(defaultKVKey),
						Validators:          []validator.String{validK8sDataKey(), stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("kv_path"))},
					},
					"pem": schema.StringAttribute{
						MarkdownDescription: "The PEM bundle itself.",
						Optional:            true,
						Validators:          []validator.String{validCABundle()},
					},
				},
			},
			"namespaces": schema.SingleNestedBlock{
				MarkdownDescription: "Required. Which namespaces get the CA: those named in `match_names`, or starting with one of `match_prefixes`, or carrying every label of `match_labels`; minus `exclude_names`. At least one `match_*` must be non-empty. An empty set or map means the same as leaving it out (both read back as empty).",
				Validators:          []validator.Object{objectvalidator.IsRequired()},
				Attributes: map[string]schema.Attribute{
					"match_names": schema.SetAttribute{
						MarkdownDescription: "Namespace names.",
						Optional:            true,
						Computed:            true,
						PlanModifiers:       []planmodifier.Set{emptyIfUnset{}},
						ElementType:         types.StringType,
						Validators:          k8sNames,
					},
					"match_prefixes": schema.SetAttribute{
						MarkdownDescription: "Namespace name prefixes, e.g. `team-`.",
						Optional:            true,
						Computed:            true,
						PlanModifiers:       []planmodifier.Set{emptyIfUnset{}},
						ElementType:         types.StringType,
						Validators:          []validator.Set{setvalidator.ValueStringsAre(validK8sNamespacePrefix())},
					},
					"match_labels": schema.MapAttribute{
						MarkdownDescription: "Labels a namespace must all carry.",
						Optional:            true,
						Computed:            true,
						PlanModifiers:       []planmodifier.Map{emptyIfUnset{}},
						ElementType:         types.StringType,
						Validators:          labels,
					},
					"exclude_names": schema.SetAttribute{
						MarkdownDescription: "Namespace names never selected.",
						Optional:            true,
						Computed:            true,
						PlanModifiers:       []planmodifier.Set{emptyIfUnset{}},
						ElementType:         types.StringType,
						Validators:          k8sNames,
					},
				},
			},
			"target": schema.SingleNestedBlock{
				MarkdownDescription: "Required. The object the syncer writes in every selected namespace.",
				Validators:          []validator.Object{objectvalidator.IsRequired()},
				Attributes: map[string]schema.Attribute{
					"kind": schema.StringAttribute{
						MarkdownDescription: "`Secret` (type Opaque) or `ConfigMap`.",
						Required:            true,
						Validators:          []validator.String{stringvalidator.OneOf(naming.TargetKindSecret, naming.TargetKindConfigMap)},
					},
					"name": schema.StringAttribute{
						MarkdownDescription: "The object's name. Default `vault-ca`.",
						Optional:            true,
						Computed:            true,
						Default:             stringdefault.StaticString("vault-ca"),
						Validators:          []validator.String{validK8sObjectName()},
					},
					"key": schema.StringAttribute{
						MarkdownDescription: "The data key holding the PEM bundle. Default `ca.crt`.",
						Optional:            true,
						Computed:            true,
						Default:             stringdefault.StaticString("ca.crt"),
						Validators:          []validator.String{validK8sDataKey()},
					},
					"labels": schema.MapAttribute{
						MarkdownDescription: "Labels of the object.",
						Optional:            true,
						Computed:            true,
						PlanModifiers:       []planmodifier.Map{emptyIfUnset{}},
						ElementType:         types.StringType,
						Validators:          labels,
					},
					"annotations": schema.MapAttribute{
						MarkdownDescription: "Annotations of the object.",
						Optional:            true,
						Computed:            true,
						PlanModifiers:       []planmodifier.Map{emptyIfUnset{}},
						ElementType:         types.StringType,
						Validators:          []validator.Map{mapvalidator.KeysAre(validK8sLabelKey())},
					},
				},
			},
			"syncer": schema.SingleNestedBlock{
				MarkdownDescription: "Required. The syncer's service account: the only identity the role `E-ca-sync-N` lets log in.",
				Validators:          []validator.Object{objectvalidator.IsRequired()},
				Attributes: map[string]schema.Attribute{
					"namespace": schema.StringAttribute{
						MarkdownDescription: "The syncer's namespace.",
						Required:            true,
						Validators:          []validator.String{validK8sNamespace()},
					},
					"service_account": schema.StringAttribute{
						MarkdownDescription: "The syncer's service account.",
						Required:            true,
						Validators:          []validator.String{validK8sObjectName()},
					},
					"audience": schema.StringAttribute{
						MarkdownDescription: "The audience the syncer's service account token must carry (the audience of its projected token, e.g. `vault`). Unset: no audience check.",
						Optional:            true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"token_ttl": schema.StringAttribute{
						MarkdownDescription: "Lifetime of the Vault token the syncer gets, e.g. `\"1h\"`; it logs in again before it expires. Unset: the mount's default.",
						Optional:            true,
						Validators:          []validator.String{validDuration()},
						PlanModifiers:       durationPlanModifiers(),
					},
				},
			},
		},
	}
}

func (r *caSyncPolicyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	src := path.MatchRoot("ca_source")
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(src.AtName("pki_mount"), src.AtName("kv_path"), src.AtName("pem")),
		selectorNotEmpty{},
	}
}

// selectorNotEmpty requires a namespace selector that selects something:
// at least one match_* with an element ([] counts as absent).
type selectorNotEmpty struct{}

func (selectorNotEmpty) Description(context.Context) string {
	return "At least one of namespaces.match_names, match_prefixes or match_labels is non-empty."
}

func (v selectorNotEmpty) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (selectorNotEmpty) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var ns *namespacesModel
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("namespaces"), &ns)...)
	if resp.Diagnostics.HasError() || ns == nil {
		return // the block's own validator reports a missing block
	}
	for _, v := range []attr.Value{ns.MatchNames, ns.MatchPrefixes, ns.MatchLabels} {
		if v.IsUnknown() || !v.IsNull() && nonEmpty(v) {
			return
		}
	}
	resp.Diagnostics.AddAttributeError(path.Root("namespaces"), "Namespace Selector Selects Nothing",
		"Set at least one of match_names, match_prefixes or match_labels to a non-empty value; empty ones count as absent.")
}

func nonEmpty(v attr.Value) bool {
	switch c := v.(type) {
	case types.Set:
		return len(c.Elements()) > 0
	case types.Map:
		return len(c.Elements()) > 0
	}
	return true
}
