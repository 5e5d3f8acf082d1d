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
	// MountTypes maps binding mounts to their auth method type ("oidc" or
	// "jwt"), read from Vault with the accessors: a login role's role_type
	// is pinned to its mount's type. A mount without one (not enabled yet)
	// gets no login role grant.
	MountTypes map[string]string
	// LoginRoleUserClaims and LoginRoleGroupsClaims are the only user_claim
	// and groups_claim values login roles may set (default "sub" and
	// "groups"): a claim users can edit (name, email at some IdPs) would
	// map an outsider onto another user's entity, and groups_claim = "sub"
	// would make every account a group of one.
	LoginRoleUserClaims   []string
	LoginRoleGroupsClaims []string
	// AllowPurge grants deleting an app's KV metadata, which erases every
	// version of its secret (purge_on_destroy). Without it the token can
	// never erase an app's history.
	AllowPurge bool
	// ManageEnvironment grants what vaultboot_environment writes: the stamp
	// and enabling the stamp mount and the conventions' KV mount. Without
	// it (the default) the stamp is read-only, so a pipeline can neither
	// re-stamp the Vault as another environment nor erase the stamp.
	ManageEnvironment bool
	// ProtectedCASyncPolicies are CA sync policies (names N) an
	// administrator's project owns: their documents and markers are denied,
	// so a pipeline cannot point a syncer at another CA.
	ProtectedCASyncPolicies []string
	// Trust maps binding mounts and the JWT mount to what their configs
	// trust, read from Vault: a binding mount that trusts the CI's issuer
	// (or a multi-tenant CI issuer) is refused. A mount without one (not
	// configured yet) is not checked.
	Trust map[string]AuthTrust
	// ReadOnly renders the plan-only variant: only the reads a refreshing
	// plan makes, no write of any kind.
	ReadOnly bool
}

// JWTMountOrDefault is the deploy roles' JWT mount the options name.
func (o ProviderPolicyOptions) JWTMountOrDefault() string {
	if o.JWTMount == "" {
		return DefaultJWTMount
	}
	return o.JWTMount
}

// Defaults of the login role claims the provider policy allows.
const (
	DefaultLoginRoleUserClaim   = "sub"
	DefaultLoginRoleGroupsClaim = "groups"
)

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
	claims, err := loginRoleClaims(o)
	if err != nil {
		return nil, err
	}
	if err := checkTrust(mounts, jwt, o.Trust); err != nil {
		return nil, err
	}
	protected, err := validNames(o.ProtectedCASyncPolicies)
	if err != nil {
		return nil, err
	}
	r := e.stampRules(o.ManageEnvironment)
	r = append(r, e.appRules(o.AllowPurge)...)
	r = append(r, e.caSyncRules(pkis, kvPaths)...)
	r = append(r, e.bindingRules(mounts, accessors, o.MountTypes, claims)...)
	r = append(r, Rule{Path: AuthConfigPath(jwt), Capabilities: []string{"read"},
		Comment: "the deploy roles JWT mount: read what it trusts - no binding mount may trust the same"})
	r = append(r, e.deployDenyRules(jwt, mounts)...)
	r = append(r, e.protectedCASyncRules(protected)...)
	if o.ReadOnly {
		r = readOnlyRules(r)
	}
	return r, nil
}

// loginClaims are the user_claim and groups_claim values login roles may
// set.
type loginClaims struct{ user, groups []string }

