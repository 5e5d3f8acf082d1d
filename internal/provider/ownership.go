package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// markedObject is an object create found carrying this resource's identity
// marks, with the verdict on whose it is.
type markedObject struct {
	what    string // e.g. `the policy "E-A-read" (sys/policies/acl/E-A-read)`
	verdict naming.Verdict
}

// claimMarked is the one ownership decision every resource's create makes
// for objects already marked with its identity ("E/A"); objects without
// those marks are each resource's foreign check. Marked by this owner: a
// run that died mid-create, completed without any flag. Marked by another
// project: refused unless adopt_existing, so two projects declaring the
// same object never share it. It returns false when create must stop.
func claimMarked(diags *diag.Diagnostics, owner, importID string, adopt bool, objs []markedObject) bool {
	for _, o := range objs {
		switch o.verdict.Claim {
		case naming.OtherOwner:
			if adopt {
				diags.AddWarning("Adopting Another Project's Object",
					fmt.Sprintf("%s was managed by %q; adopt_existing = true marks it as managed by %q now. Remove it from %q's configuration or state, or both projects will fight over it.", capitalize(o.what), o.verdict.Owner, owner, o.verdict.Owner))
				continue
			}
			diags.AddError("Object Managed by Another Project",
				fmt.Sprintf("%s is already managed by %q (its vaultboot marks say so); import it here (import ID: %s) or remove it there. Set adopt_existing = true only to take it over on purpose.", capitalize(o.what), o.verdict.Owner, importID))
		}
	}
	return !diags.HasError()
}

// warnOtherOwner is the refresh's side of ownership: an object this state
// manages is marked by another project now (it imported or adopted it), so
// applying this plan would take it back and the two would fight over it.
func warnOtherOwner(diags *diag.Diagnostics, what string, v naming.Verdict) {
	if v.Claim != naming.OtherOwner {
		return
	}
	diags.AddWarning("Managed by Another Project",
		fmt.Sprintf("%s is marked as managed by %q now (that project imported or adopted it). Applying this plan takes it back and the two projects would fight over it: remove it from this configuration (a removed block) unless %q should give it up.", capitalize(what), v.Owner, v.Owner))
}
