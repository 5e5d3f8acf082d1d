package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// preflightResult is what Create learns before its first write.
type preflightResult struct {
	// absentMounts are the stamp mount and the conventions' KV mount when
	// they do not exist yet: Create enables them.
	absentMounts []string
	// stamped is true when the stamp's fixed location holds a stamp of
	// this environment (adopted).
	stamped bool
}

// preflight runs every check of Create before its first write, so a refused
// create changes nothing: the stamp mount and the KV mount are absent or KV
// v2, no stamp anywhere names another environment, and the fixed location
// is unstamped (or adopt_existing is set).
func (r *environmentResource) preflight(ctx context.Context, plan environmentResourceModel, atApply bool, diags *diag.Diagnostics) (preflightResult, bool) {
	var pre preflightResult
	for _, m := range r.mounts() {
		found, ok := r.checkKVMount(ctx, m, diags)
		if !ok {
			return pre, false
		}
		if !found {
			pre.absentMounts = append(pre.absentMounts, m)
		}
	}
	cur, found, ok := r.readStamp(ctx, diags)
	if !ok {
		return pre, false
	}
	pre.stamped = found
	if !found {
		return pre, true
	}
	own := r.ownership(plan.AdoptExisting)
	own.atApply = atApply
	return pre, own.claim(ctx, diags, r.judged(cur))
}

// judged: the stamp's data carries its marks too, so judging it costs no
// read beyond the guard's.
func (r *environmentResource) judged(cur vaultclient.Stamp) []existingObject {
	env := r.client.Env()
	what := fmt.Sprintf("the environment stamp %q at %s on the Vault at %s", cur.Environment, r.client.Env().StampDataPath(), r.client.Address())
	return []existingObject{{what: what, verdict: env.JudgeMetadata(env.StampOwner(), vaultclient.AsStringMap(cur.Data))}}
}

// ownership is the stamp's side of every "already exists" decision.
func (r *environmentResource) ownership(adopt types.Bool) ownership {
	env := r.client.Env()
	return ownership{owner: env.Owner(), identity: "environment " + env.StampOwner(), importID: env.Name(), adopt: adopt.ValueBool()}
}

// mounts are the KV v2 mounts this resource makes sure exist: the stamp's
// own and the conventions' (once when they are the same).
func (r *environmentResource) mounts() []string {
	if kv := r.client.Env().KVMount(); kv != naming.StampMount {
		return []string{naming.StampMount, kv}
	}
	return []string{naming.StampMount}
}

func (r *environmentResource) enableMounts(ctx context.Context, mounts []string, diags *diag.Diagnostics) bool {
	for _, m := range mounts {
		if err := r.client.EnableKVv2(ctx, m); err != nil {
			// Another first apply may have enabled it meanwhile: fine
			// when it is KV v2 now.
			if found, ok := r.checkKVMount(ctx, m, &diag.Diagnostics{}); found && ok {
				continue
			}
			addVaultError(diags, "Unable to Create the KV v2 Mount", err)
			return false
		}
	}
	return true
}

// checkKVMount makes sure a mount is absent (found is false: Create enables
// it) or KV v2. Any other mount is an error: vaultboot never replaces or
// retunes a mount.
func (r *environmentResource) checkKVMount(ctx context.Context, mount string, diags *diag.Diagnostics) (found, ok bool) {
	m, found, err := r.client.ReadSecretsMount(ctx, mount)
	if err != nil {
		addVaultError(diags, "Unable to Read the KV Mount", err)
		return false, false
	}
	if !found {
		return false, true
	}
	fix := "set the provider's conventions.kv_mount to a KV v2 mount"
	if mount == naming.StampMount {
		fix = fmt.Sprintf("move that mount: %q is where vaultboot keeps the environment stamp", naming.StampMount)
	}
	switch {
	case m.Type == "kv-v2" || (m.Type == "kv" && m.Version == "2"):
		return true, true
	case m.Type == "kv" || m.Type == "generic":
		diags.AddError("KV Mount Is Not Version 2", fmt.Sprintf("The mount %s at %s is KV version 1 (options.version = %q); vaultboot needs KV v2 and never retunes an existing mount. Upgrade it yourself (vault kv enable-versioning %s) or %s.", naming.Describe(mount), r.client.Address(), m.Version, mount, fix))
	default:
		diags.AddError("KV Mount Is Not a KV Mount", fmt.Sprintf("The mount %s at %s is a %q secrets engine, not KV v2; vaultboot never replaces an existing mount. %s.", naming.Describe(mount), r.client.Address(), m.Type, capitalize(fix)))
	}
	return true, false
}

// readStamp reads the stamp. A stamp of another environment is an error:
// that Vault belongs to another project and is never re-stamped. For this
// resource a missing stamp is not a warning: creating it is the resource's
// job.
func (r *environmentResource) readStamp(ctx context.Context, diags *diag.Diagnostics) (st vaultclient.Stamp, found, ok bool) {
	st, found, err := r.client.ReadStamp(ctx)
	if err != nil {
		addVaultError(diags, "Unable to Read the Environment Stamp", err)
		return st, false, false
	}
	if _, err := r.client.Verdict(st, found); err != nil {
		diags.AddError("Environment Mismatch", capitalize(err.Error())+". vaultboot never re-stamps another environment's Vault.")
		return st, false, false
	}
	return st, found, true
}

// writeStamp writes the markers first, then the stamp: a run that stops in
// between leaves marked metadata without a stamp, which the next apply's
// create completes. A first stamp is written with check-and-set 0, so of
// two first applies at once exactly one stamps the Vault.
func (r *environmentResource) writeStamp(ctx context.Context, plan environmentResourceModel, exists bool, diags *diag.Diagnostics) bool {
	env := r.client.Env()
	meta := vaultclient.KVMetadata{DeleteVersionAfter: "0s", CustomMetadata: env.StampMarkers()}
	if err := r.client.WriteKVMetadata(ctx, env.StampMetadataPath(), meta); err != nil {
		addVaultError(diags, "Unable to Mark the Environment Stamp", err)
		return false
	}
	data := env.Stamp(plan.Description.ValueString())
	if exists {
		if err := r.client.WriteKVData(ctx, env.StampDataPath(), data); err != nil {
			addVaultError(diags, "Unable to Write the Environment Stamp", err)
			return false
		}
		return true
	}
	err := r.client.CreateKVData(ctx, env.StampDataPath(), data)
	var conflict *vaultclient.CASConflictError
	if errors.As(err, &conflict) {
		_, found, ok := r.readStamp(ctx, diags)
		if ok && !found {
			// The latest version was deleted, not written by another
			// apply: writing over it is creating the stamp.
			return r.writeStamp(ctx, plan, true, diags)
		}
		if ok {
			diags.AddError("Environment Stamped Concurrently", fmt.Sprintf("Another apply stamped the Vault at %s with environment %q at %s while this one ran; run plan again (it then shows the stamp to import or adopt).", r.client.Address(), env.Name(), env.StampDataPath()))
		}
		return false
	}
	if err != nil {
		addVaultError(diags, "Unable to Write the Environment Stamp", err)
		return false
	}
	return true
}
