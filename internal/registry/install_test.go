package registry_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/registry"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

func TestMain(m *testing.M) { os.Exit(testharness.Main(m)) }

// releaseTest skips a release test unless VAULTBOOT_RELEASE is set: make
// test sets it, so they always run there, while make testacc (the
// provider's inner loop) leaves out their release builds.
func releaseTest(t *testing.T) {
	t.Helper()
	if os.Getenv("VAULTBOOT_RELEASE") == "" {
		t.Skip("release test: make test runs it (or VAULTBOOT_RELEASE=1 make testacc)")
	}
}

// installVersion is the version the install test builds; "~> 0.9" must pick
// it over the 1.0.0 the registry also lists (with no packages behind it).
const (
	installVersion    = "0.9.1"
	installConstraint = "~> 0.9"
	decoyVersion      = "1.0.0"
)

// TestAccInstall_privateRegistry builds, signs and publishes the provider with
// the release pipeline, serves it as a private registry over HTTPS on
// loopback, and installs it with the real Terraform: signed install, lock file
// hashes, the version stamped into the binary, an apply against Vault, the
// three refusals, and an air-gapped install from `terraform providers mirror`.
func TestAccInstall_privateRegistry(t *testing.T) {
	v := testharness.Shared(t)
	releaseTest(t)
	rel := buildRelease(t, installVersion)
	keyID := gpgKeyID(t, rel)
	site := t.TempDir()
	publish(t, site, "platform", rel, rel.publicKey)
	addDecoyVersion(t, site, "platform")
	srv := serveRegistry(t, site)
	source := srv.Host + "/platform/vaultboot"
	platform := runtime.GOOS + "_" + runtime.GOARCH
	zipName := fmt.Sprintf("%s_%s_%s.zip", registry.Project, installVersion, platform)

	direct := fmt.Sprintf("provider_installation {\n  direct {\n    include = [%q]\n  }\n}\n", srv.Host+"/*/*")
	good := newWorkdir(t, installConfig(source, v.ProviderBlock("release")), direct, srv.CAFile)

	t.Run("init installs the signed release", func(t *testing.T) {
		out := good.must("init", "-input=false", "-no-color")
		t.Logf("terraform init:\n%s", out)
		want := regexp.MustCompile(`- Installed ` + regexp.QuoteMeta(source) + ` v` + regexp.QuoteMeta(installVersion) + ` \((self-)?signed, key ID ` + keyID + `\)`)
		if !want.MatchString(out) {
			t.Errorf("terraform init did not install %s v%s signed by key %s:\n%s", source, installVersion, keyID, out)
		}
		if !strings.Contains(out, fmt.Sprintf("Finding %s versions matching %q", source, installConstraint)) {
			t.Errorf("terraform init did not resolve %q:\n%s", installConstraint, out)
		}
	})

	t.Run("lock file records the release's hashes", func(t *testing.T) {
		lock, err := os.ReadFile(filepath.Join(good.dir, ".terraform.lock.hcl"))
		if err != nil {
			t.Fatal(err)
		}
		block := regexp.MustCompile(`(?s)provider "` + regexp.QuoteMeta(source) + `" \{.*?\n\}`).FindString(string(lock))
		if block == "" {
			t.Fatalf("no lock entry for %s:\n%s", source, lock)
		}
		for _, want := range []string{`version     = "` + installVersion + `"`, `constraints = "` + installConstraint + `"`} {
			if !strings.Contains(block, want) {
				t.Errorf("lock entry lacks %s:\n%s", want, block)
			}
		}
		got := regexp.MustCompile(`"((?:h1|zh):[^"]+)"`).FindAllStringSubmatch(block, -1)
		gotHashes := make([]string, 0, len(got))
		for _, m := range got {
			gotHashes = append(gotHashes, m[1])
		}
		h1, err := dirhash.HashZip(filepath.Join(rel.dist, zipName), dirhash.Hash1)
		if err != nil {
			t.Fatal(err)
		}
		wantHashes := append(signedHashes(t, rel), h1)
		sort.Strings(wantHashes)
		if strings.Join(gotHashes, " ") != strings.Join(wantHashes, " ") {
			t.Errorf("lock hashes = %v, want %v (h1 of the installed zip's content, zh of every file the signed SHA256SUMS lists)", gotHashes, wantHashes)
		}
	})

	t.Run("binary is the release build", func(t *testing.T) {
		bin := filepath.Join(good.dir, ".terraform", "providers", source, installVersion, platform, fmt.Sprintf("%s_v%s", registry.Project, installVersion))
		if runtime.GOOS == "windows" {
			bin += ".exe"
		}
		info, err := buildinfo.ReadFile(bin)
		if err != nil {
			t.Fatalf("installed provider %s: %v", bin, err)
		}
		settings := map[string]string{}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
		// Go does not record -ldflags of a -trimpath build: the version
		// stamp is proven by the apply's User-Agent below.
		if settings["-trimpath"] != "true" || settings["CGO_ENABLED"] != "0" {
			t.Errorf("-trimpath = %q, CGO_ENABLED = %q, want true and 0", settings["-trimpath"], settings["CGO_ENABLED"])
		}
	})

	t.Run("apply against Vault with the stamped version", func(t *testing.T) {
		audit := auditUserAgents(t, v)
		good.must("apply", "-input=false", "-no-color", "-auto-approve")
		name := strings.TrimSpace(good.must("output", "-raw", "read_policy"))
		policy, err := v.Client.Sys().GetPolicy(name)
		if err != nil || policy == "" {
			t.Fatalf("the installed provider's apply left no policy %q in Vault (err %v)", name, err)
		}
		agents := audit.userAgents(t, "sys/policies/acl/"+name)
		want := "terraform-provider-vaultboot/" + installVersion
		if len(agents) == 0 {
			t.Fatalf("Vault's audit log has no write of sys/policies/acl/%s", name)
		}
		for _, ua := range agents {
			if !strings.HasSuffix(ua, " "+want) {
				t.Errorf("User-Agent of the installed provider = %q, want it to end in %q (the version the release stamped in)", ua, want)
			}
		}
	})

	refusals := []struct {
		namespace string
		forge     func(t *testing.T, dir string)
		wantErr   *regexp.Regexp
	}{{
		// The registry publishes a key that did not sign the SHA256SUMS.
		namespace: "wrongkey",
		wantErr:   testharness.ErrorRE("Failed to install provider", "authentication signature from unknown issuer"),
	}, {
		// The zip is replaced, and the download document's shasum with it:
		// only the signed SHA256SUMS stops it.
		namespace: "tampered",
		forge:     func(t *testing.T, dir string) { tamperZip(t, dir, zipName) },
		wantErr:   testharness.ErrorRE("Failed to install provider", "checksum list has unexpected SHA-256 hash"),
	}, {
		// A SHA256SUMS signed with the right key that does not list the zip.
		namespace: "unlisted",
		forge:     func(t *testing.T, dir string) { unlistZip(t, rel, dir, zipName) },
		wantErr:   testharness.ErrorRE("Failed to install provider", "checksum list has no SHA-256 hash for", zipName),
	}}
	for _, r := range refusals {
		t.Run("refuses "+r.namespace, func(t *testing.T) {
			key := rel.publicKey
			if r.namespace == "wrongkey" {
				key = otherKey(t)
			}
			publish(t, site, r.namespace, rel, key)
			if r.forge != nil {
				r.forge(t, filepath.Join(site, "v1", "providers", r.namespace, "vaultboot", installVersion))
			}
			w := newWorkdir(t, installConfig(srv.Host+"/"+r.namespace+"/vaultboot", v.ProviderBlock("release")), direct, srv.CAFile)
			out, err := w.run("init", "-input=false", "-no-color")
			if err == nil || !r.wantErr.MatchString(out) {
				t.Fatalf("terraform init: err = %v, want a refusal matching %s:\n%s", err, r.wantErr, out)
			}
			if _, err := os.Stat(filepath.Join(w.dir, ".terraform", "providers", srv.Host, r.namespace)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a refused package was installed anyway (stat: %v)", err)
			}
		})
	}

	t.Run("mirror installs air-gapped, checked by the lock file", func(t *testing.T) {
		mirror, forged := t.TempDir(), t.TempDir()
		good.must("providers", "mirror", "-platform="+platform, mirror)
		good.must("providers", "mirror", "-platform="+platform, forged)
		srv.Close() // from here on there is no registry
		lock, err := os.ReadFile(filepath.Join(good.dir, ".terraform.lock.hcl"))
		if err != nil {
			t.Fatal(err)
		}
		fromMirror := func(dir string) *workdir {
			cli := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [%q]\n  }\n}\n", dir, srv.Host+"/*/*")
			w := newWorkdir(t, installConfig(source, v.ProviderBlock("release")), cli, "")
			writeFile(t, filepath.Join(w.dir, ".terraform.lock.hcl"), string(lock))
			return w
		}

		w := fromMirror(mirror)
		out := w.must("init", "-input=false", "-no-color")
		t.Logf("terraform init from the mirror:\n%s", out)
		if want := fmt.Sprintf("- Installed %s v%s (unauthenticated)", source, installVersion); !strings.Contains(out, want) {
			t.Errorf("terraform init from the mirror: want %q:\n%s", want, out)
		}
		if out, err := w.run("validate", "-no-color"); err != nil {
			t.Errorf("terraform validate with the mirrored provider: %v\n%s", err, out)
		}

		// A mirror has no signature: the committed lock file is what stops a
		// replaced package.
		addPayload(t, filepath.Join(forged, srv.Host, "platform", "vaultboot", zipName))
		out, err = fromMirror(forged).run("init", "-input=false", "-no-color")
		if wantErr := testharness.ErrorRE("Failed to install provider", "checksums previously recorded in the dependency lock file"); err == nil || !wantErr.MatchString(out) {
			t.Errorf("terraform init from a forged mirror: err = %v, want a refusal matching %s:\n%s", err, wantErr, out)
		}
	})
}

// installConfig is a consumer's configuration: the provider pinned from the
// private registry, an environment stamp and one app.
func installConfig(source, providerBlock string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    vaultboot = {
      source  = %q
      version = %q
    }
  }
}

%s
resource "vaultboot_environment" "this" {}

resource "vaultboot_app_secret_path" "installed" {
  app        = "installed"
  depends_on = [vaultboot_environment.this]
}

output "read_policy" {
  value = vaultboot_app_secret_path.installed.read_policy
}
`, source, installConstraint, providerBlock)
}

func publish(t *testing.T, site, namespace string, rel release, key []byte) {
	t.Helper()
	err := registry.Publish(site, registry.Address{Namespace: namespace, Type: "vaultboot"},
		registry.Release{Dir: rel.dist, Version: rel.version, PublicKey: key})
	if err != nil {
		t.Fatal(err)
	}
}

// addDecoyVersion lists a newer major version with no packages behind it: a
// constraint resolved wrongly would try to download it and fail.
func addDecoyVersion(t *testing.T, site, namespace string) {
	t.Helper()
	file := filepath.Join(site, "v1", "providers", namespace, "vaultboot", "versions")
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	decoy := fmt.Sprintf(`{"version": %q, "protocols": ["6.0"], "platforms": [{"os": %q, "arch": %q}]}, `, decoyVersion, runtime.GOOS, runtime.GOARCH)
	writeFile(t, file, strings.Replace(string(raw), `"versions": [`, `"versions": [`+decoy, 1))
}

// signedHashes returns the zh: hash of every file the release's SHA256SUMS lists.
func signedHashes(t *testing.T, rel release) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(rel.dist, fmt.Sprintf("%s_%s_SHA256SUMS", registry.Project, rel.version)))
	if err != nil {
		t.Fatal(err)
	}
	var hashes []string
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		sum, _, _ := strings.Cut(line, "  ")
		hashes = append(hashes, "zh:"+sum)
	}
	return hashes
}

// gpgKeyID is the long ID of the release's signing key, as Terraform prints it.
func gpgKeyID(t *testing.T, rel release) string {
	t.Helper()
	return rel.fingerprint[len(rel.fingerprint)-16:]
}

// tamperZip adds a file to the published zip and rewrites the download
// document's shasum to match, as an attacker who controls the registry could.
func tamperZip(t *testing.T, dir, name string) {
	t.Helper()
	file := filepath.Join(dir, name)
	oldSum := sha256File(t, file)
	addPayload(t, file)
	replaceInTree(t, filepath.Join(dir, "download"), oldSum, sha256File(t, file))
}

// addPayload rewrites a provider zip with one more file in it.
func addPayload(t *testing.T, file string) {
	t.Helper()
	r, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range r.File {
		copyZipEntry(t, zw, f)
	}
	w, err := zw.Create("payload.sh")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, "#!/bin/sh\necho owned\n"); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, file, buf.String())
}

func copyZipEntry(t *testing.T, zw *zip.Writer, f *zip.File) {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rc.Close() }()
	hdr := f.FileHeader
	w, err := zw.CreateHeader(&hdr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, rc); err != nil {
		t.Fatal(err)
	}
}

// unlistZip drops the zip's line from the published SHA256SUMS and signs the
// result with the release's own key.
func unlistZip(t *testing.T, rel release, dir, name string) {
	t.Helper()
	sums := filepath.Join(dir, fmt.Sprintf("%s_%s_SHA256SUMS", registry.Project, rel.version))
	raw, err := os.ReadFile(sums)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.SplitAfter(string(raw), "\n") {
		if line != "" && !strings.HasSuffix(strings.TrimSpace(line), "  "+name) {
			kept = append(kept, line)
		}
	}
	writeFile(t, sums, strings.Join(kept, ""))
	if err := os.Remove(sums + ".sig"); err != nil {
		t.Fatal(err)
	}
	gpg(t, rel.gnupgHome, "--local-user", rel.fingerprint, "--output", sums+".sig", "--detach-sign", sums)
}

// replaceInTree replaces from with to in every file under dir.
func replaceInTree(t *testing.T, dir, from, to string) {
	t.Helper()
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(p, bytes.ReplaceAll(raw, []byte(from), []byte(to)), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func sha256File(t *testing.T, file string) string {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}
