package casyncer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/cabundle"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// vaultRetry bounds one Vault request's own retries; the syncer's loop
// backs off between attempts beyond that.
const vaultRetry = 10 * time.Second

// session is the syncer's Vault login: a client holding the token from
// auth/<mount>/login and when to log in again.
type session struct {
	cfg     Config
	client  *vaultclient.Client
	renewAt time.Time
}

// ensure logs in when there is no token yet or half its lifetime is gone,
// reading the projected token file afresh each time (the kubelet rotates it).
func (s *session) ensure(ctx context.Context) error {
	if s.client != nil && time.Now().Before(s.renewAt) {
		return nil
	}
	jwt, err := os.ReadFile(s.cfg.TokenFile)
	if err != nil {
		return fmt.Errorf("reading the service-account token %s: %w", s.cfg.TokenFile, err)
	}
	c, err := vaultclient.New(ctx, vaultclient.Config{Address: s.cfg.VaultAddr, CACertFile: s.cfg.VaultCACert, RetryTimeout: vaultRetry, UserAgent: "vaultboot-ca-syncer"})
	if err != nil {
		return err
	}
	ttl, err := c.LoginKubernetes(ctx, s.cfg.AuthMount, s.cfg.Role, strings.TrimSpace(string(jwt)))
	if err != nil {
		return err
	}
	if ttl <= 0 {
		ttl = time.Hour // a token without a TTL (root-like) never expires; check in hourly anyway
	}
	s.client, s.renewAt = c, time.Now().Add(ttl/2)
	return nil
}

// drop forgets the login, so the next attempt starts afresh: after an
// outage, or when Vault refused the token.
func (s *session) drop() { s.client = nil }

// readDocument reads the document's data; parsing is the caller's, so a
// document Vault served but the syncer refuses is told apart from a failed read.
func (s *session) readDocument(ctx context.Context) (map[string]any, error) {
	data, found, err := s.client.ReadKVData(ctx, s.cfg.Document)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("no CA sync document at %s: apply the vaultboot_namespace_ca_sync_policy first", s.cfg.Document)
	}
	return data, nil
}

// liveFingerprint reads the CA source the document names, to notice a
// rotation terraform has not applied yet. An inline bundle has no source.
func (s *session) liveFingerprint(ctx context.Context, src naming.CASyncSource) (string, error) {
	var pemText string
	switch src.Type {
	case naming.CASourcePKI:
		chain, err := s.client.ReadPKICAChain(ctx, src.PKIMount)
		if err != nil {
			return "", err
		}
		pemText = chain
	case naming.CASourceKV:
		data, found, err := s.client.ReadKVData(ctx, src.ReadPath)
		if err != nil {
			return "", err
		}
		if !found {
			return "", fmt.Errorf("no secret at %s", src.ReadPath)
		}
		pemText = vaultclient.AsString(data[src.KVKey])
	default:
		return "", errors.New("inline bundle: no live source")
	}
	b, err := cabundle.Parse(pemText)
	if err != nil {
		return "", fmt.Errorf("the live source %s: %w", src.ReadPath, err)
	}
	return b.FingerprintSHA256, nil
}
