package provider

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"golang.org/x/sync/errgroup"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// caSyncObjects is what Vault holds of a CA sync policy.
type caSyncObjects struct {
	policy                           string
	role                             *vaultclient.KubernetesRole
	doc                              map[string]any // the document's data
	policyFound, roleFound, docFound bool
}

// gone reports whether none of the three objects exists.
func (o caSyncObjects) gone() bool { return !o.policyFound && !o.roleFound && !o.docFound }

// observeCASync reads the policy, the syncer's role and the document
// concurrently: one refresh costs these three requests.
func observeCASync(ctx context.Context, c *vaultclient.Client, cs naming.CASync) (caSyncObjects, error) {
	var o caSyncObjects
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { o.policy, o.policyFound, err = c.ReadPolicy(ctx, cs.PolicyName()); return err })
	g.Go(func() (err error) { o.role, o.roleFound, err = c.ReadKubernetesRole(ctx, cs.RolePath()); return err })
	g.Go(func() (err error) { o.doc, o.docFound, err = c.ReadKVData(ctx, cs.DocumentDataPath()); return err })
	return o, g.Wait()
}

// checkNotForeign refuses to take over objects vaultboot did not create for
// this policy: a policy without our header, a role whose token policies are
// not exactly ours, a document without our markers.
func (r *caSyncPolicyResource) checkNotForeign(ctx context.Context, cs naming.CASync, diags *diag.Diagnostics) bool {
	var (
		policy              string
		role                *vaultclient.KubernetesRole
		meta                *vaultclient.KVMetadata
		pFound, rFound      bool
		mFound              bool
		pErr, rErr, mErr    error
		wg                  sync.WaitGroup
		metadataPath, owner = cs.DocumentMetadataPath(), cs.Owner()
	)
	wg.Go(func() { policy, pFound, pErr = r.client.ReadPolicy(ctx, cs.PolicyName()) })
	wg.Go(func() { role, rFound, rErr = r.client.ReadKubernetesRole(ctx, cs.RolePath()) })
	wg.Go(func() { meta, mFound, mErr = r.client.ReadKVMetadata(ctx, metadataPath) })
	wg.Wait()
	for _, err := range []error{pErr, rErr, mErr} {
		if err != nil {
			addVaultError(diags, "Unable to Check for Existing Objects", err)
			return false
		}
	}
	foreign := func(what string) {
		diags.AddError("Object Already Exists", fmt.Sprintf("The %s already exists; import it or set adopt_existing = true. It was not created by vaultboot for CA sync policy %q, so create will not take it over (import ID: %s).", what, cs.Name(), cs.Name()))
	}
	if pFound && naming.PolicyOwner(policy) != owner {
		foreign("Vault policy " + naming.PolicyPath(cs.PolicyName()))
	}
	if rFound && !slices.Equal(role.TokenPolicies, []string{cs.PolicyName()}) {
		foreign("Kubernetes auth role " + cs.RolePath())
	}
	if mFound && !naming.IsMarked(meta.CustomMetadata, owner) {
		foreign("document " + metadataPath)
	}
	if diags.HasError() {
		return false
	}
	// The role has no marks: it goes with the policy it grants.
	env := r.client.Env()
	var marked []markedObject
	if pFound {
		marked = append(marked, markedObject{fmt.Sprintf("the policy %q", cs.PolicyName()), env.JudgePolicy(owner, policy)})
	}
	if mFound {
		marked = append(marked, markedObject{"the document " + metadataPath, env.JudgeMetadata(owner, meta.CustomMetadata)})
	}
	return claimMarked(diags, env.Owner(), cs.Name(), false, marked)
}

// write sends the policy (marked by its header), the document's markers,
// the document and the role, in that order: every object is marked before
// anything unmarked depends on it, so a run that stops in between leaves
// only objects the next create recognises as this policy's own, and the
// role that lets the syncer log in comes last.
func (r *caSyncPolicyResource) write(ctx context.Context, cs naming.CASync, plan *caSyncPolicyModel, doc naming.CASyncDocument, diags *diag.Diagnostics) bool {
	if err := r.client.WritePolicy(ctx, cs.PolicyName(), plan.Policy.ValueString()); err != nil {
		addVaultError(diags, "Unable to Write the CA Sync Policy", err)
		return false
	}
	meta := vaultclient.KVMetadata{DeleteVersionAfter: "0s", CustomMetadata: cs.Markers()}
	if err := r.client.WriteKVMetadata(ctx, cs.DocumentMetadataPath(), meta); err != nil {
		addVaultError(diags, "Unable to Mark the CA Sync Document", err)
		return false
	}
	if err := r.client.WriteKVData(ctx, cs.DocumentDataPath(), doc.Data()); err != nil {
		addVaultError(diags, "Unable to Write the CA Sync Document", err)
		return false
	}
	if err := r.client.WriteKubernetesRole(ctx, cs.RolePath(), plan.Syncer.role(cs.PolicyName())); err != nil {
		addVaultError(diags, "Unable to Write the Syncer's Kubernetes Role", err)
		return false
	}
	return true
}
