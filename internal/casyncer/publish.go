package casyncer

import (
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// Published is what the syncer publishes: taken from the last document that
// passed every check, and kept when a later one does not.
type Published struct {
	Kind, Name, Key string
	PEM             string
	Fingerprint     string
	Labels          map[string]string // the document's, plus the managed-by label
	Annotations     map[string]string
	Selector        naming.CASyncSelector
}

// newPublished takes the target and selector of a checked document.
func newPublished(doc naming.CASyncDocument) *Published {
	labels := maps.Clone(doc.Target.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	// The managed-by label is how the syncer recognises its own objects, so
	// its value is always the syncer's own, whatever the document says.
	labels[ManagedByLabel] = ManagedByValue
	annotations := maps.Clone(doc.Target.Annotations)
	if annotations == nil {
		annotations = map[string]string{}
	}
	return &Published{
		Kind: doc.Target.Kind, Name: doc.Target.Name, Key: doc.Target.Key,
		PEM: doc.CA.PEM, Fingerprint: doc.CA.FingerprintSHA256,
		Labels: labels, Annotations: annotations, Selector: doc.Namespaces,
	}
}

// sameTarget reports whether p and q write the same kind and name, so the
// syncer can keep watching the objects it watches.
func (p *Published) sameTarget(q *Published) bool {
	return q != nil && p.Kind == q.Kind && p.Name == q.Name
}

// Selects applies the document's rule: named, or prefixed, or carrying every
// match label (when there are any), and not excluded.
func Selects(sel naming.CASyncSelector, name string, labels map[string]string) bool {
	if slices.Contains(sel.ExcludeNames, name) {
		return false
	}
	if slices.Contains(sel.MatchNames, name) {
		return true
	}
	if slices.ContainsFunc(sel.MatchPrefixes, func(p string) bool { return strings.HasPrefix(name, p) }) {
		return true
	}
	if len(sel.MatchLabels) == 0 {
		return false
	}
	for k, v := range sel.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// owned reports whether an object carries the syncer's managed-by label.
func owned(meta metav1.Object) bool {
	return meta.GetLabels()[ManagedByLabel] == ManagedByValue
}

// upToDate reports whether an owned object holds exactly the bundle under
// the key (and nothing else) and every wanted label and annotation. Labels
// and annotations others add are left alone.
func (p *Published) upToDate(meta metav1.Object, data map[string]string) bool {
	if len(data) != 1 || data[p.Key] != p.PEM {
		return false
	}
	return containsAll(meta.GetLabels(), p.Labels) && containsAll(meta.GetAnnotations(), p.Annotations)
}

func containsAll(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// merged returns have with every wanted entry set.
func merged(have, want map[string]string) map[string]string {
	out := maps.Clone(have)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, want)
	return out
}

// secret is the Secret to create in namespace ns.
func (p *Published) secret(ns string) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: p.Name, Labels: maps.Clone(p.Labels), Annotations: maps.Clone(p.Annotations)},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{p.Key: []byte(p.PEM)},
	}
}

// configMap is the ConfigMap to create in namespace ns.
func (p *Published) configMap(ns string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: p.Name, Labels: maps.Clone(p.Labels), Annotations: maps.Clone(p.Annotations)},
		Data:       map[string]string{p.Key: p.PEM},
	}
}
