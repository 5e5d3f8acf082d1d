// Command registry-publish adds a signed release from dist/ to a static
// Terraform provider registry tree (see internal/registry), to be synced to
// any HTTPS file host:
//
//	go run ./cmd/registry-publish -dist dist -root site -namespace platform
//	aws s3 sync site/ s3://terraform-registry.example.com/
//
// Sync an existing tree down first: the versions document keeps the
// versions already published.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/registry"
)

func main() {
	dist := flag.String("dist", "dist", "directory holding the release (scripts/release.sh's output)")
	root := flag.String("root", "registry", "the registry tree to add the release to")
	namespace := flag.String("namespace", "", "provider namespace: source = \"HOST/NAMESPACE/vaultboot\"")
	providerType := flag.String("type", "vaultboot", "provider type")
	version := flag.String("version", "", "release version (default: the version in DIST/metadata.json)")
	key := flag.String("key", "", "ASCII-armored public signing key (default: DIST/signing-key.asc)")
	flag.Parse()
	if err := run(*dist, *root, registry.Address{Namespace: *namespace, Type: *providerType}, *version, *key); err != nil {
		fmt.Fprintf(os.Stderr, "registry-publish: %v\n", err)
		os.Exit(1)
	}
}

func run(dist, root string, addr registry.Address, version, key string) error {
	if version == "" {
		v, err := goreleaserVersion(filepath.Join(dist, "metadata.json"))
		if err != nil {
			return err
		}
		version = v
	}
	if key == "" {
		key = filepath.Join(dist, "signing-key.asc")
	}
	armored, err := os.ReadFile(key)
	if err != nil {
		return fmt.Errorf("signing key: %w", err)
	}
	if err := registry.Publish(root, addr, registry.Release{Dir: dist, Version: version, PublicKey: armored}); err != nil {
		return err
	}
	fmt.Printf("published %s/%s %s into %s\n", addr.Namespace, addr.Type, version, root)
	return nil
}

// goreleaserVersion reads the release's version from goreleaser's metadata.json.
func goreleaserVersion(file string) (string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("release version: %w (or pass -version)", err)
	}
	var m struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(raw, &m); err != nil || m.Version == "" {
		return "", fmt.Errorf("release version: no version in %s (or pass -version)", file)
	}
	return m.Version, nil
}
