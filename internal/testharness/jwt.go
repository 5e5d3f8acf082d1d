package testharness

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// testIssuer starts the iss of tokens from JWTSigner; configs bind it.
// Each signer is an issuer of its own (testIssuer/<n>), as a CI and an IdP
// are: the provider policy refuses a binding mount trusting the CI's issuer.
const testIssuer = "https://idp.vaultboot.test"

var signers atomic.Int64

// JWTSigner plays the IdP for JWT/OIDC auth: it issues tokens that Vault
// verifies against PublicKeyPEM (jwt_validation_pubkeys), so tests can log in
// as a member of any group without a real IdP.
type JWTSigner struct {
	Issuer       string
	PublicKeyPEM string

	signer jose.Signer
}

// NewJWTSigner creates a signer with a fresh RSA key. RS256 is what Vault's
// JWT auth accepts when jwt_supported_algs is not configured.
func NewJWTSigner(t testing.TB) *JWTSigner {
	t.Helper()
	signer, pub := newRS256Signer(t)
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatalf("marshal public key: %v", err)
	}
	return &JWTSigner{
		Issuer:       fmt.Sprintf("%s/%d", testIssuer, signers.Add(1)),
		PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		signer:       signer,
	}
}

// Sign returns a compact JWT with claims; iss, iat, nbf and exp (five minutes
// ahead) are added unless claims sets them.
func (s *JWTSigner) Sign(t testing.TB, claims map[string]any) string {
	t.Helper()
	now := time.Now()
	all := map[string]any{"iss": s.Issuer, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
	maps.Copy(all, claims)
	token, err := signJWT(s.signer, all)
	if err != nil {
		t.Fatalf("sign JWT: %v", err)
	}
	return token
}

// ConfigureJWTAuth points auth/<mount> at s: jwt_validation_pubkeys and
// bound_issuer. It enables a "jwt" mount unless an "oidc" mount (e.g. one the
// provider created for humans) is already there, in which case that one is
// configured, so tests can log in through the provider's own mount. It
// returns the mount accessor, which group aliases need.
func (v *Vault) ConfigureJWTAuth(t testing.TB, mount string, s *JWTSigner) string {
	t.Helper()
	authType := "jwt"
	if m := v.authMount(t, mount); m != nil && m.Type == "oidc" {
		authType = "oidc"
	}
	accessor := v.EnableAuth(t, mount, authType)
	v.Write(t, naming.AuthConfigPath(mount), map[string]any{
		"jwt_validation_pubkeys": []string{s.PublicKeyPEM},
		"bound_issuer":           s.Issuer,
	})
	return accessor
}

// LoginJWT logs in at auth/<mount>/login without any token. Failures are
// returned, not fatal, because tests assert refusals too. The secret's Auth
// holds ClientToken, TokenPolicies and IdentityPolicies.
func (v *Vault) LoginJWT(mount, role, jwt string) (*api.Secret, error) {
	return v.login(mount, map[string]any{"role": role, "jwt": jwt})
}

// newRS256Signer returns a JWS signer with a fresh 2048-bit RSA key and its
// public half.
func newRS256Signer(t testing.TB) (jose.Signer, *rsa.PublicKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("generate RSA key: %v", err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatalf("new JWS signer: %v", err)
	}
	return signer, &key.PublicKey
}

// signJWT signs claims as a compact JWS, i.e. a JWT.
func signJWT(signer jose.Signer, claims map[string]any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}
