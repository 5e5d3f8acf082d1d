package vaultclient

import "encoding/json"

// The decoders below read fields of Vault's JSON answers (decoded with
// UseNumber) into Go values, treating a missing or mistyped field as empty.

// AsInt reads a number, e.g. a TTL Vault returns in seconds.
func AsInt(v any) int64 {
	switch n := v.(type) {
	case json.Number:
		i, _ := n.Int64()
		return i
	case float64:
		return int64(n)
	case int64:
		return n
	case int:
		return int64(n)
	}
	return 0
}

// AsString reads a string.
func AsString(v any) string {
	s, _ := v.(string)
	return s
}

// AsStrings reads a list of strings, skipping anything that is not one.
func AsStrings(v any) []string {
	raw, _ := v.([]any)
	out := make([]string, 0, len(raw))
	for _, x := range raw {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// AsStringMap reads a map of strings, skipping values that are not strings.
func AsStringMap(v any) map[string]string {
	raw, _ := v.(map[string]any)
	out := make(map[string]string, len(raw))
	for k, x := range raw {
		if s, ok := x.(string); ok {
			out[k] = s
		}
	}
	return out
}
