package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// ModifyPlan's shortcut may only skip plans that already hold every value
// it would set: anything drifted, unknown or from another environment must
// take the full path.
func TestPlannedAsExpected(t *testing.T) {
	ctx := context.Background()
	env, err := naming.NewEnv("prod", naming.DefaultConventions())
	if err != nil {
		t.Fatal(err)
	}
	app, _ := env.App("payments")
	other, _ := naming.NewEnv("staging", naming.DefaultConventions())
	otherApp, _ := other.App("payments")
	for _, tc := range []struct {
		name   string
		noRole bool
		edit   func(m *appSecretPathModel)
		want   bool
	}{
		{"as planned by ModifyPlan", false, func(*appSecretPathModel) {}, true},
		{"without a kubernetes block", true, func(*appSecretPathModel) {}, true},
		{"read policy edited outside Terraform", false, func(m *appSecretPathModel) {
			m.ReadPolicyDocument = types.StringValue(`path "secret/*" { capabilities = ["read"] }`)
		}, false},
		{"write policy gone", false, func(m *appSecretPathModel) { m.WritePolicyDocument = types.StringNull() }, false},
		{"role grants another policy", false, func(m *appSecretPathModel) { m.Kubernetes.TokenPolicies = stringList([]string{"root"}) }, false},
		{"role name of a plan without the block", false, func(m *appSecretPathModel) { m.KubernetesRole = types.StringNull() }, false},
		{"computed values unknown (a change)", false, func(m *appSecretPathModel) { m.DataPath = types.StringUnknown() }, false},
		{"names of another environment", false, func(m *appSecretPathModel) { _ = m.setNames(ctx, otherApp) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := nullAppModel()
			m.App = types.StringValue("payments")
			m.TemplateFormat = types.StringValue(naming.FormatShell)
			if !tc.noRole {
				m.Kubernetes = &appKubernetesModel{
					Namespaces:      types.SetValueMust(types.StringType, nil),
					ServiceAccounts: types.SetValueMust(types.StringType, nil),
					TokenPolicies:   stringList([]string{app.ReadPolicyName()}),
				}
			}
			if diags := m.setNames(ctx, app); diags.HasError() {
				t.Fatal(diags)
			}
			tc.edit(&m)
			plan := rawPlan(t, m)
			inputs, diags := plannedInputs(ctx, plan)
			if diags.HasError() {
				t.Fatal(diags)
			}
			if got := plannedAsExpected(ctx, plan.Raw, inputs, app); got != tc.want {
				t.Errorf("plannedAsExpected = %v, want %v", got, tc.want)
			}
		})
	}
}

// rawPlan encodes a model with the resource's schema, as Terraform would
// send it in PlanResourceChange.
func rawPlan(t *testing.T, m appSecretPathModel) tfsdk.Plan {
	t.Helper()
	ctx := context.Background()
	var s resource.SchemaResponse
	(&appSecretPathResource{}).Schema(ctx, resource.SchemaRequest{}, &s)
	plan := tfsdk.Plan{Schema: s.Schema, Raw: tftypes.NewValue(s.Schema.Type().TerraformType(ctx), nil)}
	if diags := plan.Set(ctx, &m); diags.HasError() {
		t.Fatalf("plan: %v", diags)
	}
	return plan
}
