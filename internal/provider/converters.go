package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Converters between Go values (as configured or as Vault returns them) and
// the framework's attribute values, shared by every resource.

// stringList is a known list of strings; nil gives an empty list.
func stringList(ss []string) types.List {
	return types.ListValueMust(types.StringType, stringValues(ss))
}

// stringSet is a known set of strings; nil gives an empty set.
func stringSet(ss []string) types.Set {
	return types.SetValueMust(types.StringType, stringValues(ss))
}

// stringMap is a known map of strings; nil gives an empty map.
func stringMap(m map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(m))
	for k, v := range m {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

// stringValues are ss as attribute values.
func stringValues(ss []string) []attr.Value {
	vals := make([]attr.Value, len(ss))
	for i, s := range ss {
		vals[i] = types.StringValue(s)
	}
	return vals
}

// listStrings converts a known list of strings.
func listStrings(ctx context.Context, l types.List, diags *diag.Diagnostics) []string {
	out := []string{}
	if l.IsNull() || l.IsUnknown() {
		return out
	}
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out
}

// knownSetStrings is a set's strings; false while any of them is unknown.
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

// knownMapStrings is a map's strings; false while any of them is unknown.
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
