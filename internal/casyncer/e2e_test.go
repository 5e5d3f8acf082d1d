package casyncer_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/casyncer"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

const (
	e2eEnv     = "e2e"
	targetName = "vault-ca"
	targetKey  = "ca.crt"
	syncerNS   = "vault-system"
	syncerSA   = "vaultboot-ca-syncer"
	poll       = 3 * time.Second
)

// world is everything the end-to-end test drives: a dedicated Vault (it is
// sealed mid-test), the package's API server, the Terraform working
// directory that applied the shipped policy, and the policy's names.
type world struct {
	t    *testing.T
	v    *testharness.Vault
	k    *testharness.Kube
	tf   *testharness.Workdir
	cs   naming.CASync
	kube kubernetes.Interface // admin
	// selected are the namespaces that must hold the target now.
	selected []string
}

// TestSyncerEndToEnd follows the guide: Terraform applies the policy
// shipped in examples/kubernetes/ca-syncer, the shipped RBAC manifests are
// applied, and the syncer binary runs as that service account (its API
// token and its Vault login token both from TokenRequest, so the RBAC rules
// are what is tested). Every promise of the syncer is then checked against
// the real API server and Vault.
func TestSyncerEndToEnd(t *testing.T) {
	w := setupWorld(t)
	a := w.startSyncer("syncer-a")
	w.waitLeader(a, "syncer-a")

	t.Run("new selected namespace within 5s", func(t *testing.T) {
		took := w.createNamespaceAndWait(t, "team-a", nil, 5*time.Second)
		t.Logf("team-a got %s/%s %s after namespace creation", targetName, targetKey, took.Round(time.Millisecond))
		w.createNamespaceAndWait(t, "labelled", map[string]string{"vault.internal/inject": "true"}, 5*time.Second)
	})
	t.Run("excluded and unselected namespaces never get it", func(t *testing.T) {
		w.k.EnsureNamespace(t, "team-sandbox", nil)
		w.k.EnsureNamespace(t, "other", nil)
		w.fullPassAfter(t, a, time.Now())
		for _, ns := range []string{"team-sandbox", "other", syncerNS} {
			if s := w.target(ns); s != nil {
				t.Errorf("namespace %s got a target: %v", ns, s.Labels)
			}
		}
	})
	t.Run("a foreign object is left alone and gets an Event", func(t *testing.T) {
		w.expectForeignLeftAlone(t, a)
	})
	t.Run("a hand-edited or deleted target is restored", func(t *testing.T) {
		s := w.target("team-a").DeepCopy()
		s.Data[targetKey] = []byte("tampered")
		delete(s.Labels, "app.kubernetes.io/name")
		if _, err := w.kube.CoreV1().Secrets("team-a").Update(context.Background(), s, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		took := w.waitTarget(t, "team-a", 10*time.Second)
		t.Logf("edited target restored after %s", took.Round(time.Millisecond))
		if err := w.kube.CoreV1().Secrets("team-a").Delete(context.Background(), targetName, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		took = w.waitTarget(t, "team-a", 10*time.Second)
		t.Logf("deleted target restored after %s", took.Round(time.Millisecond))
	})
	t.Run("a namespace that stops being selected loses the target", func(t *testing.T) {
		ns, err := w.kube.CoreV1().Namespaces().Get(context.Background(), "labelled", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		delete(ns.Labels, "vault.internal/inject")
		if _, err := w.kube.CoreV1().Namespaces().Update(context.Background(), ns, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		w.selected = slices.DeleteFunc(w.selected, func(ns string) bool { return ns == "labelled" })
		eventually(t, 10*time.Second, "target removed from labelled", func() error {
			if w.target("labelled") != nil {
				return errors.New("still there")
			}
			return nil
		})
	})
	t.Run("a rotated CA reaches every target within one poll", func(t *testing.T) {
		before := w.documentPEM(t)
		w.v.RotateRootCA(t, "pki", "vaultboot e2e root 2", "87600h")
		eventually(t, 3*poll, "the syncer notices the rotation pending an apply", func() error {
			if metric(t, a.listen, "vaultboot_ca_syncer_rotation_pending") != 1 {
				return errors.New("rotation_pending is not 1")
			}
			return nil
		})
		w.tf.Apply(t)
		after := w.documentPEM(t)
		if after == before {
			t.Fatal("terraform apply did not publish the rotated CA")
		}
		applied := time.Now()
		eventually(t, poll+2*time.Second, "every target holds the rotated CA", func() error { return w.allInSync(w.selected...) })
		t.Logf("rotated CA in every target %s after terraform apply (poll %s)", time.Since(applied).Round(time.Millisecond), poll)
	})
	t.Run("refused documents keep what is published", func(t *testing.T) {
		w.expectRefused(t, a)
	})
	t.Run("30s with Vault sealed loses nothing and converges after", func(t *testing.T) {
		w.expectOutageSurvived(t, a)
	})
	t.Run("two replicas never both write", func(t *testing.T) {
		w.expectOneWriter(t, a)
	})
	t.Run("the syncer's Vault token reads its document and source only", func(t *testing.T) {
		w.expectLeastPrivilege(t)
	})
}

func setupWorld(t *testing.T) *world {
	t.Helper()
	v, k := testharness.StartVault(t), testharness.SharedKube(t)
	v.ConfigureKubernetesAuth(t, "kubernetes", k)
	v.GenerateRootCA(t, "pki", "vaultboot e2e root", "87600h")
	v.Write(t, "secret/data/"+e2eEnv+"/payments", map[string]any{"data": map[string]any{"DB_PASSWORD": "s3cret"}})
	env, err := naming.NewEnv(e2eEnv, naming.DefaultConventions())
	if err != nil {
		t.Fatal(err)
	}
	cs, err := env.CASync("internal-ca")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, v: v, k: k, cs: cs, kube: k.Client, tf: testharness.NewWorkdir(t)}
	w.tf.WriteConfig(t, v.ProviderBlock(e2eEnv)+string(manifest(t, "main.tf")))
	w.tf.Apply(t)
	applyManifest(t, k.Client, "namespace.yaml")
	applyManifest(t, k.Client, "rbac.yaml")
	return w
}

// syncerProc is one running syncer and where it serves metrics.
type syncerProc struct {
	*testharness.Syncer
	listen string
}

// startSyncer runs the binary as the shipped service account: a kubeconfig
// with one TokenRequest token, and a second one as its projected token.
func (w *world) startSyncer(name string) *syncerProc {
	t := w.t
	dir := t.TempDir()
	kubeconfig, err := w.k.Kubeconfig(dir, w.k.ServiceAccountToken(t, syncerNS, syncerSA))
	if err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(w.k.ServiceAccountToken(t, syncerNS, syncerSA)), 0o600); err != nil {
		t.Fatal(err)
	}
	listen := freeAddr(t)
	s := testharness.StartSyncer(t, name, []string{
		"VAULT_ADDR=" + w.v.Addr,
		"VAULTBOOT_SYNC_ROLE=" + w.cs.RoleName(),
		"VAULTBOOT_SYNC_DOCUMENT=" + w.cs.DocumentDataPath(),
		"VAULTBOOT_SYNC_TOKEN_FILE=" + tokenFile,
		"VAULTBOOT_SYNC_POLL=" + poll.String(),
		"VAULTBOOT_SYNC_LISTEN=" + listen,
		"VAULTBOOT_SYNC_LEASE_NAMESPACE=" + syncerNS,
		"VAULTBOOT_SYNC_ALLOWED_SOURCES=pki/cert/ca_chain",
		"POD_NAME=" + name,
		"KUBECONFIG=" + kubeconfig,
	})
	return &syncerProc{Syncer: s, listen: listen}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String()
}

// waitLeader waits until s answers /readyz and holds the Lease.
func (w *world) waitLeader(s *syncerProc, name string) {
	t := w.t
	eventually(t, 60*time.Second, name+" ready and leading", func() error {
		if s.Exited() {
			t.Fatalf("%s exited:\n%s", name, s.Log())
		}
		resp, err := http.Get("http://" + s.listen + "/readyz")
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/readyz %s", resp.Status)
		}
		if metric(t, s.listen, "vaultboot_ca_syncer_leader") != 1 {
			return errors.New("not leading")
		}
		return nil
	})
}

// target returns the Secret in ns, or nil.
func (w *world) target(ns string) *corev1.Secret {
	s, err := w.kube.CoreV1().Secrets(ns).Get(context.Background(), targetName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		w.t.Fatalf("get %s/%s: %v", ns, targetName, err)
	}
	return s
}

// documentPEM is the bundle the document in Vault holds now.
func (w *world) documentPEM(t *testing.T) string {
	t.Helper()
	doc, err := naming.ParseCASyncDocument(w.v.Read(t, w.cs.DocumentDataPath()).Data["data"].(map[string]any))
	if err != nil {
		t.Fatal(err)
	}
	return doc.CA.PEM
}

// inSync says what is wrong with the target in ns, or nil.
func (w *world) inSync(ns, pemText string) error {
	s := w.target(ns)
	switch {
	case s == nil:
		return fmt.Errorf("no %s in %s", targetName, ns)
	case string(s.Data[targetKey]) != pemText:
		return fmt.Errorf("%s/%s does not hold the document's ca.pem", ns, targetName)
	case s.Labels[casyncer.ManagedByLabel] != casyncer.ManagedByValue:
		return fmt.Errorf("%s/%s lacks the managed-by label: %v", ns, targetName, s.Labels)
	case s.Type != corev1.SecretTypeOpaque:
		return fmt.Errorf("%s/%s has type %s", ns, targetName, s.Type)
	}
	return nil
}

// allInSync checks the given namespaces against the document.
func (w *world) allInSync(namespaces ...string) error {
	pemText := w.documentPEM(w.t)
	var errs []error
	for _, ns := range namespaces {
		errs = append(errs, w.inSync(ns, pemText))
	}
	return errors.Join(errs...)
}

func (w *world) waitTarget(t *testing.T, ns string, within time.Duration) time.Duration {
	t.Helper()
	pemText := w.documentPEM(t)
	return eventually(t, within, "target in "+ns, func() error { return w.inSync(ns, pemText) })
}

func (w *world) createNamespaceAndWait(t *testing.T, ns string, labels map[string]string, within time.Duration) time.Duration {
	t.Helper()
	pemText := w.documentPEM(t)
	w.k.EnsureNamespace(t, ns, labels)
	w.selected = append(w.selected, ns)
	return eventually(t, within, "target in new namespace "+ns, func() error { return w.inSync(ns, pemText) })
}

// fullPassAfter waits until the syncer has read the document twice after
// since: each read is followed by a reconcile of every namespace, so
// whatever it would do about a namespace made before since, it has done.
func (w *world) fullPassAfter(t *testing.T, s *syncerProc, since time.Time) {
	t.Helper()
	eventually(t, 3*poll+5*time.Second, "a full pass", func() error {
		last := metric(t, s.listen, "vaultboot_ca_syncer_last_successful_read_timestamp_seconds")
		if time.Unix(0, int64(last*1e9)).Before(since.Add(poll)) {
			return errors.New("no read a poll after the change yet")
		}
		return nil
	})
}

func (w *world) expectForeignLeftAlone(t *testing.T, a *syncerProc) {
	ctx := context.Background()
	// The team's Secret exists before the namespace is selected (by label,
	// afterwards), or the syncer would rightly have created its own first.
	ns := w.k.EnsureNamespace(t, "foreign-owned", nil)
	mine := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: targetName, Namespace: ns.Name, Labels: map[string]string{"owner": "team"}},
		Data: map[string][]byte{"ca.crt": []byte("the team's own bundle")}}
	if _, err := w.kube.CoreV1().Secrets(ns.Name).Create(ctx, mine, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ns.Labels = map[string]string{"vault.internal/inject": "true"}
	if _, err := w.kube.CoreV1().Namespaces().Update(ctx, ns, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	var event corev1.Event
	eventually(t, 10*time.Second, "a ForeignObject Event on foreign-owned/vault-ca", func() error {
		evs, err := w.kube.CoreV1().Events("foreign-owned").List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		for _, e := range evs.Items {
			if e.Reason == "ForeignObject" && e.InvolvedObject.Name == targetName && e.InvolvedObject.Kind == "Secret" {
				event = e
				return nil
			}
		}
		return fmt.Errorf("%d events, none ForeignObject", len(evs.Items))
	})
	t.Logf("Event: %s %s: %s", event.Type, event.Reason, event.Message)
	w.fullPassAfter(t, a, time.Now())
	s := w.target("foreign-owned")
	if s == nil || string(s.Data["ca.crt"]) != "the team's own bundle" || s.Labels[casyncer.ManagedByLabel] != "" {
		t.Fatalf("the foreign Secret was changed: %+v", s)
	}
	if n := metric(t, a.listen, "vaultboot_ca_syncer_foreign_objects"); n != 1 {
		t.Errorf("foreign_objects = %g, want 1", n)
	}
}

// expectRefused writes documents the syncer must refuse, as root behind
// Terraform's back, and shows the targets keep the last good bundle; the
// next apply repairs the document.
func (w *world) expectRefused(t *testing.T, a *syncerProc) {
	good := w.v.Read(t, w.cs.DocumentDataPath()).Data["data"].(map[string]any)
	goodPEM := w.documentPEM(t)
	expired := expiredCA(t)
	sum := sha256.Sum256(expired.Raw)
	bad := map[string]func(map[string]any){
		"schema_version 2": func(d map[string]any) { d["schema_version"] = 2 },
		"an expired CA": func(d map[string]any) {
			ca := d["ca"].(map[string]any)
			ca["pem"] = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: expired.Raw}))
			ca["fingerprint_sha256"] = hex.EncodeToString(sum[:])
		},
		"a leaf certificate": func(d map[string]any) {
			ca := d["ca"].(map[string]any)
			ca["pem"] = leafPEM(t)
		},
	}
	for _, name := range []string{"schema_version 2", "an expired CA", "a leaf certificate"} {
		refused := metric(t, a.listen, "vaultboot_ca_syncer_documents_refused_total")
		doc := deepCopy(t, good)
		bad[name](doc)
		w.v.Write(t, w.cs.DocumentDataPath(), map[string]any{"data": doc})
		eventually(t, 3*poll, "refusing "+name, func() error {
			if metric(t, a.listen, "vaultboot_ca_syncer_documents_refused_total") <= refused {
				return errors.New("not refused yet")
			}
			return nil
		})
		if err := w.inSyncWith(goodPEM, w.selected...); err != nil {
			t.Fatalf("after a document with %s: %v", name, err)
		}
		t.Logf("refused %s: %s", name, lastLine(a.Grep(t, "refusing the document")))
	}
	w.tf.Apply(t)
	w.tf.PlanIsEmpty(t)
}

