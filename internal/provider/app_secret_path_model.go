package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// appSecretPathModel is the resource's state.
type appSecretPathModel struct {
	ID                  types.String        `tfsdk:"id"`
	App                 types.String        `tfsdk:"app"`
	Description         types.String        `tfsdk:"description"`
	Kubernetes          *appKubernetesModel `tfsdk:"kubernetes"`
	MaxVersions         types.Int64         `tfsdk:"max_versions"`
	CASRequired         types.Bool          `tfsdk:"cas_required"`
	DeleteVersionAfter  types.String        `tfsdk:"delete_version_after"`
	CustomMetadata      types.Map           `tfsdk:"custom_metadata"`
	PurgeOnDestroy      types.Bool          `tfsdk:"purge_on_destroy"`
	AdoptExisting       types.Bool          `tfsdk:"adopt_existing"`
	AllowWildcard       types.Bool          `tfsdk:"allow_wildcard"`
	Path                types.String        `tfsdk:"path"`
	DataPath            types.String        `tfsdk:"data_path"`
	ReadPolicy          types.String        `tfsdk:"read_policy"`
	WritePolicy         types.String        `tfsdk:"write_policy"`
	KubernetesRole      types.String        `tfsdk:"kubernetes_role"`
	AgentAnnotations    types.Map           `tfsdk:"agent_annotations"`
	TemplateFormat      types.String        `tfsdk:"template_format"`
	InjectorTLS         types.Object        `tfsdk:"injector_tls"`
	ReadPolicyDocument  types.String        `tfsdk:"read_policy_document"`
	WritePolicyDocument types.String        `tfsdk:"write_policy_document"`
}

// appKubernetesModel is the kubernetes block.
type appKubernetesModel struct {
	Namespaces      types.Set    `tfsdk:"namespaces"`
	ServiceAccounts types.Set    `tfsdk:"service_accounts"`
	Audience        types.String `tfsdk:"audience"`
	TokenTTL        types.String `tfsdk:"token_ttl"`
	TokenMaxTTL     types.String `tfsdk:"token_max_ttl"`
	TokenPolicies   types.List   `tfsdk:"token_policies"`
}

// clone copies m so that setting the copy's fields, the kubernetes block's
// included, leaves m as it was.
func (m appSecretPathModel) clone() appSecretPathModel {
	if m.Kubernetes != nil {
		k := *m.Kubernetes
		m.Kubernetes = &k
	}
	return m
}

// appDesired is what create and update write to Vault.
type appDesired struct {
	meta vaultclient.KVMetadata
	role *vaultclient.KubernetesRole // nil without a kubernetes block
}

// setNames sets the attributes that follow from the app name and the
// injector inputs, including the policy documents as vaultboot renders them.
func (m *appSecretPathModel) setNames(ctx context.Context, app naming.App) diag.Diagnostics {
	m.ID = types.StringValue(app.Name())
	m.Path = types.StringValue(app.LogicalPath())
	m.DataPath = types.StringValue(app.DataPath())
	m.ReadPolicy = types.StringValue(app.ReadPolicyName())
	m.WritePolicy = types.StringValue(app.WritePolicyName())
	m.ReadPolicyDocument = types.StringValue(app.ReadPolicy())
	m.WritePolicyDocument = types.StringValue(app.WritePolicy())
	return m.setInjector(ctx, app)
}

// computedValues are the attributes setNames sets, by attribute name.
func (m *appSecretPathModel) computedValues() map[string]attr.Value {
	return map[string]attr.Value{
		"id": m.ID, "path": m.Path, "data_path": m.DataPath,
		"read_policy": m.ReadPolicy, "write_policy": m.WritePolicy, "kubernetes_role": m.KubernetesRole,
		"read_policy_document": m.ReadPolicyDocument, "write_policy_document": m.WritePolicyDocument,
		"agent_annotations": m.AgentAnnotations,
	}
}

