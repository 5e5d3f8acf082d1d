package provider

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// testAccApp is the naming of app name in the acceptance environment: the
// tests compare Vault's objects with what naming renders, never with a copy
// of the expected text.
func testAccApp(t *testing.T, name string) naming.App {
	t.Helper()
	env := accEnv(t)
	app, err := env.App(name)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// vaultRead reads path with client; a nil secret means 404.
func vaultRead(c *api.Client, path string) (*api.Secret, error) {
	s, err := c.Logical().Read(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return s, nil
}

// checkPolicy asserts that Vault holds exactly want under name.
func checkPolicy(v *testharness.Vault, name, want string) error {
	s, err := vaultRead(v.Client, naming.PolicyPath(name))
	if err != nil {
		return err
	}
	if s == nil {
		return fmt.Errorf("policy %s is missing", name)
	}
	if got, _ := s.Data["policy"].(string); got != want {
		return fmt.Errorf("policy %s is\n%s\nwant\n%s", name, got, want)
	}
	return nil
}

// checkGone asserts that nothing is stored at each path.
func checkGone(v *testharness.Vault, paths ...string) error {
	for _, p := range paths {
		s, err := vaultRead(v.Client, p)
		if err != nil {
			return err
		}
		if s != nil {
			return fmt.Errorf("%s still exists: %v", p, s.Data)
		}
	}
	return nil
}

// checkAppPolicies asserts both policies hold exactly what naming renders.
func checkAppPolicies(v *testharness.Vault, app naming.App) error {
	if err := checkPolicy(v, app.ReadPolicyName(), app.ReadPolicy()); err != nil {
		return err
	}
	return checkPolicy(v, app.WritePolicyName(), app.WritePolicy())
}

// roleWant is the part of a Kubernetes role a test expects.
type roleWant struct {
	namespaces, serviceAccounts []string
	audience                    string
	ttl, maxTTL                 int64
	policies                    []string
}

// checkRole asserts the app's Kubernetes role as Vault returns it.
func checkRole(v *testharness.Vault, app naming.App, want roleWant) error {
	s, err := vaultRead(v.Client, app.KubernetesRolePath())
	if err != nil {
		return err
	}
	if s == nil {
		return fmt.Errorf("role %s is missing", app.KubernetesRolePath())
	}
	got := roleWant{
		namespaces:      sortedStrings(s.Data["bound_service_account_namespaces"]),
		serviceAccounts: sortedStrings(s.Data["bound_service_account_names"]),
		audience:        fmt.Sprint(valueOr(s.Data["audience"], "")),
		ttl:             vaultclient.AsInt(s.Data["token_ttl"]),
		maxTTL:          vaultclient.AsInt(s.Data["token_max_ttl"]),
		policies:        sortedStrings(s.Data["token_policies"]),
	}
	sort.Strings(want.namespaces)
	sort.Strings(want.serviceAccounts)
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("role %s is %+v, want %+v", app.KubernetesRolePath(), got, want)
	}
	return nil
}

// metadata reads the app's KV metadata; nil when absent.
func metadata(v *testharness.Vault, app naming.App) (*api.Secret, error) {
	return vaultRead(v.Client, app.MetadataPath())
}

// customMetadata returns a metadata answer's custom_metadata.
func customMetadata(s *api.Secret) map[string]string {
	out := map[string]string{}
	raw, _ := s.Data["custom_metadata"].(map[string]any)
	for k, v := range raw {
		out[k], _ = v.(string)
	}
	return out
}

// checkMetadata asserts the managed metadata fields and the exact
// custom_metadata (markers included).
func checkMetadata(v *testharness.Vault, app naming.App, maxVersions int64, casRequired bool, deleteAfter string, custom map[string]string) error {
	s, err := metadata(v, app)
	if err != nil {
		return err
	}
	if s == nil {
		return fmt.Errorf("metadata %s is missing", app.MetadataPath())
	}
	if got := vaultclient.AsInt(s.Data["max_versions"]); got != maxVersions {
		return fmt.Errorf("max_versions = %d, want %d", got, maxVersions)
	}
	if got, _ := s.Data["cas_required"].(bool); got != casRequired {
		return fmt.Errorf("cas_required = %t, want %t", got, casRequired)
	}
	if got := s.Data["delete_version_after"]; got != deleteAfter {
		return fmt.Errorf("delete_version_after = %v, want %s", got, deleteAfter)
	}
	if got := customMetadata(s); !reflect.DeepEqual(got, custom) {
		return fmt.Errorf("custom_metadata = %v, want %v", got, custom)
	}
	return nil
}

// withMarkers is custom plus the app's markers, as Vault should hold it.
func withMarkers(app naming.App, custom map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range custom {
		out[k] = v
	}
	for k, v := range app.Markers() {
		out[k] = v
	}
	return out
}

// sortedStrings reads a list from a Vault answer, sorted for comparison.
func sortedStrings(v any) []string {
	return slices.Sorted(slices.Values(vaultclient.AsStrings(v)))
}

func valueOr(v, def any) any {
	if v == nil {
		return def
	}
	return v
}
