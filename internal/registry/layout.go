// Package registry publishes a signed release of the provider as the static
// documents of Terraform's provider registry protocol, so any web server or
// object store (S3, GCS, Azure Blob, nginx) that serves files over HTTPS is a
// private provider registry:
//
//	.well-known/terraform.json                             {"providers.v1": "/v1/providers/"}
//	v1/providers/NS/TYPE/versions                          every published version and its platforms
//	v1/providers/NS/TYPE/VERSION/download/OS/ARCH          where the zip, SHA256SUMS and signature are
//	v1/providers/NS/TYPE/VERSION/terraform-provider-...    the release files themselves
//
// The download documents point at the release files with relative URLs,
// which Terraform resolves against the document's own URL, so the tree can
// be served from any host name.
package registry

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// Project is the release files' name prefix (HashiCorp's provider layout).
const Project = "terraform-provider-vaultboot"

// Release is one signed release in HashiCorp's layout, as scripts/release.sh
// leaves it in dist/.
type Release struct {
	Dir       string // holds the zips, _SHA256SUMS, _SHA256SUMS.sig and _manifest.json
	Version   string // e.g. 1.2.3, without the tag's v
	PublicKey []byte // the ASCII-armored public key that made the .sig
}

// Address is where the provider is published: source = "HOST/NAMESPACE/TYPE".
type Address struct {
	Namespace string
	Type      string
}

// namePart is what the protocol allows in a namespace or type (and what
// keeps them from escaping the tree).
var namePart = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// versionRE is a release version: semver, optionally with a pre-release.
var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)

// Platform is one os/arch a release is built for.
type Platform struct {
	OS   string `json:"os"`
	Arch string `json:"arch"`
}

type versionDoc struct {
	Version   string     `json:"version"`
	Protocols []string   `json:"protocols"`
	Platforms []Platform `json:"platforms"`
}

type versionsDoc struct {
	Versions []versionDoc `json:"versions"`
}

type gpgKey struct {
	KeyID      string `json:"key_id"`
	ASCIIArmor string `json:"ascii_armor"`
}

type downloadDoc struct {
	Protocols           []string `json:"protocols"`
	OS                  string   `json:"os"`
	Arch                string   `json:"arch"`
	Filename            string   `json:"filename"`
	DownloadURL         string   `json:"download_url"`
	SHASumsURL          string   `json:"shasums_url"`
	SHASumsSignatureURL string   `json:"shasums_signature_url"`
	SHASum              string   `json:"shasum"`
	SigningKeys         struct {
		GPGPublicKeys []gpgKey `json:"gpg_public_keys"`
	} `json:"signing_keys"`
}

// Publish adds rel to the registry tree at root under addr: it copies the
// release files, writes a download document per platform, and adds the
// version to the versions document (replacing an earlier upload of the same
// version, keeping the others). Every zip of the release must be listed in
// its SHA256SUMS with the hash it has.
func Publish(root string, addr Address, rel Release) error {
	if !namePart.MatchString(addr.Namespace) || !namePart.MatchString(addr.Type) {
		return fmt.Errorf("provider address %s/%s: namespace and type must be lower-case letters, digits and dashes", addr.Namespace, addr.Type)
	}
	if !versionRE.MatchString(rel.Version) {
		return fmt.Errorf("version %q is not a semantic version such as 1.2.3", rel.Version)
	}
	key, err := signingKey(rel.PublicKey)
	if err != nil {
		return err
	}
	protocols, err := readProtocols(filepath.Join(rel.Dir, releaseFile(rel.Version, "manifest.json")))
	if err != nil {
		return err
	}
	sums := releaseFile(rel.Version, "SHA256SUMS")
	zips, err := listedZips(rel.Dir, rel.Version, sums)
	if err != nil {
		return err
	}
	providerDir := filepath.Join(root, "v1", "providers", addr.Namespace, addr.Type)
	versionDir := filepath.Join(providerDir, rel.Version)
	files := []string{sums, sums + ".sig", releaseFile(rel.Version, "manifest.json")}
	for _, z := range zips {
		files = append(files, z.filename)
	}
	for _, f := range files {
		if err := copyFile(filepath.Join(rel.Dir, f), filepath.Join(versionDir, f)); err != nil {
			return err
		}
	}
	platforms := make([]Platform, 0, len(zips))
	for _, z := range zips {
		doc := downloadDoc{
			Protocols: protocols, OS: z.OS, Arch: z.Arch, Filename: z.filename, SHASum: z.sha256,
			// Relative to .../VERSION/download/OS/ARCH.
			DownloadURL:         "../../" + z.filename,
			SHASumsURL:          "../../" + sums,
			SHASumsSignatureURL: "../../" + sums + ".sig",
		}
		doc.SigningKeys.GPGPublicKeys = []gpgKey{key}
		if err := writeJSON(filepath.Join(versionDir, "download", z.OS, z.Arch), doc); err != nil {
			return err
		}
		platforms = append(platforms, z.Platform)
	}
	if err := addVersion(filepath.Join(providerDir, "versions"), versionDoc{Version: rel.Version, Protocols: protocols, Platforms: platforms}); err != nil {
		return err
	}
	return writeDiscovery(filepath.Join(root, ".well-known", "terraform.json"))
}

