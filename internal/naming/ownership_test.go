package naming

import "testing"

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
// metadata and for policy headers alike.
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
		{"ours", appA.Markers(), appA.ReadPolicy(), Verdict{Ours, "team/a"}},
		{"another project", appB.Markers(), appB.ReadPolicy(), Verdict{OtherOwner, "team/b"}},
		{"marks without an owner", noOwner.Markers(), noOwner.ReadPolicy(), Verdict{Claim: Foreign}},
		{"another identity", other.Markers(), other.ReadPolicy(), Verdict{Claim: Foreign}},
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
