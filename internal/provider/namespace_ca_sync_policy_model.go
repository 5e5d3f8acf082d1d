package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/cabundle"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// caSyncPolicyModel maps vaultboot_namespace_ca_sync_policy.
type caSyncPolicyModel struct {
	ID                  types.String     `tfsdk:"id"`
	Name                types.String     `tfsdk:"name"`
	AdoptExisting       types.Bool       `tfsdk:"adopt_existing"`
	CASource            *caSourceModel   `tfsdk:"ca_source"`
	Namespaces          *namespacesModel `tfsdk:"namespaces"`
	Target              *targetModel     `tfsdk:"target"`
	Syncer              *syncerModel     `tfsdk:"syncer"`
	PolicyName          types.String     `tfsdk:"policy_name"`
	KubernetesRole      types.String     `tfsdk:"kubernetes_role"`
	TokenPolicies       types.List       `tfsdk:"token_policies"`
	Policy              types.String     `tfsdk:"policy"`
	DocumentPath        types.String     `tfsdk:"document_path"`
	Document            types.String     `tfsdk:"document"`
	CAFingerprintSHA256 types.String     `tfsdk:"ca_fingerprint_sha256"`
	CANotAfter          types.String     `tfsdk:"ca_not_after"`
	InjectorTLS         types.Object     `tfsdk:"injector_tls"`
}

type caSourceModel struct {
	PKIMount types.String `tfsdk:"pki_mount"`
	KVPath   types.String `tfsdk:"kv_path"`
	KVKey    types.String `tfsdk:"kv_key"`
	PEM      types.String `tfsdk:"pem"`
}

type namespacesModel struct {
	MatchNames    types.Set `tfsdk:"match_names"`
	MatchPrefixes types.Set `tfsdk:"match_prefixes"`
	MatchLabels   types.Map `tfsdk:"match_labels"`
	ExcludeNames  types.Set `tfsdk:"exclude_names"`
}

type targetModel struct {
	Kind        types.String `tfsdk:"kind"`
	Name        types.String `tfsdk:"name"`
	Key         types.String `tfsdk:"key"`
	Labels      types.Map    `tfsdk:"labels"`
	Annotations types.Map    `tfsdk:"annotations"`
}

type syncerModel struct {
	Namespace      types.String `tfsdk:"namespace"`
	ServiceAccount types.String `tfsdk:"service_account"`
	Audience       types.String `tfsdk:"audience"`
	TokenTTL       types.String `tfsdk:"token_ttl"`
}

// setInjectorTLS derives injector_tls from the target: what an app's
// injector_tls needs to mount the synced CA.
func (m *caSyncPolicyModel) setInjectorTLS() {
	t := m.Target
	switch {
	case t == nil:
		m.InjectorTLS = types.ObjectNull(injectorTLSAttrTypes)
	case t.Kind.IsUnknown() || t.Name.IsUnknown() || t.Key.IsUnknown():
		m.InjectorTLS = types.ObjectUnknown(injectorTLSAttrTypes)
	default:
		m.InjectorTLS = types.ObjectValueMust(injectorTLSAttrTypes, map[string]attr.Value{
			"kind": t.Kind, "secret_name": t.Name, "key": t.Key,
		})
	}
}

// defaultKVKey is the key of a KV source's secret that holds the bundle.
const defaultKVKey = "ca.crt"

// source returns the CA source validated for cs; ok is false while any part
// of it is unknown.
func (m *caSourceModel) source(cs naming.CASync) (s caSource, ok bool, err error) {
	if m == nil || m.PKIMount.IsUnknown() || m.KVPath.IsUnknown() || m.KVKey.IsUnknown() || m.PEM.IsUnknown() {
		return caSource{}, false, nil
	}
	src, err := naming.NewCASource(m.PKIMount.ValueString(), m.KVPath.ValueString())
	if err == nil {
		err = cs.CheckSource(src)
	}
	return caSource{src: src, kvKey: m.KVKey.ValueString(), pem: m.PEM.ValueString()}, true, err
}

// selector returns the namespace selector; ok is false while any part is
// unknown.
func (m *namespacesModel) selector() (naming.CASyncSelector, bool) {
	if m == nil {
		return naming.CASyncSelector{}, false
	}
	names, ok1 := knownSetStrings(m.MatchNames)
	prefixes, ok2 := knownSetStrings(m.MatchPrefixes)
	labels, ok3 := knownMapStrings(m.MatchLabels)
	exclude, ok4 := knownSetStrings(m.ExcludeNames)
	return naming.CASyncSelector{MatchNames: names, MatchPrefixes: prefixes, MatchLabels: labels, ExcludeNames: exclude},
		ok1 && ok2 && ok3 && ok4
}

