package naming

import (
	"strings"
	"testing"
)

func TestKubernetesNames(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	cases := []struct {
		name  string
		check func(string) error
		ok    []string
		bad   []string
	}{
		{"namespace", ValidateKubernetesNamespace,
			[]string{"default", "team-a", "1abc", long(63)},
			[]string{"", "Team", "team-", "-team", "a.b", "a_b", "*", long(64), "a\nb"}},
		{"prefix", ValidateKubernetesNamespacePrefix,
			[]string{"team-", "t", "apps-prod-", long(62)},
			[]string{"", "-team", "Team", "team*", "a.b", long(63)}},
		{"object name", ValidateKubernetesObjectName,
			[]string{"vault-ca", "ca.example.com", "a", long(63) + "." + long(63)},
			[]string{"", "Vault-CA", "a..b", ".a", "a.", "a/b", "*", long(64), strings.Repeat(long(63)+".", 4) + "a"}},
		{"data key", ValidateKubernetesDataKey,
			[]string{"ca.crt", "CA_bundle-1.pem", ".hidden", long(253)},
			[]string{"", ".", "..", "a/b", "a b", "a\nb", long(254)}},
		{"label key", ValidateKubernetesLabelKey,
			[]string{"app", "app.kubernetes.io/name", "example.com/Some_Key.1", long(63)},
			[]string{"", "/app", "a/", "Example.com/x", "a/b/c", "-app", long(64), "app\n"}},
		{"label value", ValidateKubernetesLabelValue,
			[]string{"", "v1", "Some_Value.2", long(63)},
			[]string{"-v", "v-", "a b", "a/b", long(64)}},
	}
	for _, c := range cases {
		for _, s := range c.ok {
			if err := c.check(s); err != nil {
				t.Errorf("%s %q: %v", c.name, s, err)
			}
		}
		for _, s := range c.bad {
			if err := c.check(s); err == nil {
				t.Errorf("%s %q accepted", c.name, s)
			}
		}
	}
}
