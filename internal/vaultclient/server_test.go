package vaultclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

func TestParseVersion(t *testing.T) {
	ok := map[string][3]int{
		"1.13.0": {1, 13, 0}, "v1.21.4": {1, 21, 4}, "1.15.2+ent": {1, 15, 2},
		"1.16.1+ent.hsm.fips1402": {1, 16, 1}, "1.22.0-rc1": {1, 22, 0}, "2.4.1": {2, 4, 1},
	}
	for s, want := range ok {
		v, err := ParseVersion(s)
		if err != nil || [3]int{v.Major, v.Minor, v.Patch} != want || v.Raw != s {
			t.Errorf("ParseVersion(%q) = %+v, %v; want %v", s, v, err, want)
		}
	}
	for _, s := range []string{"", "1.13", "1.x.0", "1.13.0.1", "-1.2.3", "Vault"} {
		if _, err := ParseVersion(s); err == nil {
			t.Errorf("ParseVersion(%q) accepted", s)
		}
	}
}

func TestVersionAtLeast(t *testing.T) {
	cases := []struct {
		v    string
		want bool
	}{
		{"1.13.0", true}, {"1.12.9", false}, {"1.13.1", true}, {"1.21.4", true},
		{"0.99.99", false}, {"2.0.0", true}, {"1.9.10", false},
	}
	for _, c := range cases {
		v, _ := ParseVersion(c.v)
		if got := v.AtLeast(1, 13, 0); got != c.want {
			t.Errorf("%s.AtLeast(1.13.0) = %v", c.v, got)
		}
	}
}

// TestAccServerVersion: the version read at configure time is the one the
// running Vault binary reports, whichever release the run uses.
func TestAccServerVersion(t *testing.T) {
	v := testharness.Shared(t)
	bin, err := testharness.EnsureVault()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimPrefix(testharness.VaultVersion(bin), "v")
	got, err := newClient(t, v.Addr, v.Token, 5*time.Second).CheckServer(context.Background())
	if err != nil {
		t.Fatalf("CheckServer on Vault %s: %v", want, err)
	}
	if got.Raw != want {
		t.Errorf("read version %q, the binary reports %q", got.Raw, want)
	}
}

// TestAccCheckServer_refusesOlder: no Vault older than v1.13.0 builds from
// the module proxy, so a proxy rewrites the version in the real server's
// seal-status answer; everything else is the real Vault's.
func TestAccCheckServer_refusesOlder(t *testing.T) {
	v := testharness.Shared(t)
	for reported, reason := range map[string]string{"1.12.7": "older than 1.13.0", "banana": "cannot read"} {
		c := newClient(t, versionProxy(t, v.Addr, reported), v.Token, 2*time.Second)
		_, err := c.CheckServer(context.Background())
		var old *UnsupportedVersionError
		if !errors.As(err, &old) || !strings.Contains(err.Error(), reason) || !strings.Contains(err.Error(), "1.13.0 or later") {
			t.Errorf("version %q: got %v, want an UnsupportedVersionError saying %q", reported, err, reason)
		}
		if !definiteAnswer(context.Background(), err) {
			t.Errorf("version %q: the refusal is not kept as a definite guard answer", reported)
		}
	}
}

// versionProxy forwards to a real Vault and replaces the version field of
// its sys/seal-status answers.
func versionProxy(t *testing.T, target, version string) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(r *http.Response) error {
		if r.Request.URL.Path != "/v1/sys/seal-status" {
			return nil
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return err
		}
		_ = r.Body.Close()
		body["version"] = version
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		r.Header.Del("Content-Length")
		return nil
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv.URL
}
