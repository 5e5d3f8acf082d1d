package vaultclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// KVMetadata is the managed part of a KV v2 secret's metadata.
type KVMetadata struct {
	MaxVersions        int64
	CASRequired        bool
	DeleteVersionAfter string // Vault's duration string, e.g. "0s" or "1h0m0s"
	CustomMetadata     map[string]string
	// Versions are the version numbers Vault keeps (not their values).
	Versions []int64
	// CurrentVersion is 0 when no version was ever written.
	CurrentVersion int64
}

// ReadKVMetadata reads the metadata at a KV v2 metadata path (naming's
// KVMetadataPath); found is false on 404.
func (c *Client) ReadKVMetadata(ctx context.Context, path string) (*KVMetadata, bool, error) {
	s, err := c.read(ctx, path)
	if err != nil || s == nil {
		return nil, false, err
	}
	m := &KVMetadata{
		MaxVersions:        AsInt(s.Data["max_versions"]),
		DeleteVersionAfter: AsString(s.Data["delete_version_after"]),
		CustomMetadata:     AsStringMap(s.Data["custom_metadata"]),
		CurrentVersion:     AsInt(s.Data["current_version"]),
	}
	m.CASRequired, _ = s.Data["cas_required"].(bool)
	versions, _ := s.Data["versions"].(map[string]any)
	for k := range versions {
		var n int64
		if err := json.Unmarshal([]byte(k), &n); err == nil {
			m.Versions = append(m.Versions, n)
		}
	}
	sort.Slice(m.Versions, func(i, j int) bool { return m.Versions[i] < m.Versions[j] })
	return m, true, nil
}

// WriteKVMetadata writes the managed metadata fields; custom_metadata is
// replaced whole, as Vault does on a metadata POST.
func (c *Client) WriteKVMetadata(ctx context.Context, path string, m KVMetadata) error {
	custom := make(map[string]any, len(m.CustomMetadata))
	for k, v := range m.CustomMetadata {
		custom[k] = v
	}
	_, err := c.write(ctx, path, map[string]any{
		"max_versions":         m.MaxVersions,
		"cas_required":         m.CASRequired,
		"delete_version_after": m.DeleteVersionAfter,
		"custom_metadata":      custom,
	})
	return err
}

// DeleteKVMetadata deletes a KV v2 secret's metadata and every version.
func (c *Client) DeleteKVMetadata(ctx context.Context, path string) error {
	return c.remove(ctx, path)
}

// PurgeKVMetadata deletes an app secret's metadata, which erases every
// version. A 403 says why: the provider policy grants it only when it is
// rendered with allow_purge.
func (c *Client) PurgeKVMetadata(ctx context.Context, path string) error {
	err := c.remove(ctx, path)
	var verr *Error
	if errors.As(err, &verr) && verr.Status == http.StatusForbidden {
		verr.Hint = "Purging erases every version of the secret, which the provider policy allows only when it is rendered with allow_purge = true (data.vaultboot_provider_policy, vaultboot_ci_deploy_role): set it there and re-apply the policy, or set purge_on_destroy = false to keep the secret"
	}
	return err
}

// ReadKVData reads the latest version's data at a KV v2 data path. Only for
// vaultboot's own documents (the stamp, CA sync documents) and public CA
// material: callers never put what it returns in state unless it is not a
// secret. found is false on 404 or when the latest version is deleted.
func (c *Client) ReadKVData(ctx context.Context, path string) (map[string]any, bool, error) {
	s, err := c.read(ctx, path)
	if err != nil || s == nil {
		return nil, false, err
	}
	data, ok := s.Data["data"].(map[string]any)
	if !ok || data == nil {
		return nil, false, nil
	}
	return data, true, nil
}

// ReadKVKeyNames returns the key names of the latest version at a KV v2 data
// path, never their values: the values are dropped here, inside the client.
func (c *Client) ReadKVKeyNames(ctx context.Context, path string) ([]string, bool, error) {
	data, found, err := c.ReadKVData(ctx, path)
	var verr *Error
	if errors.As(err, &verr) && verr.Status == http.StatusForbidden {
		verr.Hint = "Listing key names reads the secret, which the provider policy deliberately does not allow: use a token that may read this app's secret (its read policy), or drop key_names"
	}
	if err != nil || !found {
		return nil, found, err
	}
	names := make([]string, 0, len(data))
	for k := range data {
		names = append(names, k)
	}
	sort.Strings(names)
	return names, true, nil
}

// WriteKVData writes a new version at a KV v2 data path.
func (c *Client) WriteKVData(ctx context.Context, path string, data map[string]any) error {
	_, err := c.write(ctx, path, map[string]any{"data": data})
	return err
}

// CreateKVData writes the first version at a KV v2 data path with
// check-and-set 0: Vault refuses it when a version already exists, so of
// two concurrent creates exactly one wins. The loser gets a
// *CASConflictError.
func (c *Client) CreateKVData(ctx context.Context, path string, data map[string]any) error {
	_, err := c.write(ctx, path, map[string]any{"data": data, "options": map[string]any{"cas": 0}})
	var verr *Error
	if errors.As(err, &verr) && verr.Status == http.StatusBadRequest && strings.Contains(strings.Join(verr.Messages, " "), "check-and-set") {
		return &CASConflictError{Path: path}
	}
	return err
}

// CASConflictError means another writer created the document first.
type CASConflictError struct{ Path string }

func (e *CASConflictError) Error() string {
	return fmt.Sprintf("%s was written by someone else at the same time (check-and-set 0 refused)", e.Path)
}
