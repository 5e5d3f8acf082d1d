package naming

import (
	"strings"
	"testing"
)

func TestValidateOwner(t *testing.T) {
	for _, ok := range []string{"platform/vault-config", "acme/infra/vault", "a", "team_a/repo.v2", "gitlab.example.com:group/x"} {
		if err := ValidateOwner(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "/abs", "a b", "a\nb", "a/../b", "a//b", "x*", "ünicode", string(make([]byte, 201))} {
		if err := ValidateOwner(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Marks carry identity and owner; a judge tells the four cases apart, for
// metadata and for policy headers alike: another identity's marks are
// another vaultboot resource's object, never to be adopted under this one.
func TestJudgeMarks(t *testing.T) {
	base := testEnv(t)
	a, _ := base.WithOwner("team/a")
	b, _ := base.WithOwner("team/b")
	appA, _ := a.App("payments")
	appB, _ := b.App("payments")
	noOwner, _ := base.App("payments")
	other, _ := a.App("billing")
	cases := []struct {
		name string
		meta map[string]string
		doc  string
		want Verdict
	}{
		{"ours", appA.Markers(), appA.ReadPolicy(), Verdict{Claim: Ours, Owner: "team/a"}},
		{"another project", appB.Markers(), appB.ReadPolicy(), Verdict{Claim: OtherOwner, Owner: "team/b"}},
		{"marks without an owner", noOwner.Markers(), noOwner.ReadPolicy(), Verdict{Claim: Foreign}},
		{"another identity", other.Markers(), other.ReadPolicy(), Verdict{Claim: OtherResource, Owner: "team/a", Identity: "production/billing"}},
		{"hand-made", map[string]string{"team": "x"}, "path \"x\" {\n  capabilities = [\"read\"]\n}\n", Verdict{Claim: Foreign}},
	}
	for _, c := range cases {
		if got := a.JudgeMetadata(appA.Owner(), c.meta); got != c.want {
			t.Errorf("%s metadata: %+v, want %+v", c.name, got, c.want)
		}
		if got := a.JudgePolicy(appA.Owner(), c.doc); got != c.want {
			t.Errorf("%s policy: %+v, want %+v", c.name, got, c.want)
		}
	}
	if PolicyProject(appA.WritePolicy()) != "team/a" || PolicyOwner(appA.WritePolicy()) != "production/payments" {
		t.Errorf("header: %q", appA.WritePolicy()[:80])
	}
}

// An app named "deploy" or "ca-sync" would own policies of deploy roles or
// CA sync policies named "read" and "write"; the message names what it
// would collide with.
func TestValidateAppNameReserved(t *testing.T) {
	env := testEnv(t)
	for name, want := range map[string]string{"deploy": "vaultboot_ci_deploy_role", "ca-sync": "vaultboot_namespace_ca_sync_policy"} {
		err := ValidateAppName(name)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "<environment>-"+name+"-read") {
			t.Errorf("app %q: %v, want a refusal naming %s", name, err, want)
		}
		if _, err := env.App(name); err == nil {
			t.Errorf("Env.App(%q) accepted a reserved name", name)
		}
		if env.IsAppPolicyName(env.Name() + "-" + name + "-read") {
			t.Errorf("%s-%s-read counted as an app's policy", env.Name(), name)
		}
		// The other types keep the name: a deploy role "deploy" is "E-deploy-deploy".
		if _, err := env.DeployRole(name); err != nil {
			t.Errorf("deploy role %q: %v", name, err)
		}
	}
	for _, ok := range []string{"deployer", "ca", "sync", "payments"} {
		if err := ValidateAppName(ok); err != nil {
			t.Errorf("app %q: %v", ok, err)
		}
	}
}