func (w *world) inSyncWith(pemText string, namespaces ...string) error {
	var errs []error
	for _, ns := range namespaces {
		errs = append(errs, w.inSync(ns, pemText))
	}
	return errors.Join(errs...)
}

// expectOutageSurvived seals Vault for 30 s: every target stays as it is
// all along (checked every second), and after unsealing the syncer reads
// again and serves a namespace created during the outage.
func (w *world) expectOutageSurvived(t *testing.T, a *syncerProc) {
	pemText := w.documentPEM(t)
	w.v.Seal(t)
	sealed := time.Now()
	w.k.EnsureNamespace(t, "team-during-outage", nil)
	for time.Since(sealed) < 30*time.Second {
		if err := w.inSyncWith(pemText, w.selected...); err != nil {
			t.Fatalf("%s into the outage: %v", time.Since(sealed).Round(time.Second), err)
		}
		if a.Exited() {
			t.Fatalf("the syncer exited during the outage:\n%s", a.Log())
		}
		time.Sleep(time.Second) // the outage lasts 30 s by design; each second re-checks the targets
	}
	if n := metric(t, a.listen, "vaultboot_ca_syncer_targets_in_sync"); n < 1 {
		t.Errorf("targets_in_sync %g during the outage", n)
	}
	w.v.Unseal(t)
	unsealed := time.Now()
	w.fullPassAfter(t, a, unsealed.Add(-poll))
	w.selected = append(w.selected, "team-during-outage")
	if err := w.inSyncWith(pemText, w.selected...); err != nil {
		t.Fatal(err)
	}
	t.Logf("after 30 s sealed: caught up %s after unseal; backoff lines: %d", time.Since(unsealed).Round(time.Millisecond), len(a.Grep(t, "keeping what is published")))
}

