package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// validDuration accepts a duration that is zero or positive: a Go duration
// string ("90s", "15m", "1h30m") or whole days ("30d"), as Vault does.
func validDuration() validator.String {
	return stringCheck{description: "Duration", check: func(s string) error {
		_, err := parseDuration(s)
		return err
	}}
}

// validRetryTimeout accepts a retry window of one second or more.
func validRetryTimeout() validator.String {
	return stringCheck{description: "Retry Timeout", check: func(s string) error {
		_, err := parseRetryTimeout(s)
		return err
	}}
}

// parseRetryTimeout refuses a window under a second: every request needs
// room for one attempt, and "0s" reads as "no retries" to some and "retry
// forever" to others, so it is neither.
func parseRetryTimeout(s string) (time.Duration, error) {
	d, err := parseDuration(s)
	if err == nil && d < time.Second {
		return 0, fmt.Errorf("%s is shorter than one second: retry_timeout is the time one request may spend retrying through Vault maintenance and must leave room for an attempt; use \"1s\" to fail fast, or the default \"2m\" to ride out a leader change or upgrade", naming.Describe(s))
	}
	return d, err
}

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if days, ok := strings.CutSuffix(s, "d"); ok && err != nil {
		n, perr := strconv.ParseUint(days, 10, 16)
		d, err = time.Duration(n)*24*time.Hour, perr
	}
	if err != nil {
		return 0, fmt.Errorf("%s is not a duration: use a number with a unit, such as \"90s\", \"15m\", \"1h\" or \"30d\"", naming.Describe(s))
	}
	if d < 0 {
		return 0, fmt.Errorf("%s is negative: use a duration of zero or more", naming.Describe(s))
	}
	return d, nil
}

// keepEqualDuration plans the prior value when the configured duration
// means the same ("30d" and Vault's "720h0m0s"), so a duration spelled
// differently from Vault's answer, as after an import, never shows a diff.
// Terraform accepts a planned prior value in place of an equivalent
// configured one.
type keepEqualDuration struct{}

var _ planmodifier.String = keepEqualDuration{}

func (keepEqualDuration) Description(context.Context) string {
	return "An equal duration in another spelling keeps the prior value."
}

func (m keepEqualDuration) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (keepEqualDuration) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	prior, err1 := parseDuration(req.StateValue.ValueString())
	planned, err2 := parseDuration(req.ConfigValue.ValueString())
	if err1 == nil && err2 == nil && prior == planned {
		resp.PlanValue = req.StateValue
	}
}

// durationPlanModifiers are the plan modifiers of every duration attribute.
func durationPlanModifiers() []planmodifier.String { return []planmodifier.String{keepEqualDuration{}} }

// shortDuration spells a whole number of seconds in its largest exact unit
// ("1h", "90m", "45s"), the way durations are usually configured, so an
// imported role matches a configuration that says "1h".
func shortDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}

// knownDuration parses a configured duration; def stands in for null.
func knownDuration(v types.String, def string) (time.Duration, bool) {
	if v.IsUnknown() {
		return 0, false
	}
	s := def
	if !v.IsNull() {
		s = v.ValueString()
	}
	d, err := parseDuration(s)
	return d, err == nil
}
