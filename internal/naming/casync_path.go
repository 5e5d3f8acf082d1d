package naming

import (
	"fmt"
	"strings"
)

// ParseCASyncDocumentPath checks a syncer's configuration: path must be a CA
// sync document's API path "<kv mount>/data/_vaultboot/E/ca-sync/N" and role
// the Kubernetes auth role "E-ca-sync-N" of the same policy. It returns the
// policy, so a syncer pointed at one policy's document with another's role
// is refused before it logs in.
func ParseCASyncDocumentPath(path, role string) (CASync, error) {
	parts := strings.Split(path, "/")
	if len(parts) != 6 || parts[1] != "data" || parts[2] != "_vaultboot" || parts[4] != "ca-sync" {
		return CASync{}, fmt.Errorf("%s is not a CA sync document path: use <kv mount>/data/_vaultboot/E/ca-sync/N, the policy's document_path", Describe(path))
	}
	if err := ValidateMount(parts[0]); err != nil {
		return CASync{}, err
	}
	conv := DefaultConventions()
	conv.KVMount = parts[0]
	env, err := NewEnv(parts[3], conv)
	if err != nil {
		return CASync{}, err
	}
	cs, err := env.CASync(parts[5])
	if err != nil {
		return CASync{}, err
	}
	if role != cs.RoleName() {
		return CASync{}, fmt.Errorf("the role %s does not belong to the document %s: its role is %q", Describe(role), Describe(path), cs.RoleName())
	}
	return cs, nil
}