// expectOneWriter starts a second replica: it waits as a standby and writes
// nothing; when the leader dies it takes over and serves new namespaces.
func (w *world) expectOneWriter(t *testing.T, a *syncerProc) {
	b := w.startSyncer("syncer-b")
	eventually(t, 30*time.Second, "syncer-b ready", func() error {
		resp, err := http.Get("http://" + b.listen + "/readyz")
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return errors.New(resp.Status)
		}
		return nil
	})
	w.createNamespaceAndWait(t, "team-two-replicas", nil, 5*time.Second)
	w.fullPassAfter(t, b, time.Now())
	if metric(t, b.listen, "vaultboot_ca_syncer_leader") != 0 || metric(t, a.listen, "vaultboot_ca_syncer_leader") != 1 {
		t.Fatal("both or neither replica lead")
	}
	for _, write := range []string{"publishing the CA", "restoring the target", "removing the target"} {
		if lines := b.Grep(t, write); len(lines) > 0 {
			t.Fatalf("the standby wrote: %v", lines)
		}
	}
	a.Kill()
	killed := time.Now()
	w.waitLeader(b, "syncer-b")
	t.Logf("syncer-b took over %s after syncer-a was killed (lease %s)", time.Since(killed).Round(time.Millisecond), "15s")
	w.createNamespaceAndWait(t, "team-after-failover", nil, 5*time.Second)
	if err := w.allInSync(w.selected...); err != nil {
		t.Fatal(err)
	}
}

