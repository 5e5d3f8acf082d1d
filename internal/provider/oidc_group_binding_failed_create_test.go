package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// orphanBinding is a binding with a login role on mount, at address
// vaultboot_oidc_group_binding.<addr>; extra goes into the resource,
// roleExtra into the login role.
func orphanBinding(addr, name, groupID, mount, extra, roleExtra string) string {
	return fmt.Sprintf(`
resource "vaultboot_oidc_group_binding" %q {
  name       = %q
  group_id   = %q
  policies   = ["acc-orphan-read"]
  auth_mount = %q
  %s
  login_role {
    bound_audiences = ["vaultboot-acc"]
    %s
  }
}
`, addr, name, groupID, mount, extra, roleExtra)
}

// TestAccOIDCGroupBinding_failedCreateStaysInState: v1 wrote the group and
// its alias, then returned without state when the login role's write
// failed (here a 403): the marked group stayed in Vault, and removing the
// binding from the configuration never deleted it. The failed create is
// in state now (tainted): kept in the configuration it is replaced and
// converges, removed it is destroyed with its alias.
func TestAccOIDCGroupBinding_failedCreateStaysInState(t *testing.T) {
	v := testharness.Shared(t)
	const mount = "bindorphan"
	accessor := v.EnableAuth(t, mount, "jwt")
	kept, gone := bindingNames(t, "devs-orphan"), bindingNames(t, "devs-orphangone")
	limited := limitedProviderBlock(t, v, "bind-no-role-write", `
path "*" { capabilities = ["create", "read", "update", "delete", "list", "sudo"] }
path "auth/bindorphan/role/*" { capabilities = ["read"] }
`)
	keptCfg := orphanBinding("test", "devs-orphan", "grp-orphan", mount, "", "")
	goneCfg := orphanBinding("gone", "devs-orphangone", "grp-orphangone", mount, "", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if bindingGroup(t, kept.GroupName()) != nil {
				return fmt.Errorf("group %s survived destroy", kept.GroupName())
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      limited + keptCfg + goneCfg,
				ExpectError: testharness.ErrorRE("Unable to Write the Login Role", "auth/bindorphan/role/acc-devs-orphan"),
			},
			{
				PreConfig: func() {
					for _, b := range []naming.Binding{kept, gone} {
						if bindingGroup(t, b.GroupName()) == nil {
							t.Fatalf("the failed create wrote no group %s: nothing to prove", b.GroupName())
						}
					}
				},
				Config: testAccConfig(t, keptCfg),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(bindingAddr, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction("vaultboot_oidc_group_binding.gone", plancheck.ResourceActionDestroy),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkBindingInVault(t, kept, mount, accessor, "grp-orphan", []string{"acc-orphan-read"}, true),
					func(*terraform.State) error {
						if bindingGroup(t, gone.GroupName()) != nil {
							return fmt.Errorf("the removed binding's group %s is still in Vault", gone.GroupName())
						}
						if h := bindingAliasHolder(t, "grp-orphangone", accessor); h != "" {
							return fmt.Errorf("the removed binding's alias is still held by %s", h)
						}
						if testharness.Shared(t).Read(t, gone.LoginRolePath(mount)) != nil {
							return fmt.Errorf("the removed binding's role %s exists", gone.LoginRolePath(mount))
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccOIDCGroupBinding_refusedCreateRecordsNothing: a create refused
// for a foreign group, or for an internal group it was told to adopt,
// writes nothing and records nothing: recorded, the refused create's
// replacement or destroy would delete the foreign group.
func TestAccOIDCGroupBinding_refusedCreateRecordsNothing(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, "bindrefused", "jwt")
	foreignID := fmt.Sprint(v.Write(t, naming.IdentityGroupByNamePath("ACC-DEVS-RFOREIGN"), map[string]any{"type": "external", "policies": []string{"default"}}).Data["id"])
	internalID := fmt.Sprint(v.Write(t, naming.IdentityGroupByNamePath("acc-devs-rinternal"), map[string]any{"type": "internal"}).Data["id"])
	t.Cleanup(func() {
		v.Delete(t, naming.IdentityGroupByNamePath("ACC-DEVS-RFOREIGN"))
		v.Delete(t, naming.IdentityGroupByNamePath("acc-devs-rinternal"))
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      testAccConfig(t, orphanBinding("test", "devs-rforeign", "grp-rforeign", "bindrefused", "", "")),
				ExpectError: testharness.ErrorRE("Object Already Exists", `"ACC-DEVS-RFOREIGN"`),
			},
			{
				Config:      testAccConfig(t, orphanBinding("test", "devs-rinternal", "grp-rinternal", "bindrefused", "adopt_existing = true", "")),
				ExpectError: testharness.ErrorRE("Identity Group Is Not External", `"acc-devs-rinternal"`),
			},
			{
				// Nothing declared: a refused create in state would be
				// destroyed now, taking the foreign group with it.
				Config: testAccConfig(t, `data "vaultboot_environment" "only" {}`),
				Check: func(*terraform.State) error {
					for name, id := range map[string]string{"acc-devs-rforeign": foreignID, "acc-devs-rinternal": internalID} {
						if g := bindingGroup(t, name); g == nil || g["id"] != id {
							return fmt.Errorf("the foreign group %s (id %s) is gone or replaced: %v", name, id, g)
						}
					}
					return nil
				},
			},
		},
	})
}

// TestAccOIDCGroupBinding_createChecksRedirectURIsFirst: the apply's own
// plan checks an OIDC role's redirect URIs, so only a mount swapped for an
// oidc one after that plan reaches Create's check. v1 ran it after writing
// the group and its alias, which stayed in Vault outside state; Create
// refuses before its first write now and records nothing.
func TestAccOIDCGroupBinding_createChecksRedirectURIsFirst(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, "bindrefusedoidc", "oidc")
	ctx := context.Background()
	r := &oidcGroupBindingResource{vaultResource{client: testClient(t, v, testAccEnv)}}
	var s fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &s)
	list := func(ss ...string) types.List {
		l, _ := types.ListValueFrom(ctx, types.StringType, ss)
		return l
	}
	m := oidcGroupBindingModel{
		ID: types.StringUnknown(), Name: types.StringValue("devs-ruri"), GroupID: types.StringValue("grp-ruri"),
		Policies:  types.SetValueMust(types.StringType, []attr.Value{types.StringValue("acc-orphan-read")}),
		AuthMount: types.StringValue("bindrefusedoidc"), AdoptExisting: types.BoolValue(false),
		IdentityGroupID: types.StringUnknown(), IdentityGroupName: types.StringUnknown(),
		AuthMountAccessor: types.StringUnknown(), Metadata: types.MapUnknown(types.StringType),
		LoginRole: &loginRoleModel{
			UserClaim: types.StringValue("sub"), GroupsClaim: types.StringValue("groups"),
			BoundAudiences: list("vaultboot-acc"), BoundClaims: types.MapValueMust(claimsType.ElemType, map[string]attr.Value{}),
			AllowedRedirectURIs: list(), OIDCScopes: list(), TokenPolicies: list(),
			TokenTTL: types.StringValue(defaultLoginTokenTTL), TokenMaxTTL: types.StringValue(defaultLoginTokenMaxTTL),
			RoleName: types.StringUnknown(), RoleType: types.StringUnknown(), BoundClaimsType: types.StringValue(boundClaimsTypeString),
			EffectiveBoundClaims: types.MapUnknown(claimsType.ElemType),
		},
	}
	plan := tfsdk.Plan{Schema: s.Schema}
	if d := plan.Set(ctx, &m); d.HasError() {
		t.Fatalf("plan: %v", d)
	}
	resp := fwresource.CreateResponse{State: tfsdk.State{Schema: s.Schema, Raw: tftypes.NewValue(s.Schema.Type().TerraformType(ctx), nil)}}
	r.Create(ctx, fwresource.CreateRequest{Plan: plan}, &resp)
	if errs := resp.Diagnostics.Errors(); len(errs) != 1 || errs[0].Summary() != "Missing Redirect URIs" {
		t.Fatalf("create: %v", resp.Diagnostics)
	}
	if !resp.State.Raw.IsNull() {
		t.Error("the refused create recorded state")
	}
	if g := bindingGroup(t, bindingNames(t, "devs-ruri").GroupName()); g != nil {
		t.Errorf("the refused create wrote the group %v", g["name"])
	}
}