// plannedInputs reads the planned attributes the computed values depend on
// besides the app name: the kubernetes block, injector_tls and
// template_format.
func plannedInputs(ctx context.Context, plan tfsdk.Plan) (appSecretPathModel, diag.Diagnostics) {
	var m appSecretPathModel
	var diags diag.Diagnostics
	diags.Append(plan.GetAttribute(ctx, path.Root("kubernetes"), &m.Kubernetes)...)
	diags.Append(plan.GetAttribute(ctx, path.Root("injector_tls"), &m.InjectorTLS)...)
	diags.Append(plan.GetAttribute(ctx, path.Root("template_format"), &m.TemplateFormat)...)
	return m, diags
}

// plannedAsExpected reports whether a raw plan already holds every value
// ModifyPlan sets, given the planned inputs (plannedInputs), as a plan
// without changes does: its computed values are the prior state's.
// ModifyPlan then skips decoding and re-encoding the whole plan through
// reflection, which was most of the cost of planning an unchanged app
// (make bench). Any change, drift of a policy or role, or a new environment
// leaves a value different or unknown, and ModifyPlan does its full work.
func plannedAsExpected(ctx context.Context, plan tftypes.Value, inputs appSecretPathModel, app naming.App) bool {
	want := inputs
	if want.setNames(ctx, app).HasError() {
		return false
	}
	var got map[string]tftypes.Value
	if plan.As(&got) != nil {
		return false
	}
	for name, v := range want.computedValues() {
		if !sameValue(ctx, v, got[name]) {
			return false
		}
	}
	if got["kubernetes"].IsNull() {
		return true
	}
	var k8s map[string]tftypes.Value
	return got["kubernetes"].As(&k8s) == nil && sameValue(ctx, stringList([]string{app.ReadPolicyName()}), k8s["token_policies"])
}

func sameValue(ctx context.Context, want attr.Value, got tftypes.Value) bool {
	v, err := want.ToTerraformValue(ctx)
	return err == nil && v.Equal(got)
}

// desired turns a fully known plan into the Vault objects to write.
func (m *appSecretPathModel) desired(ctx context.Context, app naming.App) (appDesired, diag.Diagnostics) {
	var diags diag.Diagnostics
	user := map[string]string{}
	if !m.CustomMetadata.IsNull() {
		diags.Append(m.CustomMetadata.ElementsAs(ctx, &user, false)...)
	}
	d := appDesired{meta: vaultclient.KVMetadata{
		MaxVersions:        m.MaxVersions.ValueInt64(),
		CASRequired:        m.CASRequired.ValueBool(),
		DeleteVersionAfter: vaultDuration(m.DeleteVersionAfter),
		CustomMetadata:     app.Metadata(user, m.Description.ValueString()),
	}}
	if k := m.Kubernetes; k != nil {
		role := &vaultclient.KubernetesRole{
			Audience:      k.Audience.ValueString(),
			TokenTTL:      seconds(k.TokenTTL),
			TokenMaxTTL:   seconds(k.TokenMaxTTL),
			TokenPolicies: []string{app.ReadPolicyName()},
		}
		diags.Append(k.Namespaces.ElementsAs(ctx, &role.Namespaces, false)...)
		diags.Append(k.ServiceAccounts.ElementsAs(ctx, &role.ServiceAccountNames, false)...)
		d.role = role
	}
	return d, diags
}

