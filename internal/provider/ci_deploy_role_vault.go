package provider

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// deployRoleObjects is the role and its policy as Vault holds them.
type deployRoleObjects struct {
	role        *vaultclient.JWTRole // empty when not found
	roleFound   bool
	policy      string
	policyFound bool
}

// verdict judges the objects that exist by the policy's header marks (the
// provider policy's identity and the owner). A role carries no marks: it
// goes with its policy, so a role without a policy is Foreign.
func (o deployRoleObjects) verdict(env naming.Env, d naming.DeployRole) naming.Verdict {
	if !o.policyFound {
		return naming.Verdict{Claim: naming.Foreign}
	}
	return env.JudgePolicy(d.PolicyOwner(), o.policy)
}

// readDeployRole reads the role and its policy concurrently.
func readDeployRole(ctx context.Context, c *vaultclient.Client, d naming.DeployRole, jwtMount string) (deployRoleObjects, error) {
	var o deployRoleObjects
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		o.role, o.roleFound, err = c.ReadJWTRole(gctx, d.RolePath(jwtMount))
		return err
	})
	g.Go(func() (err error) {
		o.policy, o.policyFound, err = c.ReadPolicy(gctx, d.PolicyName())
		return err
	})
	err := g.Wait()
	if o.role == nil {
		o.role = &vaultclient.JWTRole{}
	}
	return o, err
}

// writeDeployRole writes the policy, then the role that grants it: a
// failure in between leaves a marked policy that no login holds.
func writeDeployRole(ctx context.Context, c *vaultclient.Client, d naming.DeployRole, jwtMount, policy string, role vaultclient.JWTRole) (string, error) {
	if err := c.WritePolicy(ctx, d.PolicyName(), policy); err != nil {
		return "Unable to Write the Deploy Policy", err
	}
	if err := c.WriteJWTRole(ctx, d.RolePath(jwtMount), role); err != nil {
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
