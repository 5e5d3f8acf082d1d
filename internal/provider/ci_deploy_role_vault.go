package provider

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// deployRoleObjects is the role and its policy as Vault holds them.
type deployRoleObjects struct {
	role        map[string]any
	roleFound   bool
	policy      string
	policyFound bool
}

// ours reports whether the objects that exist are vaultboot's for d: the
// policy's header is the provider policy's. A role carries no marker: it
// counts as ours when its policy is.
func (o deployRoleObjects) ours(d naming.DeployRole) bool {
	return o.policyFound && naming.PolicyOwner(o.policy) == d.PolicyOwner()
}

// readDeployRole reads the role and its policy concurrently.
func readDeployRole(ctx context.Context, c *vaultclient.Client, d naming.DeployRole, jwtMount string) (deployRoleObjects, error) {
	var o deployRoleObjects
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		o.role, o.roleFound, err = c.ReadRole(gctx, d.RolePath(jwtMount))
		return err
	})
	g.Go(func() (err error) {
		o.policy, o.policyFound, err = c.ReadPolicy(gctx, d.PolicyName())
		return err
	})
	return o, g.Wait()
}

// writeDeployRole writes the policy, then the role that grants it: a
// failure in between leaves a marked policy that no login holds.
func writeDeployRole(ctx context.Context, c *vaultclient.Client, d naming.DeployRole, jwtMount, policy string, role map[string]any) (string, error) {
	if err := c.WritePolicy(ctx, d.PolicyName(), policy); err != nil {
		return "Unable to Write the Deploy Policy", err
	}
	if err := c.WriteRole(ctx, d.RolePath(jwtMount), role); err != nil {
		return "Unable to Write the Deploy Role", err
	}
	return "", nil
}

// deleteDeployRole deletes the role first, so no login gets a token whose
// policy is already gone, then the policy.
func deleteDeployRole(ctx context.Context, c *vaultclient.Client, d naming.DeployRole, jwtMount string) (string, error) {
	if err := c.DeleteRole(ctx, d.RolePath(jwtMount)); err != nil {
		return "Unable to Delete the Deploy Role", err
	}
	if err := c.DeletePolicy(ctx, d.PolicyName()); err != nil {
		return "Unable to Delete the Deploy Policy", err
	}
	return "", nil
}
