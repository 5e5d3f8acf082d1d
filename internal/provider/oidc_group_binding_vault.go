package provider

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// bindingTargets is what a create or update looks at before it writes: the
// auth mount (nil when absent) and the group E-N (nil when absent).
type bindingTargets struct {
	mount *vaultclient.AuthMount
	group *vaultclient.IdentityGroup
}

// observeBindingTargets reads the auth mount and the group concurrently.
func observeBindingTargets(ctx context.Context, c *vaultclient.Client, b naming.Binding, mountPath string) (bindingTargets, error) {
	var t bindingTargets
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { t.mount, _, err = c.ReadAuthMount(gctx, mountPath); return err })
	g.Go(func() (err error) { t.group, _, err = c.ReadIdentityGroupByName(gctx, b.GroupName()); return err })
	return t, g.Wait()
}

// bindingObjects is what Vault holds of a binding: its group and, when
// read, its login role (nil when absent).
type bindingObjects struct {
	group *vaultclient.IdentityGroup
	role  *vaultclient.JWTRole
}

// observeBinding reads the group and, withRole, the login role on
// mountPath: two independent reads, run concurrently.
func observeBinding(ctx context.Context, c *vaultclient.Client, b naming.Binding, mountPath string, withRole bool) (bindingObjects, error) {
	var o bindingObjects
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { o.group, _, err = c.ReadIdentityGroupByName(gctx, b.GroupName()); return err })
	if withRole {
		g.Go(func() (err error) { o.role, _, err = c.ReadJWTRole(gctx, b.LoginRolePath(mountPath)); return err })
	}
	return o, g.Wait()
}

// bindingWrite is what writeBinding sends, prepared and checked before the
// first write.
type bindingWrite struct {
	policies    []string
	groupID     string // the IdP group id: the alias's name
	accessor    string // the auth mount's accessor: the alias's mount
	rolePath    string // where the login role goes
	role        *vaultclient.JWTRole
	oldRolePath string // a login role to remove first ("" for none)
}

// writeBinding makes Vault hold w: the group with its policies and
// markers, its one alias, and the login role (the old one removed first).
// It returns the group's id as soon as the group is written, so a failure
// further on still records it, and on failure a summary naming the write.
func writeBinding(ctx context.Context, c *vaultclient.Client, b naming.Binding, w bindingWrite) (groupID, summary string, err error) {
	if err := c.WriteExternalGroupByName(ctx, b.GroupName(), vaultclient.ExternalGroup{Policies: w.policies, Metadata: b.Markers()}); err != nil {
		return "", "Unable to Write the Identity Group", err
	}
	group, found, err := c.ReadIdentityGroupByName(ctx, b.GroupName())
	if err == nil && !found {
		err = fmt.Errorf("the identity group %q was written but cannot be read back", b.GroupName())
	}
	if err != nil {
		return "", "Unable to Read the Identity Group", err
	}
	if err := writeGroupAlias(ctx, c, group, w.groupID, w.accessor); err != nil {
		return group.ID, "Unable to Write the Group Alias", err
	}
	if w.oldRolePath != "" {
		if err := c.DeleteRole(ctx, w.oldRolePath); err != nil {
			return group.ID, "Unable to Delete the Old Login Role", err
		}
	}
	if w.role != nil {
		if err := c.WriteJWTRole(ctx, w.rolePath, *w.role); err != nil {
			return group.ID, "Unable to Write the Login Role", loginRoleWriteError(err, *w.role)
		}
	}
	return group.ID, "", nil
}

// writeGroupAlias makes the group's one alias name groupID on accessor.
func writeGroupAlias(ctx context.Context, c *vaultclient.Client, group *vaultclient.IdentityGroup, groupID, accessor string) error {
	switch a := group.Alias; {
	case a == nil:
		_, err := c.CreateGroupAlias(ctx, groupID, accessor, group.ID)
		return err
	case a.Name != groupID || a.MountAccessor != accessor:
		return c.UpdateGroupAlias(ctx, a.ID, groupID, accessor, group.ID)
	}
	return nil
}

// deleteBinding removes the login role, when there is one, and the group;
// deleting an external group deletes its alias with it.
func deleteBinding(ctx context.Context, c *vaultclient.Client, b naming.Binding, rolePath string) (string, error) {
	if rolePath != "" {
		if err := c.DeleteRole(ctx, rolePath); err != nil {
			return "Unable to Delete the Login Role", err
		}
	}
	if err := c.DeleteIdentityGroupByName(ctx, b.GroupName()); err != nil {
		return "Unable to Delete the Identity Group", err
	}
	return "", nil
}
