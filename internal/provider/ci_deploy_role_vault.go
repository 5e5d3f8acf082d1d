package provider

import (
	"context"
	"fmt"

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

// judged is every object the deploy role's names hold, with whose it is.
// The role goes with its policy: Foreign when the policy is not marked as
// the provider policy's.
func (o deployRoleObjects) judged(env naming.Env, d naming.DeployRole, jwtMount string) []existingObject {
	var out []existingObject
	v := o.verdict(env, d)
	if o.policyFound {
		out = append(out, existingObject{what: fmt.Sprintf("the policy %q (%s) of the deploy role %s", d.PolicyName(), naming.PolicyPath(d.PolicyName()), d.RolePath(jwtMount)), verdict: v})
	}
	if o.roleFound && v.Claim == naming.Foreign {
		out = append(out, existingObject{what: "the role " + d.RolePath(jwtMount), verdict: v})
	}
	return out
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

// mountConflict is a deploy role layout the provider refuses: attr names
// the input to fix.
type mountConflict struct {
	attr, detail string
}

// findMountConflict reads what decides whether deploy role d may log in
// through jwtMount and bind groups on bindingMounts: no other deploy role
// of E may live on one of d's binding mounts (d's token could rewrite it
// through a case variant of its name, or write login roles beside it), and
// no other deploy role's policy may bind groups on d's JWT mount.
func findMountConflict(ctx context.Context, c *vaultclient.Client, d naming.DeployRole, jwtMount string, bindingMounts []string) (*mountConflict, error) {
	env := c.Env()
	for _, m := range bindingMounts {
		roles, err := c.ListRoles(ctx, m)
		if err != nil {
			return nil, err
		}
		if r, found := env.DeployRoleAmong(roles); found {
			return &mountConflict{"binding_auth_mounts", fmt.Sprintf("The auth mount %q holds the deploy role %s (%s), and this deploy role's policy lets its pipeline write login roles on %q: it could rewrite that deploy role. Keep deploy roles on a JWT mount that trusts the CI alone and is nobody's binding mount.", m, r, naming.AuthRolePath(m, r), m)}, nil
		}
	}
	policies, err := c.ListPolicies(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range policies {
		if !env.IsDeployPolicyName(p) || p == d.PolicyName() {
			continue
		}
		doc, found, err := c.ReadPolicy(ctx, p)
		if err != nil {
			return nil, err
		}
		if found && env.GrantsLoginRoles(doc, jwtMount) {
			return &mountConflict{"jwt_mount", fmt.Sprintf("The deploy policy %s lets its pipeline write login roles on %q (a binding mount of that deploy role), so it could rewrite this deploy role there. Put this deploy role on a JWT mount that is nobody's binding mount.", p, jwtMount)}, nil
		}
	}
	return nil, nil
}
