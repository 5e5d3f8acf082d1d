package provider

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// stringCheck adapts a naming or client check to a plan-time attribute
// validator, so bad input is reported on the attribute before any Vault call.
type stringCheck struct {
	description string
	check       func(string) error
}

var _ validator.String = stringCheck{}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.description, capitalize(err.Error())+".")
	}
}

// validName accepts app, binding and CA sync policy names (the naming contract).
func validName() validator.String {
	return stringCheck{description: "Name", check: naming.ValidateName}
}

// validAppName accepts app names: names no other resource type's objects
// can share.
func validAppName() validator.String {
	return stringCheck{description: "Name", check: naming.ValidateAppName}
}

// validEnvironment accepts environment names (the naming contract).
func validEnvironment() validator.String {
	return stringCheck{description: "Environment", check: naming.ValidateEnvironment}
}

// validOwner accepts the provider's owner.
func validOwner() validator.String {
	return stringCheck{description: "Owner", check: naming.ValidateOwner}
}

// validMount accepts mount paths.
func validMount() validator.String {
	return stringCheck{description: "Mount Path", check: naming.ValidateMount}
}

// validAddress refuses plain http to a non-loopback host.
func validAddress() validator.String {
	return stringCheck{description: "Vault Address", check: vaultclient.CheckAddress}
}

// sentence makes an error message one sentence: capitalized, ending in
// exactly one full stop.
func sentence(s string) string {
	return capitalize(strings.TrimRight(s, ". \n\t")) + "."
}

// capitalize starts a sentence built from an error message. A message that
// starts with an attribute name ("kv_path ...") keeps it as written.
func capitalize(s string) string {
	first, _, _ := strings.Cut(s, " ")
	if s == "" || s[0] < 'a' || s[0] > 'z' || strings.Contains(first, "_") {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// validGroupID accepts an IdP group id as it appears in a groups claim.
func validGroupID() validator.String {
	return stringCheck{description: "Group ID", check: naming.ValidateGroupID}
}

// validClaimValue accepts a value a bound claim must have.
func validClaimValue() validator.String {
	return stringCheck{description: "Bound Claim Value", check: naming.ValidateClaimValue}
}

// validPolicyName accepts the name of an ACL policy a binding may grant.
func validPolicyName() validator.String {
	return stringCheck{description: "Policy Name", check: naming.ValidatePolicyName}
}

// validClaim accepts a JWT claim name or JSON pointer.
func validClaim() validator.String {
	return stringCheck{description: "Claim Name", check: naming.ValidateClaim}
}

// validWord accepts a non-empty string without whitespace or control
// characters (audiences, OIDC scopes): Vault compares these exactly, so a
// stray space would make them match nothing.
func validWord(description string) validator.String {
	return stringCheck{description: description, check: func(s string) error {
		if s == "" || strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return fmt.Errorf("%s is not a valid %s: use a non-empty value without whitespace or control characters", naming.Describe(s), strings.ToLower(description))
		}
		return nil
	}}
}

// validRedirectURI accepts an absolute http(s) URI with a host, which is
// what an OIDC provider can redirect a browser to.
func validRedirectURI() validator.String {
	return stringCheck{description: "Redirect URI", check: func(s string) error {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(s, " \t\r\n") {
			return fmt.Errorf("%s is not a valid redirect URI: use an absolute http or https URI such as \"https://vault.internal:8200/ui/vault/auth/oidc/oidc/callback\"", naming.Describe(s))
		}
		return nil
	}}
}
