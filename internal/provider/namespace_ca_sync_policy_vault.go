package provider

import (
	"context"
	"fmt"
	"slices"

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

// existingCASync judges the objects a create finds: the policy by its
// header, the document by its metadata's marks, and the role (which has no
// marks) as Foreign unless it grants exactly this policy, with which it
// then goes.
func existingCASync(ctx context.Context, c *vaultclient.Client, cs naming.CASync) ([]existingObject, error) {
	var (
		policy              string
		role                *vaultclient.KubernetesRole
		meta                *vaultclient.KVMetadata
		pFound, rFound      bool
		mFound              bool
		metadataPath, owner = cs.DocumentMetadataPath(), cs.Owner()
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { policy, pFound, err = c.ReadPolicy(gctx, cs.PolicyName()); return err })
	g.Go(func() (err error) { role, rFound, err = c.ReadKubernetesRole(gctx, cs.RolePath()); return err })
	g.Go(func() (err error) { meta, mFound, err = c.ReadKVMetadata(gctx, metadataPath); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	env := c.Env()
	var out []existingObject
	if pFound {
		out = append(out, existingObject{what: fmt.Sprintf("the policy %q (%s)", cs.PolicyName(), naming.PolicyPath(cs.PolicyName())), verdict: env.JudgePolicy(owner, policy)})
	}
	if rFound && !slices.Equal(role.TokenPolicies, []string{cs.PolicyName()}) {
		out = append(out, existingObject{what: "the Kubernetes auth role " + cs.RolePath(), verdict: naming.Verdict{Claim: naming.Foreign}})
	}
	if mFound {
		out = append(out, existingObject{what: "the document " + metadataPath, verdict: env.JudgeMetadata(owner, meta.CustomMetadata)})
	}
	return out, nil
}

// judged is what a refresh knows of whose the objects are: the policy's
// header marks.
func (o caSyncObjects) judged(env naming.Env, cs naming.CASync) []existingObject {
	if !o.policyFound {
		return nil
	}
	return []existingObject{{what: fmt.Sprintf("the policy %q", cs.PolicyName()), verdict: env.JudgePolicy(cs.Owner(), o.policy)}}
}

// writeCASync sends the policy (marked by its header), the document's
// markers, the document and the role, in that order: every object is
// marked before anything unmarked depends on it, so a run that stops in
// between leaves only objects the next create recognises as this policy's
// own, and the role that lets the syncer log in comes last. On failure it
// returns a summary naming the write that failed.
func writeCASync(ctx context.Context, c *vaultclient.Client, cs naming.CASync, policy string, doc naming.CASyncDocument, role vaultclient.KubernetesRole) (string, error) {
	if err := c.WritePolicy(ctx, cs.PolicyName(), policy); err != nil {
		return "Unable to Write the CA Sync Policy", err
	}
	meta := vaultclient.KVMetadata{DeleteVersionAfter: "0s", CustomMetadata: cs.Markers()}
	if err := c.WriteKVMetadata(ctx, cs.DocumentMetadataPath(), meta); err != nil {
		return "Unable to Mark the CA Sync Document", err
	}
	if err := c.WriteKVData(ctx, cs.DocumentDataPath(), doc.Data()); err != nil {
		return "Unable to Write the CA Sync Document", err
	}
	if err := c.WriteKubernetesRole(ctx, cs.RolePath(), role); err != nil {
		return "Unable to Write the Syncer's Kubernetes Role", err
	}
	return "", nil
}

// deleteCASync removes the role first, so the syncer cannot log in while
// the rest goes, then the policy and the document with all its versions.
func deleteCASync(ctx context.Context, c *vaultclient.Client, cs naming.CASync) (string, error) {
	if err := c.DeleteRole(ctx, cs.RolePath()); err != nil {
		return "Unable to Delete the Syncer's Kubernetes Role", err
	}
	if err := c.DeletePolicy(ctx, cs.PolicyName()); err != nil {
		return "Unable to Delete the CA Sync Policy", err
	}
	if err := c.DeleteKVMetadata(ctx, cs.DocumentMetadataPath()); err != nil {
		return "Unable to Delete the CA Sync Document", err
	}
	return "", nil
}
