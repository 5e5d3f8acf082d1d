// Package naming owns every vaultboot naming rule, Vault path and policy
// document (the naming contract). It is pure: no I/O, no Vault, no Terraform. Resources
// and the Vault client call it and never format a Vault path themselves, so
// the naming contract lives in exactly one place and can be fuzzed alone.
package naming

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Markers written on every object vaultboot creates where Vault allows it
// (KV custom_metadata, identity group metadata), so that create can tell our
// objects from foreign ones.
const (
	MarkerKey   = "managed-by"
	MarkerValue = "vaultboot"
	// OwnerKey holds the owner "E/A" (or "E/N") of the object.
	OwnerKey = "vaultboot-owner"
	// RemovedKey is set on an app's KV metadata when its conventions were
	// destroyed but its secret versions were kept.
	RemovedKey = "vaultboot-conventions-removed"
	// DescriptionKey holds an app's description: KV metadata is the only
	// object of an app that has room for one.
	DescriptionKey = "vaultboot-description"
)

// ReservedMetadataKeys are the custom_metadata keys vaultboot writes itself;
// users may not set them.
var ReservedMetadataKeys = []string{MarkerKey, OwnerKey, ProjectKey, RemovedKey, DescriptionKey}

// IsReservedMetadataKey reports whether key is one of ReservedMetadataKeys.
func IsReservedMetadataKey(key string) bool {
	for _, k := range ReservedMetadataKeys {
		if k == key {
			return true
		}
	}
	return false
}

// ReservedPrefixes may not start an app or binding name: objects named
// "E-deploy-*" and "E-ca-sync-*" belong to the deploy role and the CA sync
// policy.
var ReservedPrefixes = []string{"deploy-", "ca-sync-"}

var (
	nameRE  = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$`)
	envRE   = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,22}[a-z0-9])?$`)
	mountRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)
)

// NameRule and EnvironmentRule describe the allowed syntax in error messages.
const (
	NameRule        = "a lowercase DNS label of 1 to 40 characters: a-z, 0-9 and '-', starting with a letter and not ending with '-'"
	EnvironmentRule = "a lowercase DNS label of 1 to 24 characters: a-z, 0-9 and '-', starting with a letter and not ending with '-'"
	MountRule       = "one or more '/'-separated segments of A-Z, a-z, 0-9, '_', '.' and '-', each starting with a letter or digit, without '..'"
)

// ValidateName checks an app, binding, CA sync policy or deploy role name.
func ValidateName(name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("%s is not a valid name: use %s", Describe(name), NameRule)
	}
	for _, p := range ReservedPrefixes {
		if strings.HasPrefix(name, p) {
			return fmt.Errorf("%s starts with the reserved prefix %q: names starting with %s belong to the deploy role and the CA sync policy", Describe(name), p, strings.Join(quoteAll(ReservedPrefixes), " or "))
		}
	}
	return nil
}

// reservedAppNames may not name an app: its policies "E-A-read" and
// "E-A-write" would be the policies of another resource type's objects
// named "read" and "write".
var reservedAppNames = map[string]string{
	"deploy":  `the deploy roles (vaultboot_ci_deploy_role) named "read" and "write", whose policies are "<environment>-deploy-read" and "<environment>-deploy-write"`,
	"ca-sync": `the CA sync policies (vaultboot_namespace_ca_sync_policy) named "read" and "write", whose policies and Kubernetes roles are "<environment>-ca-sync-read" and "<environment>-ca-sync-write"`,
}

// ValidateAppName checks an app name: a name (ValidateName) that no other
// resource type's objects can share. App "deploy" would get the policies
// "E-deploy-read" and "E-deploy-write", which are deploy roles' policies.
func ValidateAppName(name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if other, ok := reservedAppNames[name]; ok {
		return fmt.Errorf("%s is a reserved app name: the app's policies \"<environment>-%s-read\" and \"<environment>-%s-write\" would collide with %s; choose another app name", Describe(name), name, name, other)
	}
	return nil
}

// ValidateEnvironment checks the provider's environment name.
func ValidateEnvironment(env string) error {
	if !envRE.MatchString(env) {
		return fmt.Errorf("%s is not a valid environment: use %s", Describe(env), EnvironmentRule)
	}
	return nil
}

// ValidateMount checks a mount path (KV, auth or PKI), which may be nested.
func ValidateMount(mount string) error {
	segs := strings.Split(mount, "/")
	for _, s := range segs {
		if !mountRE.MatchString(s) || s == "." || strings.Contains(s, "..") {
			return fmt.Errorf("%s is not a valid mount path: use %s", Describe(mount), MountRule)
		}
	}
	return nil
}

