package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// validateApp runs the resource's ValidateConfig on a configuration.
func validateApp(t *testing.T, m appSecretPathModel) resource.ValidateConfigResponse {
	t.Helper()
	ctx := context.Background()
	r := &appSecretPathResource{}
	var s resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &s)
	state := tfsdk.State{Schema: s.Schema, Raw: tftypes.NewValue(s.Schema.Type().TerraformType(ctx), nil)}
	if diags := state.Set(ctx, &m); diags.HasError() {
		t.Fatalf("config: %v", diags)
	}
	var resp resource.ValidateConfigResponse
	r.ValidateConfig(ctx, resource.ValidateConfigRequest{Config: tfsdk.Config{Schema: s.Schema, Raw: state.Raw}}, &resp)
	return resp
}

func wildcardConfig(allow bool, namespaces, serviceAccounts []string) appSecretPathModel {
	m := nullAppModel()
	m.App = types.StringValue("status")
	m.AllowWildcard = types.BoolValue(allow)
	set := func(ss []string) types.Set {
		return types.SetValueMust(types.StringType, stringList(ss).Elements())
	}
	m.Kubernetes = &appKubernetesModel{Namespaces: set(namespaces), ServiceAccounts: set(serviceAccounts), TokenPolicies: types.ListNull(types.StringType)}
	return m
}

// TestAppSecretPathWildcardWarning: allow_wildcard turns the wildcard error
// into a warning on the attribute, for namespaces and service accounts.
func TestAppSecretPathWildcardWarning(t *testing.T) {
	for _, tc := range []struct {
		namespaces, serviceAccounts []string
		attr                        string
	}{
		{[]string{"*"}, []string{"status"}, "kubernetes.namespaces"},
		{[]string{"status"}, []string{"*"}, "kubernetes.service_accounts"},
	} {
		resp := validateApp(t, wildcardConfig(true, tc.namespaces, tc.serviceAccounts))
		if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
			t.Fatalf("%s with allow_wildcard: %v, want exactly one warning", tc.attr, resp.Diagnostics)
		}
		w := resp.Diagnostics.Warnings()[0]
		if w.Summary() != "Wildcard Binding" || !strings.Contains(w.Detail(), "allow_wildcard = true") {
			t.Errorf("%s: warning %q: %q", tc.attr, w.Summary(), w.Detail())
		}
		if wp, ok := w.(diag.DiagnosticWithPath); !ok || wp.Path().String() != tc.attr {
			t.Errorf("warning is not on %s: %#v", tc.attr, w)
		}
		resp = validateApp(t, wildcardConfig(false, tc.namespaces, tc.serviceAccounts))
		if resp.Diagnostics.ErrorsCount() != 1 || resp.Diagnostics.Errors()[0].Summary() != "Wildcard Not Allowed" {
			t.Errorf("%s without allow_wildcard: %v, want the Wildcard Not Allowed error", tc.attr, resp.Diagnostics)
		}
	}
	if resp := validateApp(t, wildcardConfig(false, []string{"status"}, []string{"status"})); len(resp.Diagnostics) != 0 {
		t.Errorf("named bindings: %v, want no diagnostics", resp.Diagnostics)
	}
}

// TestAppSecretPathWildcardUnknownAllow: while allow_wildcard is not known
// yet (a variable during terraform validate) a wildcard is not refused.
func TestAppSecretPathWildcardUnknownAllow(t *testing.T) {
	m := wildcardConfig(false, []string{"*"}, []string{"status"})
	m.AllowWildcard = types.BoolUnknown()
	if resp := validateApp(t, m); resp.Diagnostics.HasError() {
		t.Errorf("unknown allow_wildcard: %v, want no error", resp.Diagnostics)
	}
}

