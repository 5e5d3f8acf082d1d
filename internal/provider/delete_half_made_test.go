package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// halfMadeState is a state of r holding only the given attributes, as
// Delete may get it for a create that failed part way (with
// -refresh=false, nothing read it back).
func halfMadeState(t *testing.T, r fwresource.Resource, attrs map[string]string) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var s fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &s)
	state := tfsdk.State{Schema: s.Schema, Raw: tftypes.NewValue(s.Schema.Type().TerraformType(ctx), nil)}
	for _, p := range []string{"name", "auth_mount", "jwt_mount"} {
		if v, ok := attrs[p]; ok {
			if d := state.SetAttribute(ctx, path.Root(p), v); d.HasError() {
				t.Fatalf("state %s: %v", p, d)
			}
		}
	}
	if v, ok := attrs["login_role.user_claim"]; ok {
		if d := state.SetAttribute(ctx, path.Root("login_role").AtName("user_claim"), v); d.HasError() {
			t.Fatalf("state login_role: %v", d)
		}
	}
	return state
}

// TestAccDeleteHalfMade: a create that failed part way is destroyed from
// its state alone, whatever it got to write: what is missing (a 404, or a
// mount that is gone) counts as deleted, and what is there goes.
func TestAccDeleteHalfMade(t *testing.T) {
	v := testharness.Shared(t)
	ctx := context.Background()
	v.EnableAuth(t, "bindhalf", "jwt")
	v.ConfigureJWTAuth(t, "deployhalf", testharness.NewJWTSigner(t))
	c := testClient(t, v, testAccEnv)
	b := bindingNames(t, "devs-half")
	d := deployNames(t, "half")
	cases := []struct {
		name  string
		r     fwresource.Resource
		attrs map[string]string
		write func()
		gone  []string
	}{
		{
			name:  "binding group only",
			r:     &oidcGroupBindingResource{vaultResource{client: c}},
			attrs: map[string]string{"name": "devs-half", "auth_mount": "bindhalf", "login_role.user_claim": "sub"},
			write: func() {
				v.Write(t, naming.IdentityGroupByNamePath(b.GroupName()), map[string]any{"type": "external", "metadata": b.Markers()})
			},
			gone: []string{naming.IdentityGroupByNamePath(b.GroupName())},
		},
		{
			name:  "binding nothing, mount gone",
			r:     &oidcGroupBindingResource{vaultResource{client: c}},
			attrs: map[string]string{"name": "devs-half", "auth_mount": "bindhalfgone", "login_role.user_claim": "sub"},
		},
		{
			name:  "deploy policy only",
			r:     &ciDeployRoleResource{vaultResource{client: c}},
			attrs: map[string]string{"name": "half", "jwt_mount": "deployhalf"},
			write: func() {
				v.Write(t, naming.PolicyPath(d.PolicyName()), map[string]any{"policy": expectedDeployPolicy(t, d, "deployhalf", false)})
			},
			gone: []string{naming.PolicyPath(d.PolicyName())},
		},
		{
			name:  "deploy nothing, mount gone",
			r:     &ciDeployRoleResource{vaultResource{client: c}},
			attrs: map[string]string{"name": "half", "jwt_mount": "deployhalfgone"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.write != nil {
				tc.write()
			}
			state := halfMadeState(t, tc.r, tc.attrs)
			resp := fwresource.DeleteResponse{State: state}
			tc.r.Delete(ctx, fwresource.DeleteRequest{State: state}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("delete: %v", resp.Diagnostics)
			}
			for _, p := range tc.gone {
				if v.Read(t, p) != nil {
					t.Errorf("%s survived the delete", p)
				}
			}
		})
	}
}