// adoptionChanges lists, one line per field, what writing d changes in the
// objects an adopting create found (KV settings, the description, each
// custom_metadata key of its own, the role's bindings and TTLs), so the
// plan can say what adopt_existing = true will overwrite.
func adoptionChanges(app naming.App, got appObjects, d appDesired) []string {
	var out []string
	change := func(field string, from, to any) {
		if from != to {
			out = append(out, fmt.Sprintf("%s: %v → %v", field, from, to))
		}
	}
	if m := got.meta; m != nil {
		change("max_versions", m.MaxVersions, d.meta.MaxVersions)
		change("cas_required", m.CASRequired, d.meta.CASRequired)
		change("delete_version_after", ttlText(m.DeleteVersionAfter), ttlText(d.meta.DeleteVersionAfter))
		change("description", fmt.Sprintf("%q", m.CustomMetadata[naming.DescriptionKey]), fmt.Sprintf("%q", d.meta.CustomMetadata[naming.DescriptionKey]))
		have, want := naming.UserMetadata(m.CustomMetadata), naming.UserMetadata(d.meta.CustomMetadata)
		for _, k := range slices.Sorted(maps.Keys(have)) {
			if v, ok := want[k]; !ok {
				out = append(out, fmt.Sprintf("custom_metadata[%q]: removed (set it in custom_metadata to keep it)", k))
			} else if v != have[k] {
				out = append(out, fmt.Sprintf("custom_metadata[%q]: %q → %q", k, have[k], v))
			}
		}
	}
	if r, w := got.role, d.role; r != nil && w != nil {
		change("kubernetes.namespaces", sortedText(r.Namespaces), sortedText(w.Namespaces))
		change("kubernetes.service_accounts", sortedText(r.ServiceAccountNames), sortedText(w.ServiceAccountNames))
		change("kubernetes.audience", fmt.Sprintf("%q", r.Audience), fmt.Sprintf("%q", w.Audience))
		change("kubernetes.token_ttl", secondsText(r.TokenTTL), secondsText(w.TokenTTL))
		change("kubernetes.token_max_ttl", secondsText(r.TokenMaxTTL), secondsText(w.TokenMaxTTL))
		change("kubernetes.token_policies", sortedText(r.TokenPolicies), sortedText(w.TokenPolicies))
	}
	for _, p := range []struct {
		name string
		doc  *string
		want string
	}{{app.ReadPolicyName(), got.readDoc, app.ReadPolicy()}, {app.WritePolicyName(), got.writeDoc, app.WritePolicy()}} {
		if p.doc != nil && *p.doc != p.want {
			out = append(out, fmt.Sprintf("the policy %q: its text is replaced by the naming contract's", p.name))
		}
	}
	return out
}

// knownForAdoption reports whether every input adoptionChanges compares is
// known in the plan.
func (m *appSecretPathModel) knownForAdoption() bool {
	for _, v := range []attr.Value{m.MaxVersions, m.CASRequired, m.DeleteVersionAfter, m.Description, m.CustomMetadata} {
		if v.IsUnknown() {
			return false
		}
	}
	k := m.Kubernetes
	return k == nil || !(k.Namespaces.IsUnknown() || k.ServiceAccounts.IsUnknown() || k.Audience.IsUnknown() || k.TokenTTL.IsUnknown() || k.TokenMaxTTL.IsUnknown())
}

func sortedText(ss []string) string {
	return fmt.Sprintf("%q", slices.Sorted(slices.Values(ss)))
}

func secondsText(s int64) string {
	if s == 0 {
		return "the mount's default"
	}
	return (time.Duration(s) * time.Second).String()
}

// ttlText spells a Vault duration string the way secondsText does.
func ttlText(s string) string {
	d, err := time.ParseDuration(s)
	if err != nil {
		return s
	}
	return d.String()
}

// setObserved sets the state from what Vault holds. Values equal in meaning
// to the prior state ("1h" and 3600 seconds) keep the prior spelling. An
// import reads back any role of the app's name, vaultboot's or hand-made,
// so the plan shows exactly what apply changes in it.
func (m *appSecretPathModel) setObserved(ctx context.Context, app naming.App, got appObjects, importing bool) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.Append(m.setMetadata(ctx, app, got.meta, importing)...)
	switch {
	case got.role == nil || (m.Kubernetes == nil && !importing && !got.roleIsOurs(app)):
		m.Kubernetes = nil
	default:
		diags.Append(m.setRole(ctx, got.role)...)
	}
	if m.TemplateFormat.IsNull() { // an import: the format is not stored in Vault
		m.TemplateFormat = types.StringValue(naming.FormatShell)
	}
	diags.Append(m.setNames(ctx, app)...)
	m.ReadPolicyDocument = optionalString(got.readDoc)
	m.WritePolicyDocument = optionalString(got.writeDoc)
	return diags
}

