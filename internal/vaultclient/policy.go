package vaultclient

import (
	"context"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// ReadPolicy returns an ACL policy's document; found is false on 404.
func (c *Client) ReadPolicy(ctx context.Context, name string) (doc string, found bool, err error) {
	s, err := c.read(ctx, naming.PolicyPath(name))
	if err != nil || s == nil {
		return "", false, err
	}
	doc, _ = s.Data["policy"].(string)
	return doc, true, nil
}

// WritePolicy creates or replaces an ACL policy.
func (c *Client) WritePolicy(ctx context.Context, name, doc string) error {
	_, err := c.write(ctx, naming.PolicyPath(name), map[string]any{"policy": doc})
	return err
}

// DeletePolicy deletes an ACL policy; a missing policy is not an error.
func (c *Client) DeletePolicy(ctx context.Context, name string) error {
	return c.remove(ctx, naming.PolicyPath(name))
}
