package vaultclient

import (
	"context"
	"net/http"
	"strings"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// IdentityGroup is the part of an identity group vaultboot manages.
type IdentityGroup struct {
	ID       string
	Name     string // as Vault stores it; group names compare case-insensitively
	Type     string // "internal" or "external"
	Policies []string
	Metadata map[string]string
	// Alias is the external group's alias, nil when it has none (an
	// external group has at most one).
	Alias *GroupAlias
}

// GroupAlias links an external group to a group name in an auth mount's
// logins (for JWT/OIDC: a value of the groups claim).
type GroupAlias struct {
	ID            string
	Name          string
	MountAccessor string
	// MountPath is the auth mount's path without "auth/" and the trailing
	// slash, "" when the accessor names no mount any more.
	MountPath string
}

// ExternalGroup is what vaultboot writes on an external identity group.
type ExternalGroup struct {
	Policies []string
	Metadata map[string]string
}

// ReadIdentityGroupByName reads an identity group by name. Vault matches
// group names case-insensitively, so a group named "ACC-Devs" is found under
// "acc-devs". found is false when there is no such group.
//
// The read sends type=external: the provider policy requires "type" on
// every request to the group paths (without it a write would make an
// internal group), and Vault checks required parameters on reads too. The
// read itself ignores it and returns a group of any type.
func (c *Client) ReadIdentityGroupByName(ctx context.Context, name string) (*IdentityGroup, bool, error) {
	s, err := c.readWithData(ctx, naming.IdentityGroupByNamePath(name), map[string][]string{"type": {"external"}})
	if err != nil || s == nil {
		return nil, false, err
	}
	return identityGroup(s.Data), true, nil
}

// WriteExternalGroupByName creates the external group name, or updates the
// group Vault finds under that name (case-insensitively) and renames it to
// exactly name. Policies and metadata are replaced whole. Vault refuses to
// turn an internal group into an external one.
func (c *Client) WriteExternalGroupByName(ctx context.Context, name string, g ExternalGroup) error {
	meta := make(map[string]any, len(g.Metadata))
	for k, v := range g.Metadata {
		meta[k] = v
	}
	policies := g.Policies
	if policies == nil {
		policies = []string{} // an absent field would keep the old policies
	}
	_, err := c.write(ctx, naming.IdentityGroupByNamePath(name), map[string]any{
		"type":     "external",
		"policies": policies,
		"metadata": meta,
	})
	return err
}

// DeleteIdentityGroupByName deletes a group and, for an external group, its
// alias; a missing group is not an error.
func (c *Client) DeleteIdentityGroupByName(ctx context.Context, name string) error {
	return c.remove(ctx, naming.IdentityGroupByNamePath(name))
}

// CreateGroupAlias creates a group alias on mountAccessor for the group
// groupID and returns the alias id. Creating is the one identity write
// that is not idempotent: when a retried attempt finds the alias made by
// an earlier attempt whose answer was lost (a node restarting mid-request),
// Vault says the combination is in use, and the alias already on groupID
// is the success it would have answered.
func (c *Client) CreateGroupAlias(ctx context.Context, name, mountAccessor, groupID string) (string, error) {
	s, err := c.write(ctx, naming.IdentityGroupAliasPath(), map[string]any{
		"name":           name,
		"mount_accessor": mountAccessor,
		"canonical_id":   groupID,
	})
	if StatusOf(err) == http.StatusBadRequest {
		if holder, found, lerr := c.LookupGroupByAlias(ctx, name, mountAccessor); lerr == nil && found && holder.ID == groupID && holder.Alias != nil {
			return holder.Alias.ID, nil
		}
	}
	if err != nil || s == nil {
		return "", err
	}
	return AsString(s.Data["id"]), nil
}

// UpdateGroupAlias renames an alias or moves it to another mount, keeping
// it on the group groupID.
func (c *Client) UpdateGroupAlias(ctx context.Context, aliasID, name, mountAccessor, groupID string) error {
	_, err := c.write(ctx, naming.IdentityGroupAliasByIDPath(aliasID), map[string]any{
		"name":           name,
		"mount_accessor": mountAccessor,
		"canonical_id":   groupID,
	})
	return err
}

// DeleteGroupAlias deletes a group alias; a missing alias is not an error.
func (c *Client) DeleteGroupAlias(ctx context.Context, aliasID string) error {
	return c.remove(ctx, naming.IdentityGroupAliasByIDPath(aliasID))
}

// LookupGroupByAlias returns the group holding the alias name on
// mountAccessor; found is false when no group holds it.
func (c *Client) LookupGroupByAlias(ctx context.Context, name, mountAccessor string) (*IdentityGroup, bool, error) {
	// A lookup is a POST; Vault answers 204 when nothing matches.
	s, err := c.write(ctx, naming.IdentityLookupGroupPath(), map[string]any{
		"alias_name":           name,
		"alias_mount_accessor": mountAccessor,
	})
	if err != nil || s == nil || s.Data == nil {
		return nil, false, err
	}
	return identityGroup(s.Data), true, nil
}

func identityGroup(data map[string]any) *IdentityGroup {
	g := &IdentityGroup{
		ID:       AsString(data["id"]),
		Name:     AsString(data["name"]),
		Type:     AsString(data["type"]),
		Policies: AsStrings(data["policies"]),
		Metadata: AsStringMap(data["metadata"]),
	}
	if a, _ := data["alias"].(map[string]any); AsString(a["id"]) != "" {
		g.Alias = &GroupAlias{
			ID:            AsString(a["id"]),
			Name:          AsString(a["name"]),
			MountAccessor: AsString(a["mount_accessor"]),
			MountPath:     strings.Trim(strings.TrimPrefix(AsString(a["mount_path"]), "auth/"), "/"),
		}
	}
	return g
}
