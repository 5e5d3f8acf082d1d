package provider

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// removeFromState is a Read's "gone" decision: the object is not in Vault
// (or not ours to import), so the plan creates it again. Logged, since a
// resource that silently leaves state is what a user debugging a plan asks
// about first.
func removeFromState(ctx context.Context, resp *resource.ReadResponse, id, why string) {
	tflog.Debug(ctx, "removing the resource from state", map[string]any{"id": id, "why": why})
	resp.State.RemoveResource(ctx)
}

// setReadState records what a Read observed, unless it equals prior (the
// model as Read decoded it from state, copied before Read changed it). The
// framework starts a Read's response from the prior state, so a refresh that
// finds Vault as the state says skips converting the whole model back: that
// conversion was about half of a refresh's own CPU (make bench), and a
// refresh usually finds nothing to change.
func setReadState[M any](ctx context.Context, state *tfsdk.State, prior, model *M) diag.Diagnostics {
	if sameModel(reflect.ValueOf(prior).Elem(), reflect.ValueOf(model).Elem()) {
		return nil
	}
	return state.Set(ctx, model)
}

var attrValueType = reflect.TypeFor[attr.Value]()

// sameModel compares two values of one model type: attribute values with
// their Equal, nested block models field by field through pointers and
// slices. Anything else in a model is a programming error and compares
// unequal, so the state is written.
func sameModel(a, b reflect.Value) bool {
	if a.Type().Implements(attrValueType) {
		return a.Interface().(attr.Value).Equal(b.Interface().(attr.Value))
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameModel(a.Elem(), b.Elem())
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !sameModel(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameModel(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	return false
}
