package provider

import (
	"fmt"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// Vault's limits on KV v2 custom_metadata (vault-plugin-secrets-kv).
const (
	vaultMaxMetadataKeys     = 64
	vaultMaxMetadataKeyLen   = 128
	vaultMaxMetadataValueLen = 512
)

// maxUserMetadataKeys leaves room for vaultboot's own keys.
var maxUserMetadataKeys = vaultMaxMetadataKeys - len(naming.ReservedMetadataKeys)

// metadataKey accepts a user custom_metadata key: one Vault accepts and not
// one of vaultboot's markers, which only the provider may write.
func metadataKey() validator.String {
	return stringCheck{description: "Metadata Key", check: func(k string) error {
		if naming.IsReservedMetadataKey(k) {
			return fmt.Errorf("%s is reserved for vaultboot's own markers: use another key", naming.Describe(k))
		}
		return checkMetadataText("key", k, vaultMaxMetadataKeyLen)
	}}
}

// metadataValue accepts a custom_metadata value (or the description, which
// is stored as one).
func metadataValue(description string) validator.String {
	return stringCheck{description: description, check: func(v string) error {
		return checkMetadataText("value", v, vaultMaxMetadataValueLen)
	}}
}

// optionalMetadataValue is metadataValue where "" means no value: a module
// passing an empty variable through means "none".
func optionalMetadataValue(description string) validator.String {
	return stringCheck{description: description, check: func(v string) error {
		if v == "" {
			return nil
		}
		return checkMetadataText("value", v, vaultMaxMetadataValueLen)
	}}
}

func checkMetadataText(what, s string, maxLen int) error {
	switch {
	case s == "":
		return fmt.Errorf("the %s is empty: use 1 to %d bytes", what, maxLen)
	case len(s) > maxLen:
		return fmt.Errorf("the %s %s is %d bytes long: use 1 to %d bytes", what, naming.Describe(s), len(s), maxLen)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("the %s %s contains a control or unprintable character, which Vault refuses", what, naming.Describe(s))
		}
	}
	return nil
}

// quoteCode renders names as Markdown code for descriptions.
func quoteCode(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return out
}
