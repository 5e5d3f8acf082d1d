package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// existingObject is an object Vault holds at one of a resource's names,
// with the verdict on whose it is. Objects Vault cannot mark (roles) are
// judged by the resource: Foreign when they are not what it would write,
// otherwise left out, since they go with a marked object.
type existingObject struct {
	what    string // e.g. `the policy "E-A-read" (sys/policies/acl/E-A-read)`
	verdict naming.Verdict
	attr    path.Path // where a refusal is reported, when not ownership's
}

// ownership is one resource instance's side of every "already exists"
// decision: the one place that decides whether create may take an object,
// and what a refresh or an import says about whose it is.
type ownership struct {
	owner    string    // the provider's owner, which this state's marks carry
	identity string    // the resource's identity in its marks, e.g. "E/A"
	importID string    // what `terraform import` takes for this resource
	adopt    bool      // adopt_existing
	attr     path.Path // where a refusal is reported; empty: the resource
	// atApply: the plan ran the same decision and showed its warnings, so
	// create only refuses what appeared since.
	atApply bool
}

// claim decides for the objects a create finds, at plan time and again
// before its first write, and returns false when create must stop. Foreign objects and another
// project's are refused unless adopt_existing (another project's with a
// warning then, since both projects will now write it); objects marked by
// this project are a run that died mid-create, completed without any flag.
func (o ownership) claim(ctx context.Context, diags *diag.Diagnostics, objs []existingObject) bool {
	for _, obj := range objs {
		tflog.Debug(ctx, "ownership decision at create", map[string]any{"object": obj.what, "claim": obj.verdict.Claim.String(), "marked_owner": obj.verdict.Owner, "adopt_existing": o.adopt})
		switch obj.verdict.Claim {
		case naming.Foreign:
			if !o.adopt {
				o.refuse(diags, obj, "Object Already Exists",
					fmt.Sprintf("%s already exists; import it or set adopt_existing = true to take it over. It is not marked as vaultboot's for %s (import ID: %s).", capitalize(obj.what), o.identity, o.importID))
			}
		case naming.OtherOwner:
			if !o.adopt {
				o.refuse(diags, obj, "Object Managed by Another Project",
					fmt.Sprintf("%s is already managed by %q (its vaultboot marks say so); import it here (import ID: %s) or remove it there. Set adopt_existing = true only to take it over on purpose.", capitalize(obj.what), obj.verdict.Owner, o.importID))
				continue
			}
			o.warn(diags, "Adopting Another Project's Object",
				fmt.Sprintf("%s was managed by %q; adopt_existing = true marks it as managed by %q now. Remove it from %q's configuration or state, or both projects will fight over it.", capitalize(obj.what), obj.verdict.Owner, o.owner, obj.verdict.Owner))
		case naming.OtherResource:
			o.refuse(diags, obj, "Object of Another vaultboot Resource",
				fmt.Sprintf("%s belongs to vaultboot's %s (its marks say so), not to %s, so it can be neither imported nor adopted here, whatever adopt_existing says. Choose another name.", capitalize(obj.what), obj.verdict.Identity, o.identity))
		}
	}
	return !diags.HasError()
}

func (o ownership) warn(diags *diag.Diagnostics, summary, detail string) {
	if !o.atApply {
		diags.AddWarning(summary, detail)
	}
}

func (o ownership) refuse(diags *diag.Diagnostics, obj existingObject, summary, detail string) {
	attr := obj.attr
	if attr.Equal(path.Empty()) {
		attr = o.attr
	}
	if attr.Equal(path.Empty()) {
		diags.AddError(summary, detail)
		return
	}
	diags.AddAttributeError(attr, summary, detail)
}

// observe is the refresh's and the import's side, one warning per other
// project. A refresh that finds objects of this state marked by another
// project now (it imported or adopted them) warns that applying takes them
// back; an import that takes another project's objects warns that the next
// apply moves their marks here.
func (o ownership) observe(ctx context.Context, diags *diag.Diagnostics, importing bool, objs []existingObject) {
	var owners []string
	whats := map[string][]string{}
	for _, obj := range objs {
		if obj.verdict.Claim != naming.OtherOwner {
			continue
		}
		tflog.Debug(ctx, "object marked by another project", map[string]any{"object": obj.what, "marked_owner": obj.verdict.Owner, "importing": importing})
		if whats[obj.verdict.Owner] == nil {
			owners = append(owners, obj.verdict.Owner)
		}
		whats[obj.verdict.Owner] = append(whats[obj.verdict.Owner], obj.what)
	}
	for _, other := range owners {
		what := capitalize(joinAnd(whats[other]))
		if importing {
			diags.AddWarning("Importing Another Project's Object",
				fmt.Sprintf("%s: managed by %q (its vaultboot marks say so); the next apply marks it as managed by %q. Remove it from %q's configuration or state first (a removed block), or the two projects will fight over it.", what, other, o.owner, other))
			continue
		}
		diags.AddWarning("Managed by Another Project",
			fmt.Sprintf("%s: marked as managed by %q now (that project imported or adopted it). Applying this plan takes it back and the two projects would fight over it: remove it from this configuration (a removed block) unless %q should give it up.", what, other, other))
	}
}

// joinAnd lists names as prose: "a", "a and b", "a, b and c".
func joinAnd(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