func loginRoleClaims(o ProviderPolicyOptions) (loginClaims, error) {
	c := loginClaims{user: sortedSet(o.LoginRoleUserClaims), groups: sortedSet(o.LoginRoleGroupsClaims)}
	if len(c.user) == 0 {
		c.user = []string{DefaultLoginRoleUserClaim}
	}
	if len(c.groups) == 0 {
		c.groups = []string{DefaultLoginRoleGroupsClaim}
	}
	for _, x := range append(slices.Clone(c.user), c.groups...) {
		if err := ValidateClaim(x); err != nil {
			return c, err
		}
		// allowed_parameters would read a '*' at either end as a glob.
		if strings.Contains(x, "*") {
			return c, fmt.Errorf("the login role claim %s contains '*', which the policy would read as a pattern: name the claim exactly", Describe(x))
		}
	}
	if overlap := slices.DeleteFunc(slices.Clone(c.user), func(u string) bool { return !slices.Contains(c.groups, u) }); len(overlap) > 0 {
		return c, fmt.Errorf("the claim %s cannot be both a user claim and a groups claim: every account would become a group of its own", Describe(overlap[0]))
	}
	if slices.Contains(c.groups, "sub") {
		return c, fmt.Errorf("the groups claim \"sub\" makes every account a group of its own, so a binding would grant its policies to whoever holds one account id: name the claim the IdP puts group ids in")
	}
	return c, nil
}

func checkTrust(mounts []string, jwt string, trust map[string]AuthTrust) error {
	for _, m := range mounts {
		if t, ok := trust[m]; ok {
			if err := CheckBindingTrust(m, t, jwt, trust[jwt]); err != nil {
				return err
			}
		}
	}
	return nil
}

