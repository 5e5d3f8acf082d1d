package naming

import (
	"fmt"
	"strings"
)

// CASync is a validated namespace CA sync policy name in an environment.
type CASync struct {
	env  Env
	name string
}

// CASync validates a CA sync policy name and binds it to the environment.
func (e Env) CASync(name string) (CASync, error) {
	if err := ValidateName(name); err != nil {
		return CASync{}, err
	}
	return CASync{env: e, name: name}, nil
}

// Name is the CA sync policy name N.
func (c CASync) Name() string { return c.name }

// Owner is "E/ca-sync/N".
func (c CASync) Owner() string { return c.env.owner("ca-sync/" + c.name) }

// Markers mark the document's KV metadata as ours.
func (c CASync) Markers() map[string]string { return c.env.markers("ca-sync/" + c.name) }

// PolicyName is "E-ca-sync-N"; the Kubernetes role has the same name.
func (c CASync) PolicyName() string { return c.env.name + "-ca-sync-" + c.name }

// RoleName is the syncer's Kubernetes auth role "E-ca-sync-N".
func (c CASync) RoleName() string { return c.PolicyName() }

// RolePath is "auth/kubernetes/role/E-ca-sync-N".
func (c CASync) RolePath() string {
	return AuthRolePath(c.env.conv.KubernetesAuthMount, c.RoleName())
}

// DocumentLogicalPath is "_vaultboot/E/ca-sync/N" in the KV mount.
func (c CASync) DocumentLogicalPath() string {
	return "_vaultboot/" + c.env.name + "/ca-sync/" + c.name
}

// DocumentDataPath is "secret/data/_vaultboot/E/ca-sync/N".
func (c CASync) DocumentDataPath() string {
	return KVDataPath(c.env.conv.KVMount, c.DocumentLogicalPath())
}

// DocumentMetadataPath is "secret/metadata/_vaultboot/E/ca-sync/N".
func (c CASync) DocumentMetadataPath() string {
	return KVMetadataPath(c.env.conv.KVMount, c.DocumentLogicalPath())
}

// CASource is where the CA bundle comes from: exactly one of a PKI mount, a
// KV v2 logical path in the conventions' KV mount, or inline PEM (no path).
type CASource struct {
	PKIMount string
	KVPath   string
}

// NewCASource validates a CA source; at most one of pkiMount and kvPath is
// set (both empty means inline PEM).
func NewCASource(pkiMount, kvPath string) (CASource, error) {
	if pkiMount != "" {
		if err := ValidateMount(pkiMount); err != nil {
			return CASource{}, err
		}
	}
	if kvPath != "" {
		if err := ValidateLogicalPath(kvPath); err != nil {
			return CASource{}, err
		}
	}
	if pkiMount != "" && kvPath != "" {
		return CASource{}, fmt.Errorf("a CA source is exactly one of a PKI mount, a KV path or PEM")
	}
	return CASource{PKIMount: pkiMount, KVPath: kvPath}, nil
}

// CheckSource refuses a KV source inside the environment's app secrets
// ("E/...") or vaultboot's own documents ("_vaultboot/..."): the syncer's
// policy grants read on the source, so such a path would hand a namespace
// syncer an app's secrets or another policy's document.
func (c CASync) CheckSource(src CASource) error { return c.env.CheckCASource(src) }

// CheckCASource is CheckSource for the environment, for callers that grant
// read on CA sources without a CA sync policy at hand (the provider policy).
func (e Env) CheckCASource(src CASource) error {
	if src.KVPath == "" {
		return nil
	}
	first, _, _ := strings.Cut(src.KVPath, "/")
	if first == e.name || first == "_vaultboot" {
		return fmt.Errorf("kv_path %s lies inside %q, which holds app secrets or vaultboot's own documents; keep the CA bundle under a path of its own, e.g. \"platform/vault-ca\"", Describe(src.KVPath), first+"/")
	}
	return nil
}

// SourcePath is the Vault API path the CA is read from, or "" for inline PEM.
func (c CASync) SourcePath(src CASource) string {
	switch {
	case src.PKIMount != "":
		return PKICAChainPath(src.PKIMount)
	case src.KVPath != "":
		return KVDataPath(c.env.conv.KVMount, src.KVPath)
	}
	return ""
}

// Policy lets the syncer read the CA source and its own document, nothing else.
func (c CASync) Policy(src CASource) string {
	var r []Rule
	if p := c.SourcePath(src); p != "" {
		r = append(r, Rule{Path: p, Capabilities: []string{"read"}})
	}
	r = append(r, Rule{Path: c.DocumentDataPath(), Capabilities: []string{"read"}})
	return c.env.renderPolicy(c.Owner(), r)
}