// TestAppSecretPathInjectorTLS: injector_tls needs the kubernetes block that
// makes the annotations, and a ConfigMap is refused on the kind attribute
// with what to do instead.
func TestAppSecretPathInjectorTLS(t *testing.T) {
	tls := func(kind string) types.Object {
		return types.ObjectValueMust(injectorTLSAttrTypes, map[string]attr.Value{
			"kind": types.StringValue(kind), "secret_name": types.StringValue("vault-ca"), "key": types.StringValue("ca.crt"),
		})
	}
	m := wildcardConfig(false, []string{"status"}, []string{"status"})
	m.InjectorTLS = tls("Secret")
	if resp := validateApp(t, m); len(resp.Diagnostics) != 0 {
		t.Errorf("Secret: %v, want no diagnostics", resp.Diagnostics)
	}
	m.InjectorTLS = tls("ConfigMap")
	resp := validateApp(t, m)
	if resp.Diagnostics.ErrorsCount() != 1 || resp.Diagnostics.Errors()[0].Summary() != "Injector TLS Needs a Secret" ||
		!strings.Contains(resp.Diagnostics.Errors()[0].Detail(), `target.kind to "Secret"`) {
		t.Errorf("ConfigMap: %v", resp.Diagnostics)
	}
	m.InjectorTLS, m.Kubernetes = tls("Secret"), nil
	if resp := validateApp(t, m); resp.Diagnostics.ErrorsCount() != 1 || resp.Diagnostics.Errors()[0].Summary() != "Injector TLS Without Kubernetes Role" {
		t.Errorf("no kubernetes block: %v", resp.Diagnostics)
	}
}

// TestDiagnosticsProofread: the validators' messages are sentences: one
// full stop, no "..", no "an empty value is 0 bytes long", attribute names
// as written, and names with non-ASCII characters escaped.
func TestDiagnosticsProofread(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		v     validator.String
		input string
		want  string
	}{
		{validName(), "p\u0430yments", `"p\u0430yments"`},
		{metadataValue("Metadata Value"), "", "The value is empty"},
		{validKVPath(), "a/../b", `"a/../b"`},
		{validDuration(), "forever", `"forever"`},
		{validName(), strings.Repeat("x", 100), "the first 64 of 100 bytes"},
	}
	for _, tc := range cases {
		var resp validator.StringResponse
		tc.v.ValidateString(ctx, validator.StringRequest{ConfigValue: types.StringValue(tc.input)}, &resp)
		if !resp.Diagnostics.HasError() {
			t.Errorf("%q accepted", tc.input)
			continue
		}
		d := resp.Diagnostics.Errors()[0].Detail()
		if !strings.Contains(d, tc.want) || strings.Contains(d, "..\"") && !strings.Contains(tc.input, "..") ||
			strings.HasSuffix(d, "..") || strings.Contains(d, ". .") || strings.Contains(d, "0 bytes long") || !strings.HasSuffix(d, ".") {
			t.Errorf("%q: %q, want a sentence containing %q", tc.input, d, tc.want)
		}
	}
	if got := capitalize("kv_path \"x\" lies inside"); !strings.HasPrefix(got, "kv_path") {
		t.Errorf("capitalize renamed the attribute: %q", got)
	}
	if got := sentence("read x failed: Vault says no.\n"); got != "Read x failed: Vault says no." {
		t.Errorf("sentence = %q", got)
	}
	var opt validator.StringResponse
	optionalMetadataValue("Description").ValidateString(ctx, validator.StringRequest{ConfigValue: types.StringValue("")}, &opt)
	if opt.Diagnostics.HasError() {
		t.Errorf("description = \"\" refused: %v", opt.Diagnostics)
	}
}

// TestAppSecretPathKubernetesRequires: a kubernetes block must name
// namespaces and service accounts; without the block neither is needed.
func TestAppSecretPathKubernetesRequires(t *testing.T) {
	m := wildcardConfig(false, []string{"status"}, []string{"status"})
	m.Kubernetes.Namespaces = types.SetNull(types.StringType)
	resp := validateApp(t, m)
	if resp.Diagnostics.ErrorsCount() != 1 {
		t.Fatalf("kubernetes block without namespaces: %v, want one error", resp.Diagnostics)
	}
	e := resp.Diagnostics.Errors()[0]
	if wp, ok := e.(diag.DiagnosticWithPath); !ok || wp.Path().String() != "kubernetes.namespaces" || e.Summary() != "Missing Required Attribute" {
		t.Errorf("error %q (%q) is not a Missing Required Attribute on kubernetes.namespaces", e.Summary(), e.Detail())
	}
	m.Kubernetes.ServiceAccounts = types.SetNull(types.StringType)
	if resp := validateApp(t, m); resp.Diagnostics.ErrorsCount() != 2 {
		t.Errorf("kubernetes block without namespaces and service accounts: %v, want two errors", resp.Diagnostics)
	}
	m.Kubernetes = nil
	if resp := validateApp(t, m); len(resp.Diagnostics) != 0 {
		t.Errorf("no kubernetes block: %v, want no diagnostics", resp.Diagnostics)
	}
}
