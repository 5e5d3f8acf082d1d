package naming

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// DefaultJWTMount is the JWT auth mount the CI deploy roles live on.
const DefaultJWTMount = "jwt"

// ProviderPolicyOptions are what the provider policy needs beyond the
// conventions: the CA sources CA sync policies read and the extra auth
// mounts group bindings use.
type ProviderPolicyOptions struct {
	// JWTMount holds the deploy roles, whose paths the policy denies
	// ("" = DefaultJWTMount).
	JWTMount string
	// PKIMounts are CA sync sources read at <pki>/cert/ca_chain.
	PKIMounts []string
	// KVCAPaths are CA sync sources: logical paths in the conventions' KV
	// mount, refused inside the environment's app secrets like CheckSource.
	KVCAPaths []string
	// BindingAuthMounts are OIDC/JWT mounts bindings use besides the
	// conventions' OIDC mount. The deploy roles' JWT mount is refused.
	BindingAuthMounts []string
	// Accessors maps binding mounts (the conventions' OIDC mount and
	// BindingAuthMounts) to their mount accessors, read from Vault when the
	// policy is rendered. Group aliases are allowed on these accessors only;
	// a mount without one (not enabled yet) gets no alias grant.
	Accessors map[string]string
	// AllowPurge grants deleting an app's KV metadata, which erases every
	// version of its secret (purge_on_destroy). Without it the token can
	// never erase an app's history.
	AllowPurge bool
}

// ProviderPolicyName is the suggested name of the provider policy:
// "vaultboot_provider_E". The provider may write every policy named "E-*",
// so its own policy must lie outside every environment's "E-*": an
// environment name has no '_', so no environment's "E-*" glob can match a
// name that has a '_' before its first '-'. A name such as
// "E-vaultboot-provider" would let the token rewrite its own policy.
func (e Env) ProviderPolicyName() string { return "vaultboot_provider_" + e.name }

// ProviderPolicyOwner is the owner in the provider policy's header. No app,
// binding or CA sync policy can be named "_provider", so it never equals
// an object's owner.
func (e Env) ProviderPolicyOwner() string { return e.owner("_provider") }

// ProviderPolicy is the least-privilege ACL policy the provider's own token
// needs to manage the conventions in environment E: the paths the
// resources and data sources call, scoped to E's names wherever Vault paths
// allow, no read of app secret values, and explicit denies on the deploy
// roles' role and policy paths "E-deploy-*" (a deny wins over any other
// policy the token may hold). Its header names the provider's owner when
// it has one, so a deploy role's policy, which is this text, carries the
// ownership marks of the project that wrote it.
func (e Env) ProviderPolicy(o ProviderPolicyOptions) (string, error) {
	r, err := e.providerPolicyRules(o)
	if err != nil {
		return "", err
	}
	return e.renderPolicy(e.ProviderPolicyOwner(), r), nil
}

// ProviderPolicyRules are the provider policy's rules, for tests that
// take the policy apart one grant at a time.
func (e Env) ProviderPolicyRules(o ProviderPolicyOptions) ([]Rule, error) {
	return e.providerPolicyRules(o)
}

func (e Env) providerPolicyRules(o ProviderPolicyOptions) ([]Rule, error) {
	jwt, pkis, kvPaths, mounts, err := e.providerPolicyInputs(o)
	if err != nil {
		return nil, err
	}
	accessors, err := bindingAccessors(mounts, o.Accessors)
	if err != nil {
		return nil, err
	}
	r := e.stampRules()
	r = append(r, e.appRules(o.AllowPurge)...)
	r = append(r, e.caSyncRules(pkis, kvPaths)...)
	r = append(r, e.bindingRules(mounts, accessors)...)
	return append(r, e.deployDenyRules(jwt, mounts)...), nil
}

var accessorRE = regexp.MustCompile(`^auth_[A-Za-z0-9_-]{1,100}$`)

// bindingAccessors returns the sorted accessors of the binding mounts that
// have one, checking each looks like a Vault auth mount accessor.
func bindingAccessors(mounts []string, accessors map[string]string) ([]string, error) {
	var out []string
	for _, m := range mounts {
		a, ok := accessors[m]
		if !ok {
			continue
		}
		if !accessorRE.MatchString(a) {
			return nil, fmt.Errorf("%s is not a valid auth mount accessor for %q: Vault names them auth_<type>_<id>", Describe(a), m)
		}
		out = append(out, a)
	}
	return sortedSet(out), nil
}

