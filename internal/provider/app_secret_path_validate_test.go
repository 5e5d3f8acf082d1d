package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
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
