package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
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
		MatchNames:    setFromDocument(d.Namespaces.MatchNames),
		MatchPrefixes: setFromDocument(d.Namespaces.MatchPrefixes),
		MatchLabels:   mapFromDocument(d.Namespaces.MatchLabels),
		ExcludeNames:  setFromDocument(d.Namespaces.ExcludeNames),
	}
	m.Target = &targetModel{
		Kind:        types.StringValue(d.Target.Kind),
		Name:        types.StringValue(d.Target.Name),
		Key:         types.StringValue(d.Target.Key),
		Labels:      mapFromDocument(d.Target.Labels),
		Annotations: mapFromDocument(d.Target.Annotations),
	}
}

// fromRole sets the syncer and token policies from the Kubernetes auth
// role. Bound lists are joined with "," so a widened role (a second service
// account, "*") shows in the plan as a change of the syncer.
func (m *caSyncPolicyModel) fromRole(role map[string]any) {
	m.Syncer = &syncerModel{
		Namespace:      types.StringValue(strings.Join(vaultclient.AsStrings(role["bound_service_account_namespaces"]), ",")),
		ServiceAccount: types.StringValue(strings.Join(vaultclient.AsStrings(role["bound_service_account_names"]), ",")),
	}
	m.TokenPolicies = listOfStrings(vaultclient.AsStrings(role["token_policies"]))
}

// roleData is the full managed field set of the syncer's role (Vault merges
// role writes, so every write sends all of it).
func roleData(s *syncerModel, policy string) map[string]any {
	return map[string]any{
		"bound_service_account_names":      []string{s.ServiceAccount.ValueString()},
		"bound_service_account_namespaces": []string{s.Namespace.ValueString()},
		"token_policies":                   []string{policy},
	}
}

func knownSetStrings(s types.Set) ([]string, bool) {
	if s.IsUnknown() {
		return nil, false
	}
	var out []string
	for _, e := range s.Elements() {
		v, ok := e.(types.String)
		if !ok || v.IsUnknown() {
			return nil, false
		}
		out = append(out, v.ValueString())
	}
	return out, true
}

func knownMapStrings(m types.Map) (map[string]string, bool) {
	if m.IsUnknown() {
		return nil, false
	}
	out := map[string]string{}
	for k, e := range m.Elements() {
		v, ok := e.(types.String)
		if !ok || v.IsUnknown() {
			return nil, false
		}
		out[k] = v.ValueString()
	}
	return out, true
}

// setFromDocument and mapFromDocument read a document's collection; none is
// the empty value, which is also what an unset attribute plans.
func setFromDocument(vals []string) types.Set {
	elems := make([]attr.Value, len(vals))
	for i, v := range vals {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

func mapFromDocument(vals map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(vals))
	for k, v := range vals {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

func listOfStrings(vals []string) types.List {
	elems := make([]attr.Value, len(vals))
	for i, v := range vals {
		elems[i] = types.StringValue(v)
	}
	return types.ListValueMust(types.StringType, elems)
}
