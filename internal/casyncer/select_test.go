package casyncer

import (
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

func TestSelects(t *testing.T) {
	sel := naming.CASyncSelector{
		MatchNames: []string{"payments"}, MatchPrefixes: []string{"team-"},
		MatchLabels: map[string]string{"inject": "true", "tier": "app"}, ExcludeNames: []string{"team-sandbox", "payments-x"},
	}
	cases := []struct {
		name   string
		labels map[string]string
		want   bool
	}{
		{"payments", nil, true},
		{"team-a", nil, true},
		{"team-sandbox", nil, false},
		{"team-sandbox", map[string]string{"inject": "true", "tier": "app"}, false},
		{"other", map[string]string{"inject": "true", "tier": "app"}, true},
		{"other", map[string]string{"inject": "true"}, false},
		{"other", map[string]string{"inject": "false", "tier": "app"}, false},
		{"other", nil, false},
		{"teamx", nil, false},
	}
	for _, c := range cases {
		if got := Selects(sel, c.name, c.labels); got != c.want {
			t.Errorf("Selects(%s, %v) = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if Selects(naming.CASyncSelector{MatchNames: []string{"a"}}, "b", map[string]string{"x": "y"}) {
		t.Error("an empty match_labels selected a namespace")
	}
}

func TestPublishedUpToDate(t *testing.T) {
	doc := naming.CASyncDocument{
		Target: naming.CASyncTarget{Kind: "Secret", Name: "vault-ca", Key: "ca.crt",
			Labels: map[string]string{ManagedByLabel: "someone-else", "team": "a"}, Annotations: map[string]string{"note": "x"}},
		CA: naming.CASyncCA{PEM: "PEM\n"},
	}
	p := newPublished(doc)
	if p.Labels[ManagedByLabel] != ManagedByValue {
		t.Fatalf("managed-by label %q: the syncer's own value must win", p.Labels[ManagedByLabel])
	}
	s := p.secret("ns")
	if !owned(s) || !p.upToDate(s, map[string]string{"ca.crt": "PEM\n"}) {
		t.Fatal("a freshly built Secret is not up to date")
	}
	s.Labels["extra"] = "kept" // labels others add are left alone
	if !p.upToDate(s, map[string]string{"ca.crt": "PEM\n"}) {
		t.Error("an extra label made the target out of date")
	}
	for name, data := range map[string]map[string]string{
		"edited bundle": {"ca.crt": "tampered"},
		"extra key":     {"ca.crt": "PEM\n", "other": "x"},
		"missing key":   {},
	} {
		if p.upToDate(s, data) {
			t.Errorf("%s: reported up to date", name)
		}
	}
	delete(s.Annotations, "note")
	if p.upToDate(s, map[string]string{"ca.crt": "PEM\n"}) {
		t.Error("a removed annotation is not restored")
	}
}