// providerPolicyInputs validates the options and returns them sorted and
// without duplicates, so the same sets always render the same policy. The
// binding mounts include the conventions' OIDC mount.
func (e Env) providerPolicyInputs(o ProviderPolicyOptions) (jwt string, pkis, kvPaths, mounts []string, err error) {
	jwt = o.JWTMount
	if jwt == "" {
		jwt = DefaultJWTMount
	}
	if err = ValidateMount(jwt); err != nil {
		return "", nil, nil, nil, err
	}
	for _, m := range append(slices.Clone(o.PKIMounts), o.BindingAuthMounts...) {
		if err = ValidateMount(m); err != nil {
			return "", nil, nil, nil, err
		}
	}
	for _, p := range o.KVCAPaths {
		if err = ValidateLogicalPath(p); err != nil {
			return "", nil, nil, nil, err
		}
		if err = e.CheckCASource(CASource{KVPath: p}); err != nil {
			return "", nil, nil, nil, err
		}
	}
	mounts = append([]string{e.conv.OIDCAuthMount}, o.BindingAuthMounts...)
	if slices.Contains(mounts, jwt) {
		return "", nil, nil, nil, fmt.Errorf("the deploy roles' JWT mount %q cannot also be a group binding mount: a token that may write login roles and group aliases on the mount it logs in through could give its own logins more policies; bind CI groups through another JWT mount", jwt)
	}
	return jwt, sortedSet(o.PKIMounts), sortedSet(o.KVCAPaths), sortedSet(mounts), nil
}