// setMetadata maps the KV metadata. Metadata that is missing, not marked as
// this app's, or marked as removed is not under management: its fields go
// null, so the plan writes them (and the markers) back. An import reads a
// hand-made secret's fields as they are, so the plan shows what changes.
func (m *appSecretPathModel) setMetadata(ctx context.Context, app naming.App, meta *vaultclient.KVMetadata, importing bool) diag.Diagnostics {
	unmanaged := meta != nil && !importing && !naming.IsMarked(meta.CustomMetadata, app.Owner())
	if meta == nil || unmanaged || meta.CustomMetadata[naming.RemovedKey] != "" {
		m.MaxVersions = types.Int64Null()
		m.CASRequired = types.BoolNull()
		m.DeleteVersionAfter = types.StringNull()
		m.Description = types.StringNull()
		m.CustomMetadata = types.MapNull(types.StringType)
		return nil
	}
	m.MaxVersions = types.Int64Value(meta.MaxVersions)
	m.CASRequired = types.BoolValue(meta.CASRequired)
	m.DeleteVersionAfter = durationFromString(m.DeleteVersionAfter, meta.DeleteVersionAfter)
	m.Description = types.StringValue(meta.CustomMetadata[naming.DescriptionKey]) // "" when none
	var diags diag.Diagnostics
	m.CustomMetadata, diags = types.MapValueFrom(ctx, types.StringType, naming.UserMetadata(meta.CustomMetadata))
	return diags
}

func (m *appSecretPathModel) setRole(ctx context.Context, role *vaultclient.KubernetesRole) diag.Diagnostics {
	prior := m.Kubernetes
	if prior == nil {
		prior = &appKubernetesModel{}
	}
	k := &appKubernetesModel{
		Audience:      types.StringNull(),
		TokenTTL:      durationFromSeconds(prior.TokenTTL, role.TokenTTL),
		TokenMaxTTL:   durationFromSeconds(prior.TokenMaxTTL, role.TokenMaxTTL),
		TokenPolicies: stringList(role.TokenPolicies),
	}
	if role.Audience != "" {
		k.Audience = types.StringValue(role.Audience)
	}
	var diags, d diag.Diagnostics
	k.Namespaces, d = types.SetValueFrom(ctx, types.StringType, role.Namespaces)
	diags.Append(d...)
	k.ServiceAccounts, d = types.SetValueFrom(ctx, types.StringType, role.ServiceAccountNames)
	diags.Append(d...)
	m.Kubernetes = k
	return diags
}

// durationFromSeconds maps a TTL Vault returns in seconds: the prior string
// when it means the same, null for Vault's 0 (unset), else Vault's value.
func durationFromSeconds(prior types.String, secs int64) types.String {
	got := time.Duration(secs) * time.Second
	if d, err := parseDuration(prior.ValueString()); err == nil && !prior.IsNull() && d == got {
		return prior
	}
	if secs == 0 {
		return types.StringNull()
	}
	return types.StringValue(shortDuration(got))
}

// durationFromString maps a duration Vault returns as a string ("1h0m0s").
func durationFromString(prior types.String, vault string) types.String {
	got, err := time.ParseDuration(vault)
	if err != nil {
		return types.StringValue(vault)
	}
	if d, err := parseDuration(prior.ValueString()); err == nil && !prior.IsNull() && d == got {
		return prior
	}
	return types.StringValue(shortDuration(got))
}

// vaultDuration spells a validated duration for Vault ("30d" is "720h0m0s").
func vaultDuration(v types.String) string {
	d, _ := parseDuration(v.ValueString())
	return d.String()
}

// seconds converts a validated duration attribute for Vault; null is 0.
func seconds(v types.String) int64 {
	if v.IsNull() {
		return 0
	}
	d, _ := parseDuration(v.ValueString())
	return int64(d / time.Second)
}

func optionalString(s *string) types.String {
	if s == nil {
		return types.StringNull()
	}
	return types.StringValue(*s)
}

// names binds the app name to the environment's conventions (see begin).
func (m *appSecretPathModel) names(env naming.Env) (naming.App, path.Path, error) {
	app, err := env.App(m.App.ValueString())
	return app, path.Root("app"), err
}
