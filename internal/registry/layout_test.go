package registry_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/registry"
)

var addr = registry.Address{Namespace: "platform", Type: "vaultboot"}

// fakeRelease writes a release's files for the given platforms: the zips'
// contents do not matter to Publish, only their listing in SHA256SUMS.
func fakeRelease(t *testing.T, version string, platforms ...string) registry.Release {
	t.Helper()
	dir := t.TempDir()
	var sums strings.Builder
	add := func(name, content string) {
		writeFile(t, filepath.Join(dir, name), content)
		sum := sha256.Sum256([]byte(content))
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(sum[:]), name)
	}
	for _, p := range platforms {
		add(fmt.Sprintf("%s_%s_%s.zip", registry.Project, version, p), "zip "+p)
	}
	add(fmt.Sprintf("%s_%s_manifest.json", registry.Project, version), `{"version": 1, "metadata": {"protocol_versions": ["6.0"]}}`)
	sumsFile := fmt.Sprintf("%s_%s_SHA256SUMS", registry.Project, version)
	writeFile(t, filepath.Join(dir, sumsFile), sums.String())
	writeFile(t, filepath.Join(dir, sumsFile+".sig"), "signature")
	return registry.Release{Dir: dir, Version: version, PublicKey: armoredKey(t)}
}

func armoredKey(t *testing.T) []byte {
	t.Helper()
	e, err := openpgp.NewEntity("test", "", "test@vaultboot.invalid", nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readJSON(t *testing.T, file string, v any) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func TestPublish_documents(t *testing.T) {
	root := t.TempDir()
	rel := fakeRelease(t, "1.2.3", "linux_amd64", "darwin_arm64")
	if err := registry.Publish(root, addr, rel); err != nil {
		t.Fatal(err)
	}
	var discovery map[string]string
	readJSON(t, filepath.Join(root, ".well-known", "terraform.json"), &discovery)
	if discovery["providers.v1"] != "/v1/providers/" {
		t.Errorf("discovery = %v", discovery)
	}
	var dl struct {
		Protocols           []string `json:"protocols"`
		OS, Arch, Filename  string
		DownloadURL         string `json:"download_url"`
		SHASumsURL          string `json:"shasums_url"`
		SHASumsSignatureURL string `json:"shasums_signature_url"`
		SHASum              string `json:"shasum"`
		SigningKeys         struct {
			GPGPublicKeys []struct {
				KeyID      string `json:"key_id"`
				ASCIIArmor string `json:"ascii_armor"`
			} `json:"gpg_public_keys"`
		} `json:"signing_keys"`
	}
	versionDir := filepath.Join(root, "v1", "providers", "platform", "vaultboot", "1.2.3")
	readJSON(t, filepath.Join(versionDir, "download", "darwin", "arm64"), &dl)
	zip := registry.Project + "_1.2.3_darwin_arm64.zip"
	sum := sha256.Sum256([]byte("zip darwin_arm64"))
	if dl.Filename != zip || dl.OS != "darwin" || dl.Arch != "arm64" || dl.SHASum != hex.EncodeToString(sum[:]) ||
		strings.Join(dl.Protocols, ",") != "6.0" {
		t.Errorf("download document = %+v", dl)
	}
	if dl.DownloadURL != "../../"+zip || dl.SHASumsURL != "../../"+registry.Project+"_1.2.3_SHA256SUMS" || dl.SHASumsSignatureURL != dl.SHASumsURL+".sig" {
		t.Errorf("download URLs = %q %q %q, want relative to .../1.2.3/download/OS/ARCH", dl.DownloadURL, dl.SHASumsURL, dl.SHASumsSignatureURL)
	}
	if keys := dl.SigningKeys.GPGPublicKeys; len(keys) != 1 || len(keys[0].KeyID) != 16 || keys[0].ASCIIArmor != string(rel.PublicKey) {
		t.Errorf("signing keys = %+v", keys)
	}
	for _, f := range []string{zip, registry.Project + "_1.2.3_linux_amd64.zip", registry.Project + "_1.2.3_SHA256SUMS", registry.Project + "_1.2.3_SHA256SUMS.sig", registry.Project + "_1.2.3_manifest.json"} {
		if _, err := os.Stat(filepath.Join(versionDir, f)); err != nil {
			t.Errorf("release file not published: %v", err)
		}
	}
}

func TestPublish_keepsOtherVersionsAndServices(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, ".well-known", "terraform.json"), `{"modules.v1": "/v1/modules/"}`)
	for _, rel := range []registry.Release{
		fakeRelease(t, "1.0.0", "linux_amd64"),
		fakeRelease(t, "1.1.0", "linux_amd64"),
		fakeRelease(t, "1.1.0", "linux_amd64", "windows_amd64"), // re-published with a platform more
	} {
		if err := registry.Publish(root, addr, rel); err != nil {
			t.Fatal(err)
		}
	}
	var versions struct {
		Versions []struct {
			Version   string
			Platforms []registry.Platform
		}
	}
	readJSON(t, filepath.Join(root, "v1", "providers", "platform", "vaultboot", "versions"), &versions)
	got := map[string]int{}
	for _, v := range versions.Versions {
		got[v.Version] = len(v.Platforms)
	}
	if len(got) != 2 || got["1.0.0"] != 1 || got["1.1.0"] != 2 {
		t.Errorf("versions = %+v, want 1.0.0 (one platform) and 1.1.0 (two) once each", versions.Versions)
	}
	var discovery map[string]string
	readJSON(t, filepath.Join(root, ".well-known", "terraform.json"), &discovery)
	if discovery["modules.v1"] != "/v1/modules/" || discovery["providers.v1"] != "/v1/providers/" {
		t.Errorf("discovery = %v, want modules.v1 kept and providers.v1 added", discovery)
	}
}

func TestPublish_refuses(t *testing.T) {
	good := func(t *testing.T) registry.Release { return fakeRelease(t, "1.2.3", "linux_amd64") }
	tests := map[string]struct {
		addr    registry.Address
		release func(t *testing.T) registry.Release
		wantErr string
	}{
		"namespace escaping the tree": {registry.Address{Namespace: "../etc", Type: "vaultboot"}, good, "namespace and type must be"},
		"upper-case type":             {registry.Address{Namespace: "platform", Type: "Vaultboot"}, good, "namespace and type must be"},
		"version with a v": {addr, func(t *testing.T) registry.Release {
			r := good(t)
			r.Version = "v1.2.3"
			return r
		}, "is not a semantic version"},
		"no public key": {addr, func(t *testing.T) registry.Release {
			r := good(t)
			r.PublicKey = []byte("not a key")
			return r
		}, "not an ASCII-armored OpenPGP public key"},
		"zip missing from SHA256SUMS": {addr, func(t *testing.T) registry.Release {
			r := good(t)
			writeFile(t, filepath.Join(r.Dir, registry.Project+"_1.2.3_darwin_arm64.zip"), "unlisted")
			return r
		}, "does not list " + registry.Project + "_1.2.3_darwin_arm64.zip"},
		"no manifest": {addr, func(t *testing.T) registry.Release {
			r := good(t)
			if err := os.Remove(filepath.Join(r.Dir, registry.Project+"_1.2.3_manifest.json")); err != nil {
				t.Fatal(err)
			}
			return r
		}, "registry manifest"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			err := registry.Publish(root, tc.addr, tc.release(t))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Publish: err = %v, want %q", err, tc.wantErr)
			}
			if entries, _ := os.ReadDir(root); len(entries) != 0 {
				t.Errorf("a refused release left %d entries in the tree", len(entries))
			}
		})
	}
}