// target returns the sync target; ok is false while any part is unknown.
func (m *targetModel) target() (naming.CASyncTarget, bool) {
	if m == nil || m.Kind.IsUnknown() || m.Name.IsUnknown() || m.Key.IsUnknown() {
		return naming.CASyncTarget{}, false
	}
	labels, ok1 := knownMapStrings(m.Labels)
	annotations, ok2 := knownMapStrings(m.Annotations)
	return naming.CASyncTarget{Kind: m.Kind.ValueString(), Name: m.Name.ValueString(), Key: m.Key.ValueString(), Labels: labels, Annotations: annotations},
		ok1 && ok2
}

// fromDocument sets the configuration-mirroring fields from the document
// Vault holds, so drift in it shows and import reads everything back.
// Empty collections read back as empty (see emptyIfUnset), and inline PEM
// keeps the prior text when it is the same bundle.
func (m *caSyncPolicyModel) fromDocument(d naming.CASyncDocument) {
	m.CAFingerprintSHA256 = types.StringValue(d.CA.FingerprintSHA256)
	m.CANotAfter = types.StringValue(d.CA.NotAfter)

	prior := m.CASource
	if prior == nil {
		prior = &caSourceModel{}
	}
	src := &caSourceModel{PKIMount: types.StringNull(), KVPath: types.StringNull(), PEM: types.StringNull(), KVKey: prior.KVKey}
	if src.KVKey.IsNull() || src.KVKey.IsUnknown() {
		src.KVKey = types.StringValue(defaultKVKey)
	}
	switch d.Source.Type {
	case naming.CASourcePKI:
		src.PKIMount = types.StringValue(d.Source.PKIMount)
	case naming.CASourceKV:
		src.KVPath, src.KVKey = types.StringValue(d.Source.KVPath), types.StringValue(d.Source.KVKey)
	default:
		src.PEM = types.StringValue(d.CA.PEM)
		if b, err := cabundle.Parse(prior.PEM.ValueString()); err == nil && b.FingerprintSHA256 == d.CA.FingerprintSHA256 {
			src.PEM = prior.PEM
		}
	}
	m.CASource = src

	m.Namespaces = &namespacesModel{
		MatchNames:    stringSet(d.Namespaces.MatchNames),
		MatchPrefixes: stringSet(d.Namespaces.MatchPrefixes),
		MatchLabels:   stringMap(d.Namespaces.MatchLabels),
		ExcludeNames:  stringSet(d.Namespaces.ExcludeNames),
	}
	m.Target = &targetModel{
		Kind:        types.StringValue(d.Target.Kind),
		Name:        types.StringValue(d.Target.Name),
		Key:         types.StringValue(d.Target.Key),
		Labels:      stringMap(d.Target.Labels),
		Annotations: stringMap(d.Target.Annotations),
	}
}

// setRole sets the syncer and token policies from the Kubernetes auth
// role. Bound lists are joined with "," so a widened role (a second service
// account, "*") shows in the plan as a change of the syncer; an audience or
// TTL changed in Vault shows as a change of those.
func (m *caSyncPolicyModel) setRole(role *vaultclient.KubernetesRole) {
	prior := m.Syncer
	if prior == nil {
		prior = &syncerModel{}
	}
	m.Syncer = &syncerModel{
		Namespace:      types.StringValue(strings.Join(role.Namespaces, ",")),
		ServiceAccount: types.StringValue(strings.Join(role.ServiceAccountNames, ",")),
		Audience:       types.StringNull(),
		TokenTTL:       durationFromSeconds(prior.TokenTTL, role.TokenTTL),
	}
	if role.Audience != "" {
		m.Syncer.Audience = types.StringValue(role.Audience)
	}
	m.TokenPolicies = stringList(role.TokenPolicies)
}

// role is the syncer's role as it will be written: its one service
// account, the audience its token must carry, and only the syncer policy.
func (s *syncerModel) role(policy string) vaultclient.KubernetesRole {
	return vaultclient.KubernetesRole{
		ServiceAccountNames: []string{s.ServiceAccount.ValueString()},
		Namespaces:          []string{s.Namespace.ValueString()},
		Audience:            s.Audience.ValueString(),
		TokenTTL:            seconds(s.TokenTTL),
		TokenMaxTTL:         seconds(s.TokenTTL),
		TokenPolicies:       []string{policy},
	}
}

// setNames fills the values that follow from the name alone.
func (m *caSyncPolicyModel) setNames(cs naming.CASync) {
	m.ID = types.StringValue(cs.Name())
	m.Name = types.StringValue(cs.Name())
	m.PolicyName = types.StringValue(cs.PolicyName())
	m.KubernetesRole = types.StringValue(cs.RoleName())
	m.DocumentPath = types.StringValue(cs.DocumentDataPath())
	m.TokenPolicies = stringList([]string{cs.PolicyName()})
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

// names binds the policy name to the environment's conventions (see begin).
func (m *caSyncPolicyModel) names(env naming.Env) (naming.CASync, path.Path, error) {
	cs, err := env.CASync(m.Name.ValueString())
	return cs, path.Root("name"), err
}