// ValidateLogicalPath checks a KV v2 logical path given by the user (for
// example a CA sync source): '/'-separated segments of the mount alphabet.
func ValidateLogicalPath(p string) error {
	if err := ValidateMount(p); err != nil {
		return fmt.Errorf("%s is not a valid KV path: use %s", Describe(p), MountRule)
	}
	return nil
}

// Describe renders a user input for an error message: quoted, with control
// and non-ASCII characters escaped (a Cyrillic "\u0430" must not pass for
// an "a"), and shortened so a huge input cannot flood a diagnostic.
func Describe(s string) string {
	if s == "" {
		return "an empty value"
	}
	const maxLen = 64
	if len(s) > maxLen {
		cut := maxLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return fmt.Sprintf("%+q (the first %d of %d bytes)", s[:cut], cut, len(s))
	}
	return fmt.Sprintf("%+q", s)
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%+q", s)
	}
	return out
}

// segmentRE is the alphabet of every Vault path segment vaultboot builds:
// the union of the naming rules (names, environments, mounts, KV paths,
// policy names, "_vaultboot", identity ids). It has no glob ('*', '+'), no
// separator and no space, so a segment is always exactly one literal segment.
var segmentRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)

// InvalidPathError is Join's refusal: a part would leave its own segment or
// become a policy glob.
type InvalidPathError struct{ Parts []string }

func (e *InvalidPathError) Error() string {
	return fmt.Sprintf("refusing to build a Vault path from %s: every segment must be 1 or more of A-Z, a-z, 0-9, '_', '.' and '-', not start with '.' or '-', and contain no '..' (this is a bug in vaultboot's input validation; please report it)", strings.Join(quoteAll(e.Parts), ", "))
}

// Join builds a Vault API path, or a path inside a policy document, from
// parts that may themselves hold '/'-separated segments. It is the one path
// builder, and it does not trust its callers' validation: an empty segment,
// '.', '..', a glob character ('*', '+') or any character outside the naming
// rules panics with an *InvalidPathError instead of producing a path that
// reaches another object or widens a policy. Every input reaching it is
// validated at plan time, so a panic means a validator is missing.
func Join(parts ...string) string {
	p, err := CheckedJoin(parts...)
	if err != nil {
		panic(err)
	}
	return p
}

// CheckedJoin is Join returning the refusal as an error.
func CheckedJoin(parts ...string) (string, error) {
	var segs []string
	for _, p := range parts {
		for _, s := range strings.Split(p, "/") {
			if !segmentRE.MatchString(s) || strings.Contains(s, "..") {
				return "", &InvalidPathError{Parts: parts}
			}
			segs = append(segs, s)
		}
	}
	if len(segs) == 0 {
		return "", &InvalidPathError{Parts: parts}
	}
	return strings.Join(segs, "/"), nil
}

// Conventions are the mount names of the provider's conventions block.
type Conventions struct {
	KVMount             string
	KubernetesAuthMount string
	OIDCAuthMount       string
}

// DefaultConventions are the mounts used when the provider block does not
// name them.
func DefaultConventions() Conventions {
	return Conventions{KVMount: "secret", KubernetesAuthMount: "kubernetes", OIDCAuthMount: "oidc"}
}

// Env is a validated environment with its conventions: the root every other
// name hangs from.
type Env struct {
	name string
	conv Conventions
	// project is the provider's owner (see WithOwner).
	project string
}

// NewEnv validates the environment name and the conventions' mounts.
func NewEnv(environment string, conv Conventions) (Env, error) {
	if err := ValidateEnvironment(environment); err != nil {
		return Env{}, err
	}
	for _, m := range []string{conv.KVMount, conv.KubernetesAuthMount, conv.OIDCAuthMount} {
		if err := ValidateMount(m); err != nil {
			return Env{}, err
		}
	}
	return Env{name: environment, conv: conv}, nil
}

// Name is the environment name E.
func (e Env) Name() string { return e.name }

// Conventions returns the mounts in use.
func (e Env) Conventions() Conventions { return e.conv }

// KVMount is the conventions' KV v2 mount.
func (e Env) KVMount() string { return e.conv.KVMount }

// StampMount is the KV v2 mount that holds the environment stamp. It is
// fixed, and no provider setting names it: were it the conventions' KV
// mount, pointing conventions.kv_mount elsewhere would move the guard out
// of the way. One mount per Vault (per namespace) means one stamp per Vault.
const StampMount = "vaultboot"

// StampLogicalPath is the environment stamp's logical path in StampMount.
func (e Env) StampLogicalPath() string { return "environment" }

