package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// appRequestsPerRefresh is what one refresh of one app costs: the KV
// metadata, both policies and the role, read concurrently. The environment
// stamp is read once per provider run on top. Raise it only on purpose.
const appRequestsPerRefresh = 4

// TestAccAppSecretPath_requestsPerRefresh counts the Vault requests of the
// resource's Read on a real app, so the cost of a refresh cannot silently
// grow.
func TestAccAppSecretPath_requestsPerRefresh(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: testAccAppConfig(t, "receipts", `
  kubernetes {
    namespaces       = ["receipts"]
    service_accounts = ["receipts"]
  }`),
			Check: func(*terraform.State) error {
				countRefresh(t, v, "receipts")
				return nil
			},
		}},
	})
}

// countRefresh runs the resource's Read twice with a fresh client and
// asserts the requests of each: the first also reads the stamp once.
func countRefresh(t *testing.T, v *testharness.Vault, name string) {
	ctx := context.Background()
	env := accEnv(t)
	client, err := vaultclient.New(ctx, vaultclient.Config{Address: v.Addr, Token: v.Token, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	r := &appSecretPathResource{vaultResource{client: client}}
	const guard = 1 // the stamp
	for i, want := range []int64{appRequestsPerRefresh + guard, appRequestsPerRefresh} {
		state := appState(t, r, name)
		before := client.Requests()
		resp := resource.ReadResponse{State: state}
		r.Read(ctx, resource.ReadRequest{State: state}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("read: %v", resp.Diagnostics)
		}
		if resp.State.Raw.IsNull() {
			t.Fatal("read removed the app from state")
		}
		got := client.Requests() - before
		t.Logf("refresh %d of app %s: %d Vault requests", i+1, name, got)
		if got != want {
			t.Errorf("refresh %d of one app made %d Vault requests, want %d", i+1, got, want)
		}
	}
}

// appState is the state of an app with a kubernetes block, as Terraform
// would hand it to Read.
func appState(t *testing.T, r *appSecretPathResource, name string) tfsdk.State {
	ctx := context.Background()
	var s resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &s)
	state := tfsdk.State{Schema: s.Schema, Raw: tftypes.NewValue(s.Schema.Type().TerraformType(ctx), nil)}
	m := nullAppModel()
	m.App = types.StringValue(name)
	m.Kubernetes = &appKubernetesModel{
		Namespaces:      types.SetValueMust(types.StringType, nil),
		ServiceAccounts: types.SetValueMust(types.StringType, nil),
		TokenPolicies:   types.ListNull(types.StringType),
	}
	if diags := state.Set(ctx, &m); diags.HasError() {
		t.Fatalf("state: %v", diags)
	}
	return state
}

// nullAppModel is a model whose collections are typed nulls.
func nullAppModel() appSecretPathModel {
	return appSecretPathModel{
		CustomMetadata:   types.MapNull(types.StringType),
		AgentAnnotations: types.MapNull(types.StringType),
		InjectorTLS:      types.ObjectNull(injectorTLSAttrTypes),
	}
}