// releaseFile names one of a release's files: terraform-provider-vaultboot_1.2.3_SHA256SUMS.
func releaseFile(version, suffix string) string {
	return Project + "_" + version + "_" + suffix
}

// signingKey reads the armored public key and names it by its long key ID,
// which Terraform prints when it installs a package the key signed.
func signingKey(armored []byte) (gpgKey, error) {
	ring, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(armored))
	if err != nil {
		return gpgKey{}, fmt.Errorf("signing key: not an ASCII-armored OpenPGP public key: %w", err)
	}
	if len(ring) != 1 {
		return gpgKey{}, fmt.Errorf("signing key: want exactly one key, the one that signs the SHA256SUMS, got %d", len(ring))
	}
	return gpgKey{KeyID: ring[0].PrimaryKey.KeyIdString(), ASCIIArmor: string(armored)}, nil
}

// readProtocols returns the plugin protocol versions terraform-registry-manifest.json declares.
func readProtocols(file string) ([]string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("registry manifest: %w", err)
	}
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("registry manifest %s: %w", file, err)
	}
	if m.Version != 1 || len(m.Metadata.ProtocolVersions) == 0 {
		return nil, fmt.Errorf("registry manifest %s: want version 1 with metadata.protocol_versions", file)
	}
	return m.Metadata.ProtocolVersions, nil
}

type zipFile struct {
	Platform
	filename string
	sha256   string
}

// listedZips reads the SHA256SUMS and returns the release's zips, checking
// that every zip in dir is listed and that the SUMS is not empty of them.
// The hashes themselves are checked by scripts/release.sh and, decisively,
// by Terraform.
func listedZips(dir, version, sums string) ([]zipFile, error) {
	f, err := os.Open(filepath.Join(dir, sums))
	if err != nil {
		return nil, fmt.Errorf("checksums: %w", err)
	}
	defer func() { _ = f.Close() }()
	prefix := Project + "_" + version + "_"
	listed := map[string]zipFile{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		sum, name, ok := strings.Cut(scanner.Text(), "  ")
		if !ok || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".zip") {
			continue
		}
		osArch := strings.TrimSuffix(strings.TrimPrefix(name, prefix), ".zip")
		goos, arch, ok := strings.Cut(osArch, "_")
		if !ok || !namePart.MatchString(goos) || !namePart.MatchString(arch) {
			return nil, fmt.Errorf("checksums %s: %q is not named %sOS_ARCH.zip", sums, name, prefix)
		}
		listed[name] = zipFile{Platform: Platform{OS: goos, Arch: arch}, filename: name, sha256: sum}
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("checksums %s: %w", sums, err)
	}
	onDisk, err := filepath.Glob(filepath.Join(dir, prefix+"*.zip"))
	if err != nil {
		return nil, err
	}
	for _, p := range onDisk {
		if _, ok := listed[filepath.Base(p)]; !ok {
			return nil, fmt.Errorf("checksums %s does not list %s: rebuild the release", sums, filepath.Base(p))
		}
	}
	if len(listed) == 0 {
		return nil, fmt.Errorf("checksums %s lists no %s*.zip", sums, prefix)
	}
	zips := make([]zipFile, 0, len(listed))
	for _, z := range listed {
		zips = append(zips, z)
	}
	sort.Slice(zips, func(i, j int) bool { return zips[i].filename < zips[j].filename })
	return zips, nil
}

// addVersion writes the versions document with v in it, replacing an entry
// of the same version.
func addVersion(file string, v versionDoc) error {
	var doc versionsDoc
	raw, err := os.ReadFile(file)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return err
	default:
		if err := json.Unmarshal(raw, &doc); err != nil {
			return fmt.Errorf("existing versions document %s: %w", file, err)
		}
	}
	kept := doc.Versions[:0]
	for _, old := range doc.Versions {
		if old.Version != v.Version {
			kept = append(kept, old)
		}
	}
	doc.Versions = append(kept, v)
	return writeJSON(file, doc)
}

// writeDiscovery writes the service discovery document, keeping any other
// service (such as modules.v1) an existing one announces.
func writeDiscovery(file string) error {
	doc := map[string]any{}
	if raw, err := os.ReadFile(file); err == nil {
		if err := json.Unmarshal(raw, &doc); err != nil {
			return fmt.Errorf("existing discovery document %s: %w", file, err)
		}
	}
	doc["providers.v1"] = "/v1/providers/"
	return writeJSON(file, doc)
}

func writeJSON(file string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, append(raw, '\n'), 0o644)
}

func copyFile(from, to string) (err error) {
	in, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("release file: %w", err)
	}
	defer func() { _ = in.Close() }()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = io.Copy(out, in)
	return err
}
