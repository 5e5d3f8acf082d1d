package vaultclient

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The shapes below are what Vault v1.13 answers on identity/group/name/:name
// (decoded by vault/api with UseNumber).
func TestIdentityGroupParsesVaultAnswer(t *testing.T) {
	got := identityGroup(map[string]any{
		"id":           "7d1c",
		"name":         "acc-payments-devs",
		"type":         "external",
		"policies":     []any{"acc-payments-write", "default"},
		"metadata":     map[string]any{"managed-by": "vaultboot", "vaultboot-owner": "acc/payments-devs"},
		"modify_index": json.Number("3"),
		"alias": map[string]any{
			"id":             "a1",
			"name":           "Payments Developers",
			"mount_accessor": "auth_jwt_1234",
			"mount_path":     "auth/team/oidc/",
			"canonical_id":   "7d1c",
		},
	})
	want := &IdentityGroup{
		ID: "7d1c", Name: "acc-payments-devs", Type: "external",
		Policies: []string{"acc-payments-write", "default"},
		Metadata: map[string]string{"managed-by": "vaultboot", "vaultboot-owner": "acc/payments-devs"},
		Alias:    &GroupAlias{ID: "a1", Name: "Payments Developers", MountAccessor: "auth_jwt_1234", MountPath: "team/oidc"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("identityGroup =\n%+v\nwant\n%+v", got, want)
	}
}

func TestIdentityGroupWithoutAlias(t *testing.T) {
	// Vault sends an empty alias object and null policies/metadata for a
	// group that has none.
	got := identityGroup(map[string]any{"id": "9", "name": "g", "type": "internal", "alias": map[string]any{}, "policies": nil, "metadata": nil})
	if got.Alias != nil || len(got.Policies) != 0 || len(got.Metadata) != 0 {
		t.Errorf("identityGroup = %+v, want no alias, policies or metadata", got)
	}
}
