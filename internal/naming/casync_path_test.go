package naming

import "testing"

func TestParseCASyncDocumentPath(t *testing.T) {
	cs, err := ParseCASyncDocumentPath("kv/data/_vaultboot/prod/ca-sync/internal-ca", "prod-ca-sync-internal-ca")
	if err != nil {
		t.Fatal(err)
	}
	if cs.Name() != "internal-ca" || cs.DocumentDataPath() != "kv/data/_vaultboot/prod/ca-sync/internal-ca" {
		t.Fatalf("parsed %s at %s", cs.Name(), cs.DocumentDataPath())
	}
	for path, role := range map[string]string{
		"secret/data/_vaultboot/prod/ca-sync/internal-ca":     "prod-ca-sync-other",
		"secret/data/_vaultboot/prod/ca-sync/Internal":        "prod-ca-sync-Internal",
		"secret/data/_vaultboot/prod/ca-sync/..":              "prod-ca-sync-..",
		"secret/metadata/_vaultboot/prod/ca-sync/internal-ca": "prod-ca-sync-internal-ca",
		"secret/data/_vaultboot/prod/ca-sync/a/b":             "prod-ca-sync-a",
		"secret/data/prod/payments":                           "prod-ca-sync-payments",
	} {
		if _, err := ParseCASyncDocumentPath(path, role); err == nil {
			t.Errorf("%s with role %s: accepted", path, role)
		}
	}
}
