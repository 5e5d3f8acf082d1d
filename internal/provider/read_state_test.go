package provider

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSameModel(t *testing.T) {
	type block struct {
		Name types.String `tfsdk:"name"`
	}
	type model struct {
		ID     types.String `tfsdk:"id"`
		Tags   types.Map    `tfsdk:"tags"`
		Single *block       `tfsdk:"single"`
		List   []block      `tfsdk:"list"`
	}
	base := func() model {
		return model{
			ID:     types.StringValue("a"),
			Tags:   types.MapValueMust(types.StringType, map[string]attr.Value{"k": types.StringValue("v")}),
			Single: &block{Name: types.StringValue("s")},
			List:   []block{{Name: types.StringValue("l")}},
		}
	}
	for _, tc := range []struct {
		name   string
		change func(*model)
		same   bool
	}{
		{"unchanged", func(*model) {}, true},
		{"attribute", func(m *model) { m.ID = types.StringValue("b") }, false},
		{"attribute to null", func(m *model) { m.ID = types.StringNull() }, false},
		{"map value", func(m *model) {
			m.Tags = types.MapValueMust(types.StringType, map[string]attr.Value{"k": types.StringValue("w")})
		}, false},
		{"nested block attribute", func(m *model) { m.Single = &block{Name: types.StringValue("t")} }, false},
		{"nested block removed", func(m *model) { m.Single = nil }, false},
		{"list block element", func(m *model) { m.List = []block{{Name: types.StringValue("m")}} }, false},
		{"list block grown", func(m *model) { m.List = append(m.List, block{Name: types.StringValue("l")}) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := base(), base()
			tc.change(&b)
			if got := sameModel(reflect.ValueOf(a), reflect.ValueOf(b)); got != tc.same {
				t.Errorf("sameModel = %v, want %v", got, tc.same)
			}
		})
	}
}

// TestAppModelCloneIsIndependent: Read compares the model it changed with
// a clone taken before; a clone sharing the kubernetes block would hide a
// change made through it, and the refresh would keep the old state.
func TestAppModelCloneIsIndependent(t *testing.T) {
	m := appSecretPathModel{Kubernetes: &appKubernetesModel{TokenTTL: types.StringValue("1h")}}
	prior := m.clone()
	m.Kubernetes.TokenTTL = types.StringValue("2h")
	if sameModel(reflect.ValueOf(prior), reflect.ValueOf(m)) {
		t.Fatal("a change made through the kubernetes block also changed the clone")
	}
}
