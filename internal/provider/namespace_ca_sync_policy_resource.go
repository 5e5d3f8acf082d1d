package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/cabundle"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

var (
	_ resource.ResourceWithConfigure        = &caSyncPolicyResource{}
	_ resource.ResourceWithConfigValidators = &caSyncPolicyResource{}
	_ resource.ResourceWithModifyPlan       = &caSyncPolicyResource{}
	_ resource.ResourceWithImportState      = &caSyncPolicyResource{}
)

// NewNamespaceCASyncPolicyResource is the vaultboot_namespace_ca_sync_policy
// resource: it publishes the internal CA to a namespace syncer.
func NewNamespaceCASyncPolicyResource() resource.Resource {
	return &caSyncPolicyResource{}
}

type caSyncPolicyResource struct {
	client *vaultclient.Client
}

func (r *caSyncPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_namespace_ca_sync_policy"
}

func (r *caSyncPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

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
			"id": schema.StringAttribute{
				MarkdownDescription: "The policy name `N`; the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The CA sync policy name `N`: " + naming.NameRule + ". Changing it replaces the policy.",
				Required:            true,
				Validators:          []validator.String{validName()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"adopt_existing": schema.BoolAttribute{
				MarkdownDescription: "Take over a policy, role or document of the same name that vaultboot did not create. Default `false`: create fails on such an object instead.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
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

// ModifyPlan fills in the computed values from the configuration and the
// live CA source, so the plan shows exactly what apply will write: a rotated
// CA, or a policy, role or document changed out of band, becomes a diff.
func (r *caSyncPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.client == nil || !planGuard(ctx, r.client, req.Plan, &resp.Diagnostics) || req.Plan.Raw.IsNull() {
		return
	}
	var plan caSyncPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.Name.IsUnknown() || !requireMounts(ctx, r.client, true, &resp.Diagnostics) {
		return
	}
	cs, err := r.client.Env().CASync(plan.Name.ValueString())
	if err != nil {
		return // the name's validator reports it
	}
	plan.setNames(cs)
	plan.setInjectorTLS()
	plan.Policy, plan.Document = types.StringUnknown(), types.StringUnknown()
	plan.CAFingerprintSHA256, plan.CANotAfter = types.StringUnknown(), types.StringUnknown()
	src, known, err := plan.CASource.source(cs)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("ca_source"), "Invalid CA Source", capitalize(err.Error())+".")
		return
	}
	if known {
		plan.Policy = types.StringValue(cs.Policy(src.src))
		if b := r.planBundle(ctx, cs, src, &resp.Diagnostics); b != nil {
			plan.CAFingerprintSHA256 = types.StringValue(b.FingerprintSHA256)
			plan.CANotAfter = types.StringValue(rfc3339(b.NotAfter))
			if doc, ok := plan.document(cs, src, b, &resp.Diagnostics); ok {
				plan.Document = types.StringValue(doc)
			}
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planBundle reads the CA at plan time. A source that does not exist yet
// only warns (the same apply may create it; apply then fails if it still
// does not); a source holding something wrong is an error.
func (r *caSyncPolicyResource) planBundle(ctx context.Context, cs naming.CASync, src caSource, diags *diag.Diagnostics) *cabundle.Bundle {
	b, err := readCABundle(ctx, r.client, cs, src)
	if isSourceMissing(err) {
		diags.AddAttributeWarning(path.Root("ca_source"), "CA Source Not Readable Yet",
			capitalize(err.Error())+". The CA is read again at apply, which fails if the source is still missing or empty.")
		return nil
	}
	if err != nil {
		addSourceError(diags, err)
		return nil
	}
	warning, err := b.Check(time.Now())
	if err != nil {
		diags.AddAttributeError(path.Root("ca_source"), "CA Certificate Expired", capitalize(err.Error())+".")
		return nil
	}
	if warning != "" {
		diags.AddAttributeWarning(path.Root("ca_source"), "CA Certificate Expires Soon", capitalize(warning)+".")
	}
	return b
}

func addSourceError(diags *diag.Diagnostics, err error) {
	var se *sourceError
	if errors.As(err, &se) {
		diags.AddAttributeError(path.Root("ca_source"), "Invalid CA Source", capitalize(err.Error())+".")
		return
	}
	addVaultError(diags, "Unable to Read the CA Source", err)
}

// setNames fills the values that follow from the name alone.
func (m *caSyncPolicyModel) setNames(cs naming.CASync) {
	m.ID = types.StringValue(cs.Name())
	m.Name = types.StringValue(cs.Name())
	m.PolicyName = types.StringValue(cs.PolicyName())
	m.KubernetesRole = types.StringValue(cs.RoleName())
	m.DocumentPath = types.StringValue(cs.DocumentDataPath())
	m.TokenPolicies = listOfStrings([]string{cs.PolicyName()})
}

// document renders the document as it will be written; ok is false while
// the selector or target is unknown.
func (m *caSyncPolicyModel) document(cs naming.CASync, src caSource, b *cabundle.Bundle, diags *diag.Diagnostics) (string, bool) {
	sel, ok1 := m.Namespaces.selector()
	tgt, ok2 := m.Target.target()
	if !ok1 || !ok2 {
		return "", false
	}
	doc, err := cs.Document(src.src, src.kvKey, sel, tgt, caDocument(b))
	if err != nil {
		diags.AddError("Invalid CA Sync Policy", capitalize(err.Error())+".")
		return "", false
	}
	text, err := naming.CanonicalJSON(doc.Data())
	if err != nil {
		diags.AddError("Unable to Render the CA Sync Document", capitalize(err.Error())+".")
		return "", false
	}
	return text, true
}

func (r *caSyncPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan caSyncPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !checkEnvironment(ctx, r.client, &resp.Diagnostics) {
		return
	}
	cs, doc, ok := r.prepare(ctx, &plan, &resp.Diagnostics)
	if !ok {
		return
	}
	if !requireMounts(ctx, r.client, true, &resp.Diagnostics) {
		return
	}
	if !plan.AdoptExisting.ValueBool() && !r.checkNotForeign(ctx, cs, &resp.Diagnostics) {
		return
	}
	// A write that fails part way still records the policy in state:
	// Terraform marks it tainted, so the next apply replaces it (or destroy
	// removes it) and nothing is left outside state.
	r.write(ctx, cs, &plan, doc, &resp.Diagnostics)
	setCreatedState(ctx, &resp.State, &plan, &resp.Diagnostics)
}

func (r *caSyncPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan caSyncPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !checkEnvironment(ctx, r.client, &resp.Diagnostics) {
		return
	}
	cs, doc, ok := r.prepare(ctx, &plan, &resp.Diagnostics)
	if !ok || !r.write(ctx, cs, &plan, doc, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// prepare reads the CA again at apply and renders what will be written into
// plan. A CA that changed since the plan is an error rather than a surprise:
// the document would not be what the plan showed.
func (r *caSyncPolicyResource) prepare(ctx context.Context, plan *caSyncPolicyModel, diags *diag.Diagnostics) (naming.CASync, naming.CASyncDocument, bool) {
	cs, err := r.client.Env().CASync(plan.Name.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("name"), "Invalid Name", capitalize(err.Error())+".")
		return cs, naming.CASyncDocument{}, false
	}
	src, _, err := plan.CASource.source(cs)
	if err != nil {
		diags.AddAttributeError(path.Root("ca_source"), "Invalid CA Source", capitalize(err.Error())+".")
		return cs, naming.CASyncDocument{}, false
	}
	b, err := readCABundle(ctx, r.client, cs, src)
	if err != nil {
		addSourceError(diags, err)
		return cs, naming.CASyncDocument{}, false
	}
	if _, err := b.Check(time.Now()); err != nil {
		diags.AddAttributeError(path.Root("ca_source"), "CA Certificate Expired", capitalize(err.Error())+".")
		return cs, naming.CASyncDocument{}, false
	}
	if planned := plan.CAFingerprintSHA256; !planned.IsUnknown() && planned.ValueString() != b.FingerprintSHA256 {
		diags.AddError("CA Changed Since the Plan", fmt.Sprintf("The CA at %s changed between plan and apply (planned fingerprint %s, now %s). Nothing was written: run the plan again.", cs.SourcePath(src.src), planned.ValueString(), b.FingerprintSHA256))
		return cs, naming.CASyncDocument{}, false
	}
	sel, _ := plan.Namespaces.selector()
	tgt, _ := plan.Target.target()
	doc, err := cs.Document(src.src, src.kvKey, sel, tgt, caDocument(b))
	if err != nil {
		diags.AddError("Invalid CA Sync Policy", capitalize(err.Error())+".")
		return cs, doc, false
	}
	text, err := naming.CanonicalJSON(doc.Data())
	if err != nil {
		diags.AddError("Unable to Render the CA Sync Document", capitalize(err.Error())+".")
		return cs, doc, false
	}
	plan.setNames(cs)
	plan.setInjectorTLS()
	plan.Policy = types.StringValue(cs.Policy(src.src))
	plan.Document = types.StringValue(text)
	plan.CAFingerprintSHA256 = types.StringValue(b.FingerprintSHA256)
	plan.CANotAfter = types.StringValue(rfc3339(b.NotAfter))
	return cs, doc, true
}

// checkNotForeign refuses to take over objects vaultboot did not create for
// this policy: a policy without our header, a role whose token policies are
// not exactly ours, a document without our markers.
func (r *caSyncPolicyResource) checkNotForeign(ctx context.Context, cs naming.CASync, diags *diag.Diagnostics) bool {
	var (
		policy              string
		role                map[string]any
		meta                *vaultclient.KVMetadata
		pFound, rFound      bool
		mFound              bool
		pErr, rErr, mErr    error
		wg                  sync.WaitGroup
		metadataPath, owner = cs.DocumentMetadataPath(), cs.Owner()
	)
	wg.Go(func() { policy, pFound, pErr = r.client.ReadPolicy(ctx, cs.PolicyName()) })
	wg.Go(func() { role, rFound, rErr = r.client.ReadRole(ctx, cs.RolePath()) })
	wg.Go(func() { meta, mFound, mErr = r.client.ReadKVMetadata(ctx, metadataPath) })
	wg.Wait()
	for _, err := range []error{pErr, rErr, mErr} {
		if err != nil {
			addVaultError(diags, "Unable to Check for Existing Objects", err)
			return false
		}
	}
	foreign := func(what string) {
		diags.AddError("Object Already Exists", fmt.Sprintf("The %s already exists; import it or set adopt_existing = true. It was not created by vaultboot for CA sync policy %q, so create will not take it over (import ID: %s).", what, cs.Name(), cs.Name()))
	}
	if pFound && naming.PolicyOwner(policy) != owner {
		foreign("Vault policy " + naming.PolicyPath(cs.PolicyName()))
	}
	if rFound && !slices.Equal(vaultclient.AsStrings(role["token_policies"]), []string{cs.PolicyName()}) {
		foreign("Kubernetes auth role " + cs.RolePath())
	}
	if mFound && !naming.IsMarked(meta.CustomMetadata, owner) {
		foreign("document " + metadataPath)
	}
	if diags.HasError() {
		return false
	}
	// The role has no marks: it goes with the policy it grants.
	env := r.client.Env()
	var marked []markedObject
	if pFound {
		marked = append(marked, markedObject{fmt.Sprintf("the policy %q", cs.PolicyName()), env.JudgePolicy(owner, policy)})
	}
	if mFound {
		marked = append(marked, markedObject{"the document " + metadataPath, env.JudgeMetadata(owner, meta.CustomMetadata)})
	}
	return claimMarked(diags, env.Owner(), cs.Name(), false, marked)
}

// write sends the policy (marked by its header), the document's markers,
// the document and the role, in that order: every object is marked before
// anything unmarked depends on it, so a run that stops in between leaves
// only objects the next create recognises as this policy's own, and the
// role that lets the syncer log in comes last.
func (r *caSyncPolicyResource) write(ctx context.Context, cs naming.CASync, plan *caSyncPolicyModel, doc naming.CASyncDocument, diags *diag.Diagnostics) bool {
	if err := r.client.WritePolicy(ctx, cs.PolicyName(), plan.Policy.ValueString()); err != nil {
		addVaultError(diags, "Unable to Write the CA Sync Policy", err)
		return false
	}
	meta := vaultclient.KVMetadata{DeleteVersionAfter: "0s", CustomMetadata: cs.Markers()}
	if err := r.client.WriteKVMetadata(ctx, cs.DocumentMetadataPath(), meta); err != nil {
		addVaultError(diags, "Unable to Mark the CA Sync Document", err)
		return false
	}
	if err := r.client.WriteKVData(ctx, cs.DocumentDataPath(), doc.Data()); err != nil {
		addVaultError(diags, "Unable to Write the CA Sync Document", err)
		return false
	}
	if err := r.client.WriteRole(ctx, cs.RolePath(), roleData(plan.Syncer, cs.PolicyName())); err != nil {
		addVaultError(diags, "Unable to Write the Syncer's Kubernetes Role", err)
		return false
	}
	return true
}

// Read reports what Vault holds: the policy text, the role's syncer and
// token policies, and the document with the source, selector, target and
// CA fingerprint it publishes. When all three are gone the resource is gone.
func (r *caSyncPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state caSyncPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !checkEnvironment(ctx, r.client, &resp.Diagnostics) {
		return
	}
	name := state.Name.ValueString()
	if name == "" {
		name = state.ID.ValueString()
	}
	cs, err := r.client.Env().CASync(name)
	if err != nil {
		resp.Diagnostics.AddError("Invalid CA Sync Policy Name", capitalize(err.Error())+".")
		return
	}
	var (
		policy                 string
		role, doc              map[string]any
		pFound, rFound, dFound bool
		pErr, rErr, dErr       error
		wg                     sync.WaitGroup
	)
	wg.Go(func() { policy, pFound, pErr = r.client.ReadPolicy(ctx, cs.PolicyName()) })
	wg.Go(func() { role, rFound, rErr = r.client.ReadRole(ctx, cs.RolePath()) })
	wg.Go(func() { doc, dFound, dErr = r.client.ReadKVData(ctx, cs.DocumentDataPath()) })
	wg.Wait()
	for _, err := range []error{pErr, rErr, dErr} {
		if err != nil {
			addVaultError(&resp.Diagnostics, "Unable to Read the CA Sync Policy", err)
			return
		}
	}
	if !pFound && !rFound && !dFound {
		resp.State.RemoveResource(ctx)
		return
	}
	state.setNames(cs)
	state.Policy = types.StringValue(policy)
	state.TokenPolicies = listOfStrings(nil)
	if rFound {
		state.fromRole(role)
	}
	state.readDocument(doc, dFound)
	state.setInjectorTLS()
	if state.AdoptExisting.IsNull() {
		state.AdoptExisting = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// readDocument sets the document and the fields it mirrors. A missing or
// unreadable document leaves the configuration fields as they were and
// empties the computed ones, so the plan rewrites it.
func (m *caSyncPolicyModel) readDocument(data map[string]any, found bool) {
	m.Document, m.CAFingerprintSHA256, m.CANotAfter = types.StringValue(""), types.StringValue(""), types.StringValue("")
	if !found {
		return
	}
	if text, err := naming.CanonicalJSON(data); err == nil {
		m.Document = types.StringValue(text)
	}
	if d, err := naming.ParseCASyncDocument(data); err == nil {
		m.fromDocument(d)
	}
}

func (r *caSyncPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state caSyncPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !checkEnvironment(ctx, r.client, &resp.Diagnostics) {
		return
	}
	cs, err := r.client.Env().CASync(state.Name.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Invalid CA Sync Policy Name", capitalize(err.Error())+".")
		return
	}
	// The role first, so the syncer cannot log in while the rest goes.
	if err := r.client.DeleteRole(ctx, cs.RolePath()); err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Delete the Syncer's Kubernetes Role", err)
		return
	}
	if err := r.client.DeletePolicy(ctx, cs.PolicyName()); err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Delete the CA Sync Policy", err)
		return
	}
	if err := r.client.DeleteKVMetadata(ctx, cs.DocumentMetadataPath()); err != nil {
		addVaultError(&resp.Diagnostics, "Unable to Delete the CA Sync Document", err)
	}
}

func (r *caSyncPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := naming.ValidateName(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", "The import ID is the CA sync policy name N. "+capitalize(err.Error())+".")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
}
