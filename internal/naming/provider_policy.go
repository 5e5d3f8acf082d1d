package naming

import "slices"

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
	// conventions' OIDC mount.
	BindingAuthMounts []string
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
// needs to manage the conventions in environment E (SPEC §4): the paths the
// resources and data sources call, scoped to E's names wherever Vault paths
// allow, no read of app secret values, and explicit denies on the deploy
// roles' role and policy paths "E-deploy-*" (a deny wins over any other
// policy the token may hold).
func (e Env) ProviderPolicy(o ProviderPolicyOptions) (string, error) {
	r, err := e.providerPolicyRules(o)
	if err != nil {
		return "", err
	}
	return RenderPolicy(e.ProviderPolicyOwner(), r), nil
}

func (e Env) providerPolicyRules(o ProviderPolicyOptions) ([]Rule, error) {
	jwt, pkis, kvPaths, mounts, err := e.providerPolicyInputs(o)
	if err != nil {
		return nil, err
	}
	r := e.stampRules()
	r = append(r, e.appRules()...)
	r = append(r, e.caSyncRules(pkis, kvPaths)...)
	r = append(r, e.bindingRules(mounts)...)
	return append(r, e.deployDenyRules(jwt, mounts)...), nil
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

// stampRules: every resource and data source reads the stamp and the v1
// stamp locations (the guard); vaultboot_environment writes and deletes the
// stamp, and creates the stamp mount and the conventions' KV mount when
// they are absent (POST sys/mounts/<path>; tuning is sys/mounts/<path>/tune,
// not granted, and there is no delete).
func (e Env) stampRules() []Rule {
	r := []Rule{
		{Path: e.StampDataPath(), Capabilities: []string{"create", "read", "update"},
			Comment: "environment stamp: every resource reads it - vaultboot_environment writes it"},
		{Path: e.StampMetadataPath(), Capabilities: []string{"create", "read", "update", "delete"},
			Comment: "environment stamp markers - deleted on destroy"},
	}
	for _, p := range e.LegacyStampDataPaths() {
		r = append(r, Rule{Path: p, Capabilities: []string{"read"},
			Comment: "v1 environment stamp: the guard reads it so no stamp contradicts another"})
	}
	for _, m := range []string{StampMount, e.conv.KVMount} {
		r = append(r, Rule{Path: SecretsMountPath(m), Capabilities: []string{"read", "update"},
			Comment: "vaultboot_environment: read the mount - enable it when absent"})
	}
	return r
}

// appRules: an app's KV metadata (never its data), its two policies and
// its Kubernetes role. "+" is one path segment: the provider manages the
// metadata of "E/A" only, never of the app's sub-paths. The policy and role
// globs also cover the CA sync policies and roles "E-ca-sync-N".
func (e Env) appRules() []Rule {
	kv := e.conv.KVMount
	return []Rule{
		{Path: KVMetadataPath(kv, e.name) + "/+", Capabilities: []string{"create", "read", "update", "delete"},
			Comment: "app secrets: metadata only - no read of secret values"},
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
		{Path: KVDataPath(kv, doc) + "/+", Capabilities: []string{"create", "read", "update"},
			Comment: "CA sync documents"},
		{Path: KVMetadataPath(kv, doc) + "/+", Capabilities: []string{"create", "read", "update", "delete"},
			Comment: "CA sync document markers - deleted on destroy"},
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
// roles on each binding mount. Aliases are addressed by Vault-generated ids
// and the alias lookup by IdP group id, so those three paths cannot be
// scoped to E. Reading sys/auth/<mount> (type and accessor) is a sudo path
// in Vault.
func (e Env) bindingRules(mounts []string) []Rule {
	r := []Rule{
		{Path: e.envGlob(IdentityGroupByNamePath), Capabilities: []string{"read", "update", "delete"},
			Comment: "binding identity groups"},
		{Path: IdentityGroupAliasPath(), Capabilities: []string{"update"},
			Comment: "binding group aliases: create - not scoped to E as Vault names aliases by id"},
		{Path: "identity/group-alias/id/*", Capabilities: []string{"update"},
			Comment: "binding group aliases: update by id - not scoped to E"},
		{Path: IdentityLookupGroupPath(), Capabilities: []string{"update"},
			Comment: "binding group aliases: find the group holding an IdP group id - not scoped to E"},
	}
	for _, m := range mounts {
		r = append(r,
			Rule{Path: AuthMountPath(m), Capabilities: []string{"read", "sudo"},
				Comment: "binding auth mount: read its type and accessor - sys/auth is a sudo path"},
			Rule{Path: e.envGlob(rolePaths(m)), Capabilities: []string{"create", "read", "update", "delete"},
				Comment: "binding login roles"})
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
		{Path: e.deployGlob(rolePaths(jwt)), Capabilities: deny, Comment: "never the deploy roles"},
		{Path: e.deployGlob(IdentityGroupByNamePath), Capabilities: deny},
		{Path: e.deployGlob(rolePaths(e.conv.KubernetesAuthMount)), Capabilities: deny},
	}
	for _, m := range mounts {
		if m != jwt && m != e.conv.KubernetesAuthMount {
			r = append(r, Rule{Path: e.deployGlob(rolePaths(m)), Capabilities: deny})
		}
	}
	return r
}
