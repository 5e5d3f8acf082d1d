package naming

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestProviderPolicyGolden(t *testing.T) {
	e := testEnv(t)
	withSources, err := e.ProviderPolicy(ProviderPolicyOptions{
		JWTMount:                "ci-jwt",
		PKIMounts:               []string{"pki_int", "pki"},
		KVCAPaths:               []string{"platform/vault-ca"},
		BindingAuthMounts:       []string{"jwt-github", "oidc"},
		Accessors:               map[string]string{"oidc": "auth_oidc_1a2b3c4d", "jwt-github": "auth_jwt_5e6f7a8b", "unused": "auth_jwt_00000000"},
		MountTypes:              map[string]string{"oidc": "oidc", "jwt-github": "jwt"},
		AllowPurge:              true,
		ManageEnvironment:       true,
		LoginRoleUserClaims:     []string{"sub", "oid"},
		ProtectedCASyncPolicies: []string{"internal"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defaults, err := e.ProviderPolicy(ProviderPolicyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	readOnly, err := e.ProviderPolicy(ProviderPolicyOptions{ReadOnly: true, MountTypes: map[string]string{"oidc": "oidc"}, Accessors: map[string]string{"oidc": "auth_oidc_1a2b3c4d"}})
	if err != nil {
		t.Fatal(err)
	}
	for file, got := range map[string]string{
		"production-provider.hcl":           defaults,
		"production-provider-sources.hcl":   withSources,
		"production-provider-read-only.hcl": readOnly,
	} {
		path := filepath.Join("testdata", file)
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s differs from golden file:\n%s", file, got)
		}
		if PolicyOwner(got) != "production/_provider" {
			t.Errorf("%s: owner %q", file, PolicyOwner(got))
		}
	}
}

// effective returns the capabilities the rules give on path, choosing the
// matching rule the way Vault's ACL does for these shapes: exact paths beat
// globs, then the rule whose first wildcard comes later, then the longer one.
func effective(rules []Rule, path string) []string {
	var best *Rule
	for i := range rules {
		r := &rules[i]
		if !ruleMatches(r.Path, path) {
			continue
		}
		if best == nil || outranks(r.Path, best.Path) {
			best = r
		}
	}
	if best == nil {
		return nil
	}
	return best.Capabilities
}

func ruleMatches(rule, path string) bool {
	prefix, glob := strings.CutSuffix(rule, "*")
	rs, ps := strings.Split(prefix, "/"), strings.Split(path, "/")
	if !glob && len(rs) != len(ps) || len(ps) < len(rs) {
		return false
	}
	for i, seg := range rs {
		switch {
		case seg == "+":
		case i == len(rs)-1 && glob:
			if !strings.HasPrefix(ps[i], seg) {
				return false
			}
		case seg != ps[i]:
			return false
		}
	}
	return true
}

func outranks(a, b string) bool {
	wa, wb := firstWildcard(a), firstWildcard(b)
	if wa != wb {
		return wa > wb
	}
	return len(a) > len(b)
}

func firstWildcard(p string) int {
	if i := strings.IndexAny(p, "+*"); i >= 0 {
		return i
	}
	return len(p) + 1
}

func TestProviderPolicyAccess(t *testing.T) {
	e := testEnv(t)
	rules, err := e.providerPolicyRules(ProviderPolicyOptions{JWTMount: "ci", PKIMounts: []string{"pki"}, KVCAPaths: []string{"platform/ca"}, BindingAuthMounts: []string{"jwt"},
		MountTypes: map[string]string{"oidc": "oidc", "jwt": "jwt"}, ManageEnvironment: true, ProtectedCASyncPolicies: []string{"admin-ca"}})
	if err != nil {
		t.Fatal(err)
	}
	app, _ := e.App("payments")
	cs, _ := e.CASync("internal")
	b, _ := e.Binding("devs")
	d, _ := e.DeployRole("main")
	crud := []string{"create", "read", "update", "delete"}
	want := map[string][]string{
		// what the resources use
		e.StampDataPath():                    {"read", "update"}, // the markers are written first
		e.StampMetadataPath():                {"create", "update", "delete"},
		SecretsMountPath("secret"):           {"read", "update"},
		SecretsMountPath(StampMount):         {"read", "update"},
		app.MetadataPath():                   {"create", "read", "update"}, // no purge unless allowed
		PolicyPath(app.ReadPolicyName()):     {"read", "update", "delete"},
		PolicyPath(cs.PolicyName()):          {"read", "update", "delete"},
		app.KubernetesRolePath():             crud,
		cs.RolePath():                        crud,
		cs.DocumentDataPath():                {"read", "update"},
		cs.DocumentMetadataPath():            crud,
		"pki/cert/ca_chain":                  {"read"},
		"secret/data/platform/ca":            {"read"},
		b.GroupPath():                        {"read", "update", "delete"},
		b.LoginRolePath(""):                  crud,
		b.LoginRolePath("jwt"):               crud,
		AuthMountPath("oidc"):                {"read", "sudo"},
		AuthMountPath("jwt"):                 {"read", "sudo"},
		"secret/data/_vaultboot/environment": nil, // no stamp but the fixed one
		// never secret values, other apps' sub-paths or other environments
		app.DataPath():                                 nil,
		app.DataPath() + "/db":                         nil,
		app.MetadataPath() + "/db":                     nil,
		KVDestroyPath("secret", app.LogicalPath()):     nil,
		"secret/metadata/integration/payments":         nil,
		PolicyPath("integration-payments-read"):        nil,
		PolicyPath(e.ProviderPolicyName()):             nil,
		PolicyPath("admin"):                            nil,
		AuthMountPath("kubernetes"):                    nil,
		SecretsMountPath("secret") + "/tune":           nil,
		SecretsMountPath("other"):                      nil,
		"secret/data/_vaultboot/integration/ca-sync/x": nil,
		"auth/token/create":                            nil,
		"vaultboot/data/other":                         nil,
		"vaultboot/metadata/environment/x":             nil,
		// the deploy roles are denied everywhere
		PolicyPath(d.PolicyName()):               {"deny"},
		PolicyPath("production-DEPLOY-main"):     {"deny"}, // Vault lowercases policy names
		PolicyPath("production-dePloy-main"):     {"deny"},
		PolicyPath("production-deploY-main"):     {"deny"},
		PolicyPath("production-deployment"):      {"read", "update", "delete"},
		d.RolePath("ci"):                         {"deny"},
		d.RolePath("jwt"):                        {"deny"},
		AuthRolePath("oidc", d.RoleName()):       {"deny"},
		AuthRolePath("kubernetes", d.RoleName()): {"deny"},
		IdentityGroupByNamePath(d.RoleName()):    {"deny"},
		// Vault lowercases role and group names too
		AuthRolePath("jwt", "production-DEPLOY-main"):        {"deny"},
		AuthRolePath("oidc", "production-dEploy-main"):       {"deny"},
		AuthRolePath("ci", "production-Deploy-main"):         {"deny"},
		AuthRolePath("kubernetes", "production-deploY-main"): {"deny"},
		IdentityGroupByNamePath("production-DePloy-x"):       {"deny"},
		// an administrator's CA sync document
		"secret/data/_vaultboot/production/ca-sync/admin-ca":     {"deny"},
		"secret/metadata/_vaultboot/production/ca-sync/admin-ca": {"deny"},
		"secret/data/_vaultboot/production/ca-sync/admin-cab":    {"read", "update"},
	}
	for path, caps := range want {
		if got := effective(rules, path); !slices.Equal(got, caps) {
			t.Errorf("%s: capabilities %q, want %q", path, got, caps)
		}
	}
}

// The provider may write every policy "E-*" of its environment; its own
// policy must match no environment's glob, or the token could rewrite it.
func TestProviderPolicyNameOutsideEveryEnvironment(t *testing.T) {
	envs := []string{"production", "vaultboot", "vaultboot-provider", "a", "prod", "prod-eu"}
	for _, x := range envs {
		ex, err := NewEnv(x, DefaultConventions())
		if err != nil {
			t.Fatal(err)
		}
		name := ex.ProviderPolicyName()
		if err := ValidatePolicyName(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for _, y := range envs {
			if strings.HasPrefix(name, y+"-") {
				t.Errorf("%s is covered by environment %q's policy glob", name, y)
			}
		}
		dash := strings.IndexByte(name, '-')
		if dash >= 0 && ValidateEnvironment(name[:dash]) == nil {
			t.Errorf("%s: %q could be an environment", name, name[:dash])
		}
	}
}

func TestProviderPolicyStable(t *testing.T) {
	e := testEnv(t)
	a, err := e.ProviderPolicy(ProviderPolicyOptions{PKIMounts: []string{"pki", "pki_int"}, BindingAuthMounts: []string{"jwt-gh"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.ProviderPolicy(ProviderPolicyOptions{JWTMount: "jwt", PKIMounts: []string{"pki_int", "pki", "pki"}, BindingAuthMounts: []string{"oidc", "jwt-gh", "jwt-gh"}})
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("order or duplicates changed the policy:\n%s\n---\n%s", a, b)
	}
}

func TestProviderPolicyRejects(t *testing.T) {
	e := testEnv(t)
	bad := []struct {
		o    ProviderPolicyOptions
		want string
	}{
		{ProviderPolicyOptions{JWTMount: "jwt/../sys"}, "not a valid mount path"},
		{ProviderPolicyOptions{PKIMounts: []string{"pki\"] }\npath \"sys/*\" { capabilities = [\"sudo"}}, "not a valid mount path"},
		{ProviderPolicyOptions{BindingAuthMounts: []string{"oidc/*"}}, "not a valid mount path"},
		{ProviderPolicyOptions{KVCAPaths: []string{"platform/*"}}, "not a valid KV path"},
		{ProviderPolicyOptions{KVCAPaths: []string{"production/payments"}}, "holds app secrets"},
		{ProviderPolicyOptions{KVCAPaths: []string{"_vaultboot/environment"}}, "not a valid KV path"},
		{ProviderPolicyOptions{BindingAuthMounts: []string{"jwt"}}, "cannot also be a group binding mount"},
		{ProviderPolicyOptions{JWTMount: "oidc"}, "cannot also be a group binding mount"},
		{ProviderPolicyOptions{Accessors: map[string]string{"oidc": "auth_oidc\"] }"}}, "not a valid auth mount accessor"},
	}
	for _, c := range bad {
		p, err := e.ProviderPolicy(c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: policy %q, error %v; want an error containing %q", c.o, p, err, c.want)
		}
	}
}

func TestDeployBoundClaims(t *testing.T) {
	got, err := DeployBoundClaims(map[string][]string{"project_path": {"a/b"}, "ref_protected": {"true"}}, false)
	if err != nil || !slices.Equal(got["ref_type"], []string{"tag"}) || len(got) != 3 {
		t.Errorf("tag pipelines: %v, %v", got, err)
	}
	got, err = DeployBoundClaims(map[string][]string{"repository": {"o/r"}}, true)
	if err != nil || got["ref_type"] != nil {
		t.Errorf("allow_branches binds no ref_type: %v, %v", got, err)
	}
	got, err = DeployBoundClaims(map[string][]string{"repository": {"o/r"}, "ref_type": {"tag"}}, false)
	if err != nil || !slices.Equal(got["ref_type"], []string{"tag"}) {
		t.Errorf("an explicit tag binding: %v, %v", got, err)
	}
	bad := []struct {
		claims        map[string][]string
		allowBranches bool
		want          string
	}{
		{map[string][]string{"ref_type": {"tag"}, "ref_protected": {"true"}, "ref": {"v1"}}, false, "must name the project"},
		{map[string][]string{"project_path": {"a/b"}, "ref_type": {"branch"}}, false, "unless allow_branches"},
		{map[string][]string{"project_path": {"a/b"}, "ref_type": {"tag", "branch"}}, false, "unless allow_branches"},
		{map[string][]string{"project_path": {}}, false, "has no values"},
		{map[string][]string{"project_path": {"a/b "}}, false, "whitespace"},
		{map[string][]string{"project path": {"a/b"}}, false, "not a valid claim name"},
	}
	for _, c := range bad {
		if _, err := DeployBoundClaims(c.claims, c.allowBranches); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.claims, err, c.want)
		}
	}
}

// Every case variant of "deploy" (64) falls under one of the denies, and
// no lowercase name does.
func TestDeployCaseVariantsCoverEveryVariant(t *testing.T) {
	e := testEnv(t)
	rules, err := e.ProviderPolicyRules(ProviderPolicyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for mask := 0; mask < 64; mask++ {
		b := []byte("deploy")
		for i := range b {
			if mask&(1<<i) != 0 {
				b[i] -= 'a' - 'A'
			}
		}
		p := PolicyPath("production-" + string(b) + "-main")
		if got := effective(rules, p); !slices.Equal(got, []string{"deny"}) {
			t.Errorf("%s: %v, want deny", p, got)
		}
	}
	for _, name := range []string{"production-payments-read", "production-ca-sync-x", "production-d-read", "production-deployment-read"} {
		if got := effective(rules, PolicyPath(name)); slices.Equal(got, []string{"deny"}) {
			t.Errorf("%s is denied", name)
		}
	}
}

// TestProviderPolicyOwnerMarks: with an owner the provider policy (and so
// every deploy role's policy) carries both marks, its rules unchanged, and
// judges as this project's and as another project's by the other owner.
func TestProviderPolicyOwnerMarks(t *testing.T) {
	e, _ := NewEnv("production", DefaultConventions())
	a, err := e.WithOwner("team/a")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := e.WithOwner("team/b")
	plain, _ := e.ProviderPolicy(ProviderPolicyOptions{})
	owned, _ := a.ProviderPolicy(ProviderPolicyOptions{})
	d, _ := a.DeployRole("main")
	deploy, _ := d.Policy(ProviderPolicyOptions{})
	if deploy != owned {
		t.Errorf("the deploy policy differs from the provider policy of the same owner")
	}
	first, rest, _ := strings.Cut(plain, "\n")
	if want := first + "\n" + PolicyProjectPrefix + "team/a\n" + rest; owned != want {
		t.Errorf("owned policy:\n%s\nwant the plain one with the project line:\n%s", owned, want)
	}
	if PolicyOwner(owned) != "production/_provider" || PolicyProject(owned) != "team/a" {
		t.Errorf("marks %q %q", PolicyOwner(owned), PolicyProject(owned))
	}
	if v := a.JudgePolicy(d.PolicyOwner(), owned); v.Claim != Ours {
		t.Errorf("own verdict %+v", v)
	}
	if v := b.JudgePolicy(d.PolicyOwner(), owned); v.Claim != OtherOwner || v.Owner != "team/a" {
		t.Errorf("other project's verdict %+v", v)
	}
	if v := a.JudgePolicy(d.PolicyOwner(), plain); v.Claim != Foreign {
		t.Errorf("a policy without an owner line is not ours: %+v", v)
	}
}

// Without ManageEnvironment the stamp is read-only and no mount can be
// enabled; the KV mount can still be checked.
func TestProviderPolicyStampOptIn(t *testing.T) {
	e := testEnv(t)
	rules, err := e.providerPolicyRules(ProviderPolicyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string][]string{
		e.StampDataPath():            {"read"},
		e.StampMetadataPath():        nil,
		SecretsMountPath(StampMount): nil,
		SecretsMountPath("secret"):   {"read"},
	} {
		if got := effective(rules, path); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
}

// Login roles may send the fields a binding sends and no other, with
// role_type, user_claim, groups_claim and bound_claims_type pinned; a
// mount whose type is unknown gets no role grant.
func TestProviderPolicyLoginRoleFields(t *testing.T) {
	e := testEnv(t)
	rules, err := e.providerPolicyRules(ProviderPolicyOptions{BindingAuthMounts: []string{"jwt-idp", "later"},
		MountTypes: map[string]string{"oidc": "oidc", "jwt-idp": "jwt"}, LoginRoleGroupsClaims: []string{"roles"}})
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]Rule{}
	for _, r := range rules {
		byPath[r.Path] = r
	}
	for mount, roleType := range map[string]string{"oidc": "oidc", "jwt-idp": "jwt"} {
		r, ok := byPath[AuthRolePath(mount, "production-")+"*"]
		if !ok {
			t.Fatalf("no login role grant on %s", mount)
		}
		var names []string
		for _, p := range r.Allowed {
			names = append(names, p.Name)
			pinned := map[string][]string{"role_type": {roleType}, "user_claim": {"sub"}, "groups_claim": {"roles"}, "bound_claims_type": {"string"}}
			if want, ok := pinned[p.Name]; ok && !slices.Equal(p.Values, want) {
				t.Errorf("%s: %s allows %q, want %q", mount, p.Name, p.Values, want)
			}
			if p.Name == "token_policies" && (!p.EmptyList || len(p.Values) > 0) {
				t.Errorf("%s: token_policies allows %+v", mount, p)
			}
		}
		slices.Sort(names)
		want := []string{"allowed_redirect_uris", "bound_audiences", "bound_claims", "bound_claims_type", "groups_claim", "oidc_scopes", "role_type", "token_max_ttl", "token_policies", "token_ttl", "user_claim"}
		if !slices.Equal(names, want) {
			t.Errorf("%s: allowed fields %q, want %q", mount, names, want)
		}
		if len(r.Denied) > 0 {
			t.Errorf("%s: denied parameters %+v: the allowed list already refuses every other field", mount, r.Denied)
		}
	}
	if got := effective(rules, AuthRolePath("later", "production-x")); got != nil {
		t.Errorf("a mount of unknown type gets %q on its roles", got)
	}
	for _, bad := range []ProviderPolicyOptions{
		{LoginRoleGroupsClaims: []string{"sub"}},
		{LoginRoleUserClaims: []string{"groups"}},
		{LoginRoleUserClaims: []string{"*"}},
		{LoginRoleGroupsClaims: []string{"group*"}},
		{ProtectedCASyncPolicies: []string{"Internal"}},
	} {
		if _, err := e.ProviderPolicy(bad); err == nil {
			t.Errorf("%+v: accepted", bad)
		}
	}
}

// The read-only variant keeps every read and no write.
func TestProviderPolicyReadOnly(t *testing.T) {
	e := testEnv(t)
	o := ProviderPolicyOptions{PKIMounts: []string{"pki"}, BindingAuthMounts: []string{"jwt-idp"}, ManageEnvironment: true, AllowPurge: true,
		MountTypes: map[string]string{"oidc": "oidc", "jwt-idp": "jwt"}, Accessors: map[string]string{"oidc": "auth_oidc_1", "jwt-idp": "auth_jwt_2"}}
	full, err := e.providerPolicyRules(o)
	if err != nil {
		t.Fatal(err)
	}
	o.ReadOnly = true
	ro, err := e.providerPolicyRules(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range full {
		got := effective(ro, strings.TrimSuffix(strings.ReplaceAll(r.Path, "+", "x"), "*")+"x")
		if !strings.HasSuffix(r.Path, "*") {
			got = effective(ro, strings.ReplaceAll(r.Path, "+", "x"))
		}
		for _, c := range got {
			switch {
			case c == "deny" || c == "read" || c == "list" || c == "sudo":
			case c == "update" && r.Path == IdentityLookupGroupPath():
			default:
				t.Errorf("%s: the read-only policy grants %q", r.Path, c)
			}
		}
		if slices.Contains(r.Capabilities, "read") && !slices.Contains(got, "read") {
			t.Errorf("%s: the read-only policy lost read", r.Path)
		}
	}
}