func validNames(names []string) ([]string, error) {
	for _, n := range names {
		if err := ValidateName(n); err != nil {
			return nil, err
		}
	}
	return sortedSet(names), nil
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
		return "", nil, nil, nil, fmt.Errorf("the deploy roles' JWT mount %q cannot also be a group binding mount: a token that may write login roles and group aliases on the mount it logs in through could give its own logins more policies; bind only the humans' IdP groups, on a mount that trusts the IdP and not the CI", jwt)
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

// stampRules: every resource and data source reads the stamp (the
// guard), and the resources writing KV check the conventions' KV mount.
// With manage, vaultboot_environment writes and deletes the stamp, and
// creates the stamp mount and the conventions' KV mount when they are
// absent (POST sys/mounts/<path>; tuning is sys/mounts/<path>/tune, not
// granted, and there is no delete). Without it the environment projects
// cannot touch the stamp the administrator's bootstrap wrote.
func (e Env) stampRules(manage bool) []Rule {
	if !manage {
		return []Rule{
			{Path: e.StampDataPath(), Capabilities: []string{"read"},
				Comment: "environment stamp: every resource reads it - written by the administrator alone"},
			{Path: SecretsMountPath(e.conv.KVMount), Capabilities: []string{"read"},
				Comment: "the conventions KV mount: checked to be KV v2 before a write"},
		}
	}
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
//   - login roles: the fields a binding sends and no other (no leeways,
//     token_period, token_type, claim mappings ...), role_type pinned to
//     the mount's type, the user and groups claims to the declared ones,
//     exact bound claims, and no token_policies of their own (only the
//     empty list), so a role the token writes grants nothing a binding
//     does not and maps no one onto another user's entity.
//
// Reading sys/auth/<mount> (type and accessor) is a sudo path in Vault.
func (e Env) bindingRules(mounts, accessors []string, types map[string]string, claims loginClaims) []Rule {
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
		r = append(r, Rule{Path: AuthMountPath(m), Capabilities: []string{"read", "sudo"},
			Comment: "binding auth mount: read its type and accessor - sys/auth is a sudo path"},
			Rule{Path: AuthConfigPath(m), Capabilities: []string{"read"},
				Comment: "binding auth mount: read what it trusts - a mount trusting the CI is refused"})
		if t := types[m]; t == "jwt" || t == "oidc" {
			r = append(r, Rule{Path: e.envGlob(rolePaths(m)), Capabilities: []string{"create", "read", "update", "delete"},
				Comment: "binding login roles: the fields a binding sends - pinned role type and claims - never token policies of their own",
				Allowed: loginRoleParams(t, claims)})
		}
	}
	return r
}

// loginRoleParams are the fields a group binding's login role write sends,
// and no other.
func loginRoleParams(mountType string, c loginClaims) []Param {
	return []Param{
		{Name: "role_type", Values: []string{mountType}},
		{Name: "user_claim", Values: c.user},
		{Name: "groups_claim", Values: c.groups},
		{Name: "bound_audiences"},
		{Name: "bound_claims_type", Values: []string{"string"}},
		{Name: "bound_claims"},
		{Name: "allowed_redirect_uris"},
		{Name: "oidc_scopes"},
		{Name: "token_ttl"},
		{Name: "token_max_ttl"},
		{Name: "token_policies", EmptyList: true},
	}
}

// deployDenyRules deny the deploy roles' role and policy, and the same
// names wherever the policy grants "E-*", so the token (and a pipeline
// holding this policy) can never widen its own login. vaultboot never names
// an app, binding or CA sync object "E-deploy-*" (a reserved prefix).
// Vault lowercases policy, JWT and Kubernetes role and identity group
// names, but matches ACL paths case-sensitively, so every path also gets
// the denies of the case variants of "deploy".
func (e Env) deployDenyRules(jwt string, mounts []string) []Rule {
	paths := []func(string) string{PolicyPath, rolePaths(jwt), IdentityGroupByNamePath, rolePaths(e.conv.KubernetesAuthMount)}
	for _, m := range mounts {
		if m != jwt && m != e.conv.KubernetesAuthMount {
			paths = append(paths, rolePaths(m))
		}
	}
	comments := []string{"never the deploy roles policies", "never the deploy roles", "", ""}
	var r []Rule
	for i, pathOf := range paths {
		r = append(r, Rule{Path: e.deployGlob(pathOf), Capabilities: []string{"deny"}})
		if i < len(comments) {
			r[len(r)-1].Comment = comments[i]
		}
		for j, p := range caseVariants(e.name+"-", "deploy") {
			r = append(r, Rule{Path: pathOf(p) + "*", Capabilities: []string{"deny"}})
			if j == 0 {
				r[len(r)-1].Comment = "Vault lowercases the name: " + e.name + "-DEPLOY-N would write " + e.name + "-deploy-N"
			}
		}
	}
	return r
}

// protectedCASyncRules deny the documents and markers of the CA sync
// policies an administrator owns. KV paths are case-sensitive in Vault, so
// the exact paths suffice.
func (e Env) protectedCASyncRules(names []string) []Rule {
	var r []Rule
	for _, n := range names {
		cs, _ := e.CASync(n) // validated by validNames
		r = append(r,
			Rule{Path: cs.DocumentDataPath(), Capabilities: []string{"deny"},
				Comment: "CA sync document " + n + ": owned by the administrator - a pipeline cannot point the syncer at another CA"},
			Rule{Path: cs.DocumentMetadataPath(), Capabilities: []string{"deny"}})
	}
	return r
}

// caseVariants are the prefixes fixed+"D", fixed+"dE", ... fixed+"deploY"
// for word "deploy": every spelling of word with an upper-case letter
// starts with one of them at its first upper-case letter, so a deny on
// each prefix followed by "*" catches them all. vaultboot's own names are
// lowercase, so the denies never refuse one of them.
func caseVariants(fixed, word string) []string {
	var out []string
	for i := range word {
		if up := strings.ToUpper(word[i : i+1]); up != word[i:i+1] {
			out = append(out, fixed+word[:i]+up)
		}
	}
	return out
}

// readOnlyRules keep the reads of rules and no write: what a refreshing
// plan needs. The group alias lookup is a read Vault serves on update.
func readOnlyRules(rules []Rule) []Rule {
	var out []Rule
	for _, r := range rules {
		switch {
		case slices.Equal(r.Capabilities, []string{"deny"}):
			out = append(out, r)
		case r.Path == IdentityLookupGroupPath():
			out = append(out, r)
		case slices.Contains(r.Capabilities, "read"):
			r.Capabilities = slices.DeleteFunc(slices.Clone(r.Capabilities), func(c string) bool {
				return c != "read" && c != "list" && c != "sudo"
			})
			r.Allowed, r.Denied, r.Required = nil, nil, nil
			out = append(out, r)
		}
	}
	return out
}