func sortedSet(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

// Globs are appended after the path is built: Join escapes '*' inside a
// segment, which keeps user input from ever becoming a glob.

// envGlob is pathOf("E-") + "*": every object named for the environment.
func (e Env) envGlob(pathOf func(string) string) string { return pathOf(e.name+"-") + "*" }

// deployGlob is pathOf("E-deploy-") + "*": the deploy roles' objects.
func (e Env) deployGlob(pathOf func(string) string) string {
	return pathOf(e.name+"-deploy-") + "*"
}

// rolePaths returns AuthRolePath bound to a mount.
func rolePaths(mount string) func(string) string {
	return func(role string) string { return AuthRolePath(mount, role) }
}

// stampRules: every resource and data source reads the stamp (the guard); vaultboot_environment writes and deletes the
// stamp, and creates the stamp mount and the conventions' KV mount when
// they are absent (POST sys/mounts/<path>; tuning is sys/mounts/<path>/tune,
// not granted, and there is no delete).
func (e Env) stampRules() []Rule {
	r := []Rule{
		{Path: e.StampDataPath(), Capabilities: []string{"read", "update"},
			Comment: "environment stamp: every resource reads it - vaultboot_environment writes it after its markers"},
		{Path: e.StampMetadataPath(), Capabilities: []string{"create", "update", "delete"},
			Comment: "environment stamp markers: written first - deleted on destroy"},
	}
	for _, m := range []string{StampMount, e.conv.KVMount} {
		r = append(r, Rule{Path: SecretsMountPath(m), Capabilities: []string{"read", "update"},
			Comment: "vaultboot_environment: read the mount - enable it when absent - a KV mount and nothing else",
			Allowed: kvMountParams})
	}
	return r
}

// kvMountParams are what enabling a KV mount sends: no other engine type
// (a plugin, a PKI), no config, no seal wrap, no local mount.
var kvMountParams = []Param{{Name: "type", Values: []string{"kv"}}, {Name: "description"}, {Name: "options"}}

// appRules: an app's KV metadata (never its data), its two policies and
// its Kubernetes role. "+" is one path segment: the provider manages the
// metadata of "E/A" only, never of the app's sub-paths. Deleting metadata
// erases every version, so it is granted only with allowPurge. The policy
// and role globs also cover the CA sync policies and roles "E-ca-sync-N".
//
// Vault cannot limit which policies a Kubernetes role grants to the
// conventional "E-A-read" and "E-ca-sync-N": allowed_parameters compares a
// list exactly and globs only a string, where "E-a,admin" passes "E-*".
// The token writes the content of every "E-*" policy anyway, so a name
// limit would not limit power: that residual risk is documented.
func (e Env) appRules(allowPurge bool) []Rule {
	kv := e.conv.KVMount
	meta := []string{"create", "read", "update"}
	comment := "app secrets: metadata only - no read of secret values - no delete so no history is erased"
	if allowPurge {
		meta = append(meta, "delete")
		comment = "app secrets: metadata only - no read of secret values - delete erases history: allow_purge"
	}
	return []Rule{
		{Path: KVMetadataPath(kv, e.name) + "/+", Capabilities: meta, Comment: comment},
		{Path: e.envGlob(PolicyPath), Capabilities: []string{"read", "update", "delete"},
			Comment: "app read and write policies and CA sync policies"},
		{Path: e.envGlob(rolePaths(e.conv.KubernetesAuthMount)), Capabilities: []string{"create", "read", "update", "delete"},
			Comment: "app and CA syncer Kubernetes auth roles"},
	}
}

// caSyncRules: the CA sync documents and the CA sources' public material.
func (e Env) caSyncRules(pkis, kvPaths []string) []Rule {
	kv, doc := e.conv.KVMount, "_vaultboot/"+e.name+"/ca-sync"
	r := []Rule{
		{Path: KVDataPath(kv, doc) + "/+", Capabilities: []string{"read", "update"},
			Comment: "CA sync documents: written after their markers"},
		{Path: KVMetadataPath(kv, doc) + "/+", Capabilities: []string{"create", "read", "update", "delete"},
			Comment: "CA sync document markers: written first - deleted on destroy"},
	}
	for _, p := range pkis {
		r = append(r, Rule{Path: PKICAChainPath(p), Capabilities: []string{"read"},
			Comment: "CA sync source: a PKI mount CA chain"})
	}
	for _, p := range kvPaths {
		r = append(r, Rule{Path: KVDataPath(kv, p), Capabilities: []string{"read"},
			Comment: "CA sync source: a CA bundle in KV"})
	}
	return r
}

// bindingRules: the external groups "E-N", their aliases, and the login
// roles on each binding mount, each limited to what a binding writes:
//   - groups: type "external" (required: without it Vault makes an internal
//     group) with policies and metadata, never member_entity_ids or
//     member_group_ids, which would let the token join its own entity;
//   - aliases: only on the binding mounts' accessors, so no alias can ever
//     match a login on the deploy roles' JWT mount. Aliases are addressed
//     by Vault-generated ids and the alias lookup by IdP group id, so those
//     paths cannot be scoped to E;
//   - login roles: no token_policies of their own (only the empty list),
//     so a role the token writes grants nothing a binding does not.
//
// Reading sys/auth/<mount> (type and accessor) is a sudo path in Vault.
func (e Env) bindingRules(mounts, accessors []string) []Rule {
	r := []Rule{{
		Path: e.envGlob(IdentityGroupByNamePath), Capabilities: []string{"read", "update", "delete"},
		Comment:  "binding identity groups: external only - members come from the IdP alone",
		Allowed:  []Param{{Name: "type", Values: []string{"external"}}, {Name: "policies"}, {Name: "metadata"}},
		Required: []string{"type"},
	}}
	if len(accessors) > 0 {
		alias := []Param{{Name: "name"}, {Name: "mount_accessor", Values: accessors}, {Name: "canonical_id"}}
		r = append(r,
			Rule{Path: IdentityGroupAliasPath(), Capabilities: []string{"update"}, Allowed: alias,
				Comment: "binding group aliases: create on the binding mounts only - not scoped to E as Vault names aliases by id"},
			Rule{Path: IdentityGroupAliasIDPrefix() + "/*", Capabilities: []string{"update"}, Allowed: alias,
				Comment: "binding group aliases: update by id on the binding mounts only"},
			Rule{Path: IdentityLookupGroupPath(), Capabilities: []string{"update"},
				Allowed: []Param{{Name: "alias_name"}, {Name: "alias_mount_accessor", Values: accessors}},
				Comment: "binding group aliases: find the group holding an IdP group id - by alias on the binding mounts only"})
	}
	for _, m := range mounts {
		r = append(r,
			Rule{Path: AuthMountPath(m), Capabilities: []string{"read", "sudo"},
				Comment: "binding auth mount: read its type and accessor - sys/auth is a sudo path"},
			Rule{Path: e.envGlob(rolePaths(m)), Capabilities: []string{"create", "read", "update", "delete"},
				Comment: "binding login roles: never with token policies of their own",
				Allowed: []Param{{Name: "*"}, {Name: "token_policies", EmptyList: true}},
				Denied:  []Param{{Name: "policies"}}})
	}
	return r
}

// deployDenyRules deny the deploy roles' role and policy, and the same
// names wherever the policy grants "E-*", so the token (and a pipeline
// holding this policy) can never widen its own login. vaultboot never names
// an app, binding or CA sync object "E-deploy-*" (a reserved prefix).
func (e Env) deployDenyRules(jwt string, mounts []string) []Rule {
	deny := []string{"deny"}
	r := []Rule{
		{Path: e.deployGlob(PolicyPath), Capabilities: deny, Comment: "never the deploy roles policies"},
	}
	for i, p := range e.deployCaseVariants() {
		r = append(r, Rule{Path: PolicyPath(p) + "*", Capabilities: deny})
		if i == 0 {
			r[len(r)-1].Comment = "Vault lowercases policy names: E-DEPLOY-N would write E-deploy-N"
		}
	}
	r = append(r, []Rule{
		{Path: e.deployGlob(rolePaths(jwt)), Capabilities: deny, Comment: "never the deploy roles"},
		{Path: e.deployGlob(IdentityGroupByNamePath), Capabilities: deny},
		{Path: e.deployGlob(rolePaths(e.conv.KubernetesAuthMount)), Capabilities: deny},
	}...)
	for _, m := range mounts {
		if m != jwt && m != e.conv.KubernetesAuthMount {
			r = append(r, Rule{Path: e.deployGlob(rolePaths(m)), Capabilities: deny})
		}
	}
	return r
}

// deployCaseVariants are the prefixes "E-D", "E-dE", ... "E-deploY": Vault
// lowercases a policy name before storing it, but matches ACL paths case
// sensitively, so "sys/policies/acl/E-DePloy-N" passes the "E-*" grant,
// misses the "E-deploy-*" deny and overwrites the deploy policy. Every case
// variant of "deploy" starts with one of these prefixes at its first
// upper-case letter. vaultboot's own names are lowercase, so the denies
// never refuse one of them.
func (e Env) deployCaseVariants() []string {
	const word = "deploy"
	out := make([]string, len(word))
	for i := range word {
		out[i] = e.name + "-" + word[:i] + strings.ToUpper(word[i:i+1])
	}
	return out
}