// expectLeastPrivilege logs in as the syncer's service account, as the
// syncer does, and shows what its Vault token may read.
func (w *world) expectLeastPrivilege(t *testing.T) {
	token, err := w.v.LoginKubernetes("kubernetes", w.cs.RoleName(), w.k.ServiceAccountToken(t, syncerNS, syncerSA))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		w.cs.DocumentDataPath():               "read",
		"pki/cert/ca_chain":                   "read",
		"secret/data/" + e2eEnv + "/payments": "deny",
		"secret/data/" + e2eEnv + "/billing":  "deny",
		"secret/data/_vaultboot/environment":  "deny",
		w.cs.DocumentMetadataPath():           "deny",
		"pki/issue/any":                       "deny",
	}
	for path, capability := range want {
		if caps := w.v.Capabilities(t, token, path); !slices.Contains(caps, capability) {
			t.Errorf("syncer token on %s: %v, want %s", path, caps, capability)
		}
	}
	if _, err := w.v.ClientWithToken(t, token).Logical().Read("secret/data/" + e2eEnv + "/payments"); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("syncer token reading an app secret: %v", err)
	}
}

// TestSyncerManyNamespaces measures how long 200 new namespaces take to all
// hold the target. It is a measurement for the README, not a timed
// assertion: it fails only if they never converge.
func TestSyncerManyNamespaces(t *testing.T) {
	w := setupWorld(t)
	a := w.startSyncer("syncer-bench")
	w.waitLeader(a, "syncer-bench")
	const n = 200
	pemText := w.documentPEM(t)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { w.k.EnsureNamespace(t, fmt.Sprintf("team-bench-%03d", i), nil) })
	}
	wg.Wait()
	created := time.Since(start)
	took := eventually(t, 3*time.Minute, "200 namespaces in sync", func() error {
		for i := range n {
			if err := w.inSync(fmt.Sprintf("team-bench-%03d", i), pemText); err != nil {
				return err
			}
		}
		return nil
	})
	t.Logf("BENCH: %d namespaces created in %s; all %d targets in sync %s after the first creation", n, created.Round(time.Millisecond), n, (took + created).Round(time.Millisecond))
}

func lastLine(lines []string) string {
	if len(lines) == 0 {
		return "(no log line)"
	}
	return lines[len(lines)-1]
}

// expiredCA is a CA certificate that expired yesterday.
func expiredCA(t *testing.T) *x509.Certificate {
	t.Helper()
	return selfSigned(t, "expired e2e CA", true, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
}

// leafPEM is a valid certificate that is not a CA.
func leafPEM(t *testing.T) string {
	t.Helper()
	c := selfSigned(t, "leaf", false, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
}

func selfSigned(t *testing.T, cn string, isCA bool, notBefore, notAfter time.Time) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: notBefore, NotAfter: notAfter, IsCA: isCA, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// deepCopy copies a document read from Vault, so a test can spoil it.
func deepCopy(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
