package vaultclient

import (
	"context"

	"github.com/hashicorp/vault/api"
)

// read returns the secret at path, or nil when Vault answers 404.
func (c *Client) read(ctx context.Context, path string) (*api.Secret, error) {
	return c.readWithData(ctx, path, nil)
}

// readWithData is read with query parameters.
func (c *Client) readWithData(ctx context.Context, path string, query map[string][]string) (*api.Secret, error) {
	var s *api.Secret
	err := c.do(ctx, "read", path, func(ctx context.Context) (err error) {
		s, err = c.api.Logical().ReadWithDataWithContext(ctx, path, query)
		return err
	})
	if StatusOf(err) == 404 {
		return nil, nil
	}
	return s, err
}

func (c *Client) write(ctx context.Context, path string, data map[string]any) (*api.Secret, error) {
	var s *api.Secret
	err := c.do(ctx, "write", path, func(ctx context.Context) (err error) {
		s, err = c.api.Logical().WriteWithContext(ctx, path, data)
		return err
	})
	return s, err
}

// remove deletes path; a 404 counts as success (already gone).
func (c *Client) remove(ctx context.Context, path string) error {
	err := c.do(ctx, "delete", path, func(ctx context.Context) error {
		_, err := c.api.Logical().DeleteWithContext(ctx, path)
		return err
	})
	if StatusOf(err) == 404 {
		return nil
	}
	return err
}