// StampDataPath is the environment stamp's KV v2 data API path:
// "vaultboot/data/environment".
func (e Env) StampDataPath() string { return KVDataPath(StampMount, e.StampLogicalPath()) }

// StampMetadataPath is the environment stamp's KV v2 metadata API path.
func (e Env) StampMetadataPath() string {
	return KVMetadataPath(StampMount, e.StampLogicalPath())
}

// KVDataPath is the KV v2 data API path of a logical path in a mount.
func KVDataPath(mount, logical string) string { return Join(mount, "data", logical) }

// KVMetadataPath is the KV v2 metadata API path of a logical path in a mount.
func KVMetadataPath(mount, logical string) string { return Join(mount, "metadata", logical) }

// KVDeletePath is the KV v2 soft-delete API path.
func KVDeletePath(mount, logical string) string { return Join(mount, "delete", logical) }

// KVUndeletePath is the KV v2 undelete API path.
func KVUndeletePath(mount, logical string) string { return Join(mount, "undelete", logical) }

// KVDestroyPath is the KV v2 destroy API path (owners never get it).
func KVDestroyPath(mount, logical string) string { return Join(mount, "destroy", logical) }

// PolicyPath is the ACL policy API path of a policy name.
func PolicyPath(name string) string { return Join("sys/policies/acl", name) }

// AuthPath is an auth mount's own API path, "auth/<mount>" (what Vault
// Agent's auto_auth calls mount_path).
func AuthPath(mount string) string { return Join("auth", mount) }

// AuthRolePath is the role API path on an auth mount.
func AuthRolePath(mount, role string) string { return Join(AuthPath(mount), "role", role) }

// AuthRoleListPath lists the roles of an auth mount.
func AuthRoleListPath(mount string) string { return Join(AuthPath(mount), "role") }

// PolicyListPath lists the ACL policies.
func PolicyListPath() string { return "sys/policies/acl" }

// AuthLoginPath is where an auth mount takes logins.
func AuthLoginPath(mount string) string { return Join(AuthPath(mount), "login") }

// AuthConfigPath is an auth mount's configuration.
func AuthConfigPath(mount string) string { return Join(AuthPath(mount), "config") }

// AuthMountVisibilityPath is the sys/internal/ui/mounts path of an auth
// mount: it answers any token with access to a path under the mount,
// without the sudo that AuthMountPath needs.
func AuthMountVisibilityPath(mount string) string {
	return Join("sys/internal/ui/mounts", AuthPath(mount))
}

// SealStatusPath is the unauthenticated seal status, which also names the
// server's version.
const SealStatusPath = "sys/seal-status"

// AuthMountPath is the sys/auth path of an auth mount.
func AuthMountPath(mount string) string { return Join("sys/auth", mount) }

// SecretsMountPath is the sys/mounts path of a secrets engine mount.
func SecretsMountPath(mount string) string { return Join("sys/mounts", mount) }

// IdentityGroupByNamePath reads, writes or deletes an identity group by name.
func IdentityGroupByNamePath(name string) string { return Join("identity/group/name", name) }

// IdentityGroupAliasPath creates group aliases.
func IdentityGroupAliasPath() string { return "identity/group-alias" }

// IdentityGroupAliasIDPrefix is where group aliases live by id; a policy
// glob over every alias appends "/*" to it.
func IdentityGroupAliasIDPrefix() string { return "identity/group-alias/id" }

// IdentityGroupAliasByIDPath reads, updates or deletes a group alias.
func IdentityGroupAliasByIDPath(id string) string { return Join(IdentityGroupAliasIDPrefix(), id) }

// PKICAChainPath is where a PKI mount publishes its CA chain.
func PKICAChainPath(mount string) string { return Join(mount, "cert/ca_chain") }

// Owner is the value of OwnerKey and of the policy header for an object.
func (e Env) owner(name string) string { return e.name + "/" + name }

// Markers returns the marker metadata for an object owned by "E/name".
func (e Env) markers(name string) map[string]string {
	return e.marks(e.owner(name))
}

// marks are the markers of an object with identity id, with the
// provider's owner when it has one.
func (e Env) marks(id string) map[string]string {
	m := map[string]string{MarkerKey: MarkerValue, OwnerKey: id}
	if e.project != "" {
		m[ProjectKey] = e.project
	}
	return m
}

// IsMarked reports whether metadata carries vaultboot's markers for owner.
func IsMarked(meta map[string]string, owner string) bool {
	return meta[MarkerKey] == MarkerValue && meta[OwnerKey] == owner
}
