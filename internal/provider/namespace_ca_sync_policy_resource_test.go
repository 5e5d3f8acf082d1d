package provider

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/cabundle"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// The CA sync tests use their own Kubernetes auth mount on the shared
// Vault, so the access proof's configuration of it cannot disturb (or be
// disturbed by) the app tests' mount. CA sync policy names used here:
// internal, bundle, proof, proof-kv, foreign, errors.
const caSyncK8sMount = "kubernetes-casync"

// caSyncConfig is the shared Vault's provider block with the CA sync
// tests' Kubernetes auth mount, followed by body.
func caSyncConfig(t *testing.T, body string) string {
	return testAccConfig(t, body, fmt.Sprintf("conventions {\n    kubernetes_auth_mount = %q\n  }", caSyncK8sMount))
}

// caSyncResource renders a policy with the given ca_source body and the
// rest of the blocks.
func caSyncResource(name, source, rest string) string {
	return fmt.Sprintf(`
resource "vaultboot_namespace_ca_sync_policy" %[1]q {
  name = %[1]q
  ca_source {
%[2]s
  }
%[3]s
}
`, name, source, rest)
}

const caSyncDefaultBlocks = `
  namespaces {
    match_names    = ["payments", "billing"]
    match_prefixes = ["team-"]
    exclude_names  = ["team-legacy"]
  }
  target {
    kind   = "ConfigMap"
    labels = { "app.kubernetes.io/managed-by" = "vaultboot" }
  }
  syncer {
    namespace       = "vault-system"
    service_account = "ca-syncer"
  }
`

func fingerprint(t *testing.T, pemText string) string {
	t.Helper()
	b, err := cabundle.Parse(pemText)
	if err != nil {
		t.Fatalf("test CA does not parse: %v", err)
	}
	return b.FingerprintSHA256
}

// testCert returns a self-signed certificate as PEM, for sources the test
// controls (inline PEM, KV) and for the bad ones (leaf, expired).
func testCert(t *testing.T, cn string, isCA bool, notAfter time.Time) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             notAfter.AddDate(-2, 0, 0),
		NotAfter:              notAfter,
		BasicConstraintsValid: true,
		IsCA:                  isCA,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func caSyncNames(t *testing.T, name string) naming.CASync {
	t.Helper()
	env, err := testOwnedEnv(testAccEnv, naming.Conventions{KVMount: "secret", KubernetesAuthMount: caSyncK8sMount, OIDCAuthMount: "oidc"})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := env.CASync(name)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// readDocument reads a policy's document as root, the way a syncer does.
func readDocument(c *api.Client, cs naming.CASync) (naming.CASyncDocument, error) {
	s, err := c.Logical().Read(cs.DocumentDataPath())
	if err != nil {
		return naming.CASyncDocument{}, err
	}
	if s == nil {
		return naming.CASyncDocument{}, fmt.Errorf("no document at %s", cs.DocumentDataPath())
	}
	data, _ := s.Data["data"].(map[string]any)
	return naming.ParseCASyncDocument(data)
}

// checkCASyncInVault asserts the three objects through the root client: the
// policy is ours and grants exactly read on wantPaths, the role binds only
// the syncer to only the policy, and the document passes check.
func checkCASyncInVault(t *testing.T, name string, wantPaths []string, check func(naming.CASyncDocument) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		v, cs := testharness.Shared(t), caSyncNames(t, name)
		policy, err := v.Client.Sys().GetPolicy(cs.PolicyName())
		if err != nil {
			return err
		}
		if naming.PolicyOwner(policy) != cs.Owner() {
			return fmt.Errorf("policy %s has no vaultboot header:\n%s", cs.PolicyName(), policy)
		}
		var got []string
		for _, m := range regexp.MustCompile(`path "([^"]+)" \{\n  capabilities = \["read"\]\n\}`).FindAllStringSubmatch(policy, -1) {
			got = append(got, m[1])
		}
		if !slices.Equal(got, wantPaths) || strings.Count(policy, "path ") != len(wantPaths) {
			return fmt.Errorf("policy grants read on %v, want %v:\n%s", got, wantPaths, policy)
		}
		role, err := v.Client.Logical().Read(cs.RolePath())
		if err != nil || role == nil {
			return fmt.Errorf("role %s: %w", cs.RolePath(), err)
		}
		for field, want := range map[string]string{
			"bound_service_account_names":      "[ca-syncer]",
			"bound_service_account_namespaces": "[vault-system]",
			"token_policies":                   "[" + cs.PolicyName() + "]",
		} {
			if got := fmt.Sprint(role.Data[field]); got != want {
				return fmt.Errorf("role %s = %s, want %s", field, got, want)
			}
		}
		meta, err := v.Client.Logical().Read(cs.DocumentMetadataPath())
		if err != nil || meta == nil {
			return fmt.Errorf("document metadata: %w", err)
		}
		custom, _ := meta.Data["custom_metadata"].(map[string]any)
		if custom[naming.MarkerKey] != naming.MarkerValue || custom[naming.OwnerKey] != cs.Owner() {
			return fmt.Errorf("document metadata lacks vaultboot's markers: %v", custom)
		}
		doc, err := readDocument(v.Client, cs)
		if err != nil {
			return err
		}
		return check(doc)
	}
}

// checkCASyncGone is CheckDestroy: nothing of the policy remains.
func checkCASyncGone(t *testing.T, names ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		v := testharness.Shared(t)
		for _, name := range names {
			cs := caSyncNames(t, name)
			for _, p := range []string{naming.PolicyPath(cs.PolicyName()), cs.RolePath(), cs.DocumentMetadataPath()} {
				s, err := v.Client.Logical().Read(p)
				if err != nil {
					return err
				}
				if s != nil {
					return fmt.Errorf("%s still exists after destroy", p)
				}
			}
		}
		return nil
	}
}

func docMatches(fp string, kind string) func(naming.CASyncDocument) error {
	return func(d naming.CASyncDocument) error {
		if d.CA.FingerprintSHA256 != fp {
			return fmt.Errorf("document fingerprint %s, want %s", d.CA.FingerprintSHA256, fp)
		}
		if d.Target.Kind != kind || d.Target.Name != "vault-ca" || d.Target.Key != "ca.crt" {
			return fmt.Errorf("document target %+v", d.Target)
		}
		return nil
	}
}

// TestAccNamespaceCASyncPolicy_pki follows a policy whose CA comes from a
// real PKI mount through create, in-place update, a CA rotation, drift of
// each managed object, deletion out of band, import and destroy.
func TestAccNamespaceCASyncPolicy_pki(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, caSyncK8sMount, "kubernetes")
	first := v.GenerateRootCA(t, "pki-casync", "vaultboot test root 1", "87600h")
	var rotated string
	res := "vaultboot_namespace_ca_sync_policy.internal"
	cs := caSyncNames(t, "internal")
	source := `    pki_mount = "pki-casync"`
	cfg := caSyncConfig(t, caSyncResource("internal", source, caSyncDefaultBlocks))
	cfgSecret := strings.Replace(cfg, `kind   = "ConfigMap"`, `kind   = "Secret"`, 1)
	paths := []string{"pki-casync/cert/ca_chain", "secret/data/_vaultboot/acc/ca-sync/internal"}
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate)}}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCASyncGone(t, "internal"),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("id"), knownvalue.StringExact("internal")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("policy_name"), knownvalue.StringExact("acc-ca-sync-internal")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("kubernetes_role"), knownvalue.StringExact("acc-ca-sync-internal")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("token_policies"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("acc-ca-sync-internal")})),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("document_path"), knownvalue.StringExact("secret/data/_vaultboot/acc/ca-sync/internal")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("ca_fingerprint_sha256"), knownvalue.StringExact(fingerprint(t, first))),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("ca_not_after"), knownvalue.StringRegexp(regexp.MustCompile(`^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("target").AtMapKey("name"), knownvalue.StringExact("vault-ca")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("target").AtMapKey("key"), knownvalue.StringExact("ca.crt")),
				},
				Check: checkCASyncInVault(t, "internal", paths, func(d naming.CASyncDocument) error {
					want := naming.CASyncSource{Type: "pki", PKIMount: "pki-casync", ReadPath: "pki-casync/cert/ca_chain"}
					if d.Source != want || d.SchemaVersion != 1 || d.Environment != "acc" || d.Name != "internal" {
						return fmt.Errorf("document header %+v %+v", d.Source, d)
					}
					if !slices.Equal(d.Namespaces.MatchNames, []string{"billing", "payments"}) || !slices.Equal(d.Namespaces.ExcludeNames, []string{"team-legacy"}) {
						return fmt.Errorf("document selector %+v", d.Namespaces)
					}
					if d.CA.PEM != strings.TrimSpace(first)+"\n" {
						return fmt.Errorf("document PEM is not the PKI mount's CA")
					}
					return docMatches(fingerprint(t, first), "ConfigMap")(d)
				}),
			},
			{
				Config:           cfgSecret,
				ConfigPlanChecks: update,
				Check:            checkCASyncInVault(t, "internal", paths, docMatches(fingerprint(t, first), "Secret")),
			},
			{
				// A rotated CA shows in the plan as a new fingerprint, and
				// apply publishes it.
				PreConfig: func() { rotated = v.RotateRootCA(t, "pki-casync", "vaultboot test root 2", "87600h") },
				Config:    cfgSecret,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("ca_fingerprint_sha256"), knownvalue.StringFunc(func(got string) error {
						if want := fingerprint(t, rotated); got != want || got == fingerprint(t, first) {
							return fmt.Errorf("planned fingerprint %s, want the rotated CA's %s", got, want)
						}
						return nil
					})),
				}},
				Check: func(s *terraform.State) error {
					return checkCASyncInVault(t, "internal", paths, docMatches(fingerprint(t, rotated), "Secret"))(s)
				},
			},
			{
				PreConfig: func() {
					v.Write(t, naming.PolicyPath(cs.PolicyName()), map[string]any{"policy": "# managed by vaultboot: acc/ca-sync/internal\npath \"secret/data/*\" {\n  capabilities = [\"read\"]\n}\n"})
				},
				Config:           cfgSecret,
				ConfigPlanChecks: update,
				Check: func(s *terraform.State) error {
					return checkCASyncInVault(t, "internal", paths, docMatches(fingerprint(t, rotated), "Secret"))(s)
				},
			},
			{
				PreConfig: func() {
					v.Write(t, cs.RolePath(), map[string]any{"bound_service_account_names": []string{"ca-syncer", "intruder"}, "token_policies": []string{cs.PolicyName(), "default-plus"}})
				},
				Config:           cfgSecret,
				ConfigPlanChecks: update,
				Check: func(s *terraform.State) error {
					return checkCASyncInVault(t, "internal", paths, docMatches(fingerprint(t, rotated), "Secret"))(s)
				},
			},
			{
				PreConfig: func() {
					doc, err := readDocument(v.Client, cs)
					if err != nil {
						t.Fatal(err)
					}
					doc.Target.Name = "someone-elses-ca"
					doc.Namespaces.MatchPrefixes = append(doc.Namespaces.MatchPrefixes, "kube-")
					v.Write(t, cs.DocumentDataPath(), map[string]any{"data": doc.Data()})
				},
				Config:           cfgSecret,
				ConfigPlanChecks: update,
				Check: func(s *terraform.State) error {
					return checkCASyncInVault(t, "internal", paths, docMatches(fingerprint(t, rotated), "Secret"))(s)
				},
			},
			{
				// Everything deleted out of band: the resource is gone and
				// the plan creates it again.
				PreConfig: func() {
					v.Delete(t, cs.RolePath())
					v.Delete(t, naming.PolicyPath(cs.PolicyName()))
					v.Delete(t, cs.DocumentMetadataPath())
				},
				Config: cfgSecret,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionCreate),
				}},
				Check: func(s *terraform.State) error {
					return checkCASyncInVault(t, "internal", paths, docMatches(fingerprint(t, rotated), "Secret"))(s)
				},
			},
			{
				ResourceName:      res,
				ImportState:       true,
				ImportStateId:     "internal",
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccNamespaceCASyncPolicy_pemAndKV publishes inline PEM, switches to a
// KV source in place, follows a CA change in KV, and imports both kinds.
func TestAccNamespaceCASyncPolicy_pemAndKV(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, caSyncK8sMount, "kubernetes")
	caA := testCert(t, "vaultboot inline CA", true, time.Now().AddDate(3, 0, 0))
	caB := testCert(t, "vaultboot kv CA", true, time.Now().AddDate(4, 0, 0))
	kvPath := "secret/data/platform/casync-bundle"
	res := "vaultboot_namespace_ca_sync_policy.bundle"
	blocks := `
  namespaces {
    match_labels = { "vault.internal/ca" = "true" }
  }
  target {
    kind        = "Secret"
    name        = "internal-ca"
    key         = "bundle.pem"
    annotations = { "vaultboot.io/source" = "terraform" }
  }
  syncer {
    namespace       = "vault-system"
    service_account = "ca-syncer"
  }
`
	pemCfg := caSyncConfig(t, caSyncResource("bundle", fmt.Sprintf("    pem = <<-EOT\n%s    EOT", indent(caA)), blocks))
	kvCfg := caSyncConfig(t, caSyncResource("bundle", `    kv_path = "platform/casync-bundle"
    kv_key  = "ca.pem"`, blocks))
	docPath := "secret/data/_vaultboot/acc/ca-sync/bundle"
	targetOK := func(fp string, src naming.CASyncSource) func(naming.CASyncDocument) error {
		return func(d naming.CASyncDocument) error {
			if d.CA.FingerprintSHA256 != fp || d.Source != src {
				return fmt.Errorf("document CA %s source %+v, want %s %+v", d.CA.FingerprintSHA256, d.Source, fp, src)
			}
			if d.Target.Kind != "Secret" || d.Target.Name != "internal-ca" || d.Target.Key != "bundle.pem" || d.Namespaces.MatchLabels["vault.internal/ca"] != "true" {
				return fmt.Errorf("document target %+v selector %+v", d.Target, d.Namespaces)
			}
			return nil
		}
	}
	kvSource := naming.CASyncSource{Type: "kv", KVMount: "secret", KVPath: "platform/casync-bundle", KVKey: "ca.pem", ReadPath: kvPath}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCASyncGone(t, "bundle"),
		Steps: []resource.TestStep{
			{
				Config: pemCfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("ca_fingerprint_sha256"), knownvalue.StringExact(fingerprint(t, caA))),
				},
				Check: checkCASyncInVault(t, "bundle", []string{docPath}, targetOK(fingerprint(t, caA), naming.CASyncSource{Type: "pem"})),
			},
			{ResourceName: res, ImportState: true, ImportStateId: "bundle", ImportStateVerify: true},
			{
				PreConfig: func() { v.Write(t, kvPath, map[string]any{"data": map[string]any{"ca.pem": caA}}) },
				Config:    kvCfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
				}},
				Check: checkCASyncInVault(t, "bundle", []string{kvPath, docPath}, targetOK(fingerprint(t, caA), kvSource)),
			},
			{
				PreConfig: func() { v.Write(t, kvPath, map[string]any{"data": map[string]any{"ca.pem": caB + caA}}) },
				Config:    kvCfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("ca_fingerprint_sha256"), knownvalue.StringExact(fingerprint(t, caB+caA))),
				}},
				Check: checkCASyncInVault(t, "bundle", []string{kvPath, docPath}, func(d naming.CASyncDocument) error {
					if len(d.CA.Certificates) != 2 || d.CA.Certificates[0].Subject != "CN=vaultboot kv CA" {
						return fmt.Errorf("document certificates %+v", d.CA.Certificates)
					}
					return targetOK(fingerprint(t, caB+caA), kvSource)(d)
				}),
			},
			{ResourceName: res, ImportState: true, ImportStateId: "bundle", ImportStateVerify: true},
		},
	})
}

// indent nests PEM text in a heredoc.
func indent(s string) string {
	return "      " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n      ") + "\n"
}

// TestAccNamespaceCASyncPolicy_errors shows every input the policy refuses,
// each with its message, and that nothing is written for them.
func TestAccNamespaceCASyncPolicy_errors(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, caSyncK8sMount, "kubernetes")
	v.EnableSecrets(t, "pki-casync-empty", "pki", nil) // a PKI mount without a CA
	v.Write(t, "secret/data/platform/casync-notca", map[string]any{"data": map[string]any{"ca.crt": "", "other": "x"}})
	good := testCert(t, "vaultboot good CA", true, time.Now().AddDate(1, 0, 0))
	leaf := testCert(t, "leaf.internal", false, time.Now().AddDate(1, 0, 0))
	expired := testCert(t, "vaultboot expired CA", true, time.Now().Add(-time.Hour))
	heredoc := func(p string) string { return fmt.Sprintf("    pem = <<-EOT\n%s    EOT", indent(p)) }
	cfg := func(source, blocks string) string { return caSyncConfig(t, caSyncResource("errors", source, blocks)) }
	step := func(source, blocks string, want ...string) resource.TestStep {
		return resource.TestStep{Config: cfg(source, blocks), ExpectError: testharness.ErrorRE(want...)}
	}
	b := caSyncDefaultBlocks
	swap := func(from, to string) string { return strings.Replace(b, from, to, 1) }

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCASyncGone(t, "errors"),
		Steps: []resource.TestStep{
			step(`    pem = "not a certificate"`, b, "Invalid CA Bundle", "not PEM"),
			step(heredoc(leaf), b, "Invalid CA Bundle", "not a CA certificate"),
			step(heredoc(good+"-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n"), b, `"PRIVATE KEY" block`),
			step(heredoc(expired), b, "CA Certificate Expired", "expired on"),
			step(`    pki_mount = "pki-casync-empty"`, b, "pki-casync-empty/cert/ca_chain", "HTTP 400: no default issuer", `The PKI mount "pki-casync-empty" has no CA certificate`),
			step(`    pki_mount = "pki-casync-nothere"`, b, "pki-casync-nothere/cert/ca_chain", "no PKI mount, or a PKI mount without a CA"),
			step(`    kv_path = "platform/casync-missing"`, b, "secret/data/platform/casync-missing", "no KV v2 secret there"),
			step(`    kv_path = "platform/casync-notca"
    kv_key  = "ca.pem"`, b, `has no key "ca.pem" (its keys: "ca.crt", "other")`),
			step(`    kv_path = "platform/casync-notca"`, b, "secret/data/platform/casync-notca", "the CA bundle is empty"),
			step(`    pki_mount = "pki-casync"
    kv_path   = "platform/x"`, b, "Invalid Attribute Combination"),
			step(`    pki_mount = "pki-casync"
    kv_key    = "ca.pem"`, b, "Invalid Attribute Combination", "kv_path"),
			step(`    kv_path = "../sys/x"`, b, "Invalid KV Path"),
			step(`    kv_path = "acc/payments"`, b, "Invalid CA Source", `lies inside "acc/"`),
			step(`    kv_path = "_vaultboot/acc/ca-sync/other"`, b, "Invalid KV Path"),
			step(`    pki_mount = "pki-casync"`, swap(`match_names    = ["payments", "billing"]
    match_prefixes = ["team-"]`, ``), "Namespace Selector Selects Nothing", "Set at least one of match_names, match_prefixes or match_labels"),
			// Empty selectors count as absent, so they cannot select everything.
			step(`    pki_mount = "pki-casync"`, swap(`match_names    = ["payments", "billing"]
    match_prefixes = ["team-"]`, `match_names    = []
    match_prefixes = []
    match_labels   = {}`), "Namespace Selector Selects Nothing"),
			step(`    pki_mount = "pki-casync"`, swap(`"payments"`, `"*"`), "Invalid Kubernetes Namespace"),
			step(`    pki_mount = "pki-casync"`, swap(`"team-"`, `"team*"`), "Invalid Kubernetes Namespace Prefix"),
			step(`    pki_mount = "pki-casync"`, swap(`kind   = "ConfigMap"`, `kind   = "Pod"`), "value must be one of"),
			step(`    pki_mount = "pki-casync"`, swap(`kind   = "ConfigMap"`, `kind = "Secret"
    name = "Vault_CA"`), "Invalid Kubernetes Object Name"),
			step(`    pki_mount = "pki-casync"`, swap(`"app.kubernetes.io/managed-by" = "vaultboot"`, `"app.kubernetes.io/managed-by" = "vault boot"`), "Invalid Kubernetes Label Value"),
			step(`    pki_mount = "pki-casync"`, swap(`service_account = "ca-syncer"`, `service_account = "*"`), "Invalid Kubernetes Object Name"),
			step(`    pki_mount = "pki-casync"`, swap(`  syncer {
    namespace       = "vault-system"
    service_account = "ca-syncer"
  }`, ``), "Invalid Block"),
			{Config: caSyncConfig(t, caSyncResource("ca-sync-x", `    pki_mount = "pki-casync"`, b)), ExpectError: testharness.ErrorRE("reserved prefix")},
		},
	})
	// Every refused apply failed before its first write.
	if err := checkCASyncGone(t, "errors")(nil); err != nil {
		t.Error(err)
	}
}

// TestAccNamespaceCASyncPolicy_foreign shows that create never takes over a
// policy, role or document vaultboot did not make, and that adopt_existing
// does, repairing all three.
func TestAccNamespaceCASyncPolicy_foreign(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, caSyncK8sMount, "kubernetes")
	cs := caSyncNames(t, "foreign")
	foreignPolicy := "path \"secret/data/foreign\" {\n  capabilities = [\"read\"]\n}\n"
	v.Write(t, naming.PolicyPath(cs.PolicyName()), map[string]any{"policy": foreignPolicy})
	v.Write(t, cs.RolePath(), map[string]any{"bound_service_account_names": []string{"someone"}, "bound_service_account_namespaces": []string{"elsewhere"}, "token_policies": []string{"other"}})
	v.Write(t, cs.DocumentDataPath(), map[string]any{"data": map[string]any{"hello": "world"}})
	pemCA := testCert(t, "vaultboot foreign CA", true, time.Now().AddDate(1, 0, 0))
	src := fmt.Sprintf("    pem = <<-EOT\n%s    EOT", indent(pemCA))
	unchanged := func() {
		t.Helper()
		if p, _ := v.Client.Sys().GetPolicy(cs.PolicyName()); p != foreignPolicy {
			t.Errorf("foreign policy changed:\n%s", p)
		}
		if r := v.Read(t, cs.RolePath()); fmt.Sprint(r.Data["token_policies"]) != "[other]" {
			t.Errorf("foreign role changed: %v", r.Data)
		}
		if d := v.Read(t, cs.DocumentDataPath()); fmt.Sprint(d.Data["data"]) != "map[hello:world]" {
			t.Errorf("foreign document changed: %v", d.Data["data"])
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCASyncGone(t, "foreign"),
		Steps: []resource.TestStep{
			{
				Config: caSyncConfig(t, caSyncResource("foreign", src, caSyncDefaultBlocks)),
				ExpectError: testharness.ErrorRE(
					`The policy "acc-ca-sync-foreign" (sys/policies/acl/acc-ca-sync-foreign) already exists; import it or set adopt_existing = true`,
					"Kubernetes auth role auth/kubernetes-casync/role/acc-ca-sync-foreign already exists",
					"document secret/metadata/_vaultboot/acc/ca-sync/foreign already exists"),
			},
			{
				PreConfig: unchanged,
				Config:    caSyncConfig(t, caSyncResource("foreign", src, caSyncDefaultBlocks+"  adopt_existing = true\n")),
				Check:     checkCASyncInVault(t, "foreign", []string{cs.DocumentDataPath()}, docMatches(fingerprint(t, pemCA), "ConfigMap")),
			},
		},
	})
}

// TestAccNamespaceCASyncPolicy_accessProof logs in as the syncer's service
// account through auth/kubernetes (the real API server's TokenRequest token)
// and shows it reads
// its document and its CA source, and nothing else: not another policy's
// document or source, not an app's secret, not the stamp, no write.
func TestAccNamespaceCASyncPolicy_accessProof(t *testing.T) {
	v := testharness.Shared(t)
	k := testharness.SharedKube(t)
	v.ConfigureKubernetesAuth(t, caSyncK8sMount, k)
	reviews := k.TokenReviews(t)
	v.GenerateRootCA(t, "pki-casync-proof", "vaultboot proof root", "87600h")
	kvCA := testCert(t, "vaultboot proof kv CA", true, time.Now().AddDate(2, 0, 0))
	v.Write(t, "secret/data/platform/casync-proof", map[string]any{"data": map[string]any{"ca.crt": kvCA}})
	v.Write(t, "secret/data/acc/casync-proof-app", map[string]any{"data": map[string]any{"DB_PASSWORD": "s3cret"}})
	syncer := func(sa string) string {
		return fmt.Sprintf(`
  namespaces {
    match_prefixes = ["team-"]
  }
  target {
    kind = "ConfigMap"
  }
  syncer {
    namespace       = "vault-system"
    service_account = %q
  }
`, sa)
	}
	cfg := caSyncConfig(t, caSyncResource("proof", `    pki_mount = "pki-casync-proof"`, syncer("ca-syncer"))+
		caSyncResource("proof-kv", `    kv_path = "platform/casync-proof"`, syncer("ca-syncer-kv")))
	pki, kv := caSyncNames(t, "proof"), caSyncNames(t, "proof-kv")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkCASyncGone(t, "proof", "proof-kv"),
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: func(*terraform.State) error {
				token, err := v.LoginKubernetes(caSyncK8sMount, pki.RoleName(), k.ServiceAccountToken(t, "vault-system", "ca-syncer"))
				if err != nil {
					return fmt.Errorf("syncer login: %w", err)
				}
				proveAccess(t, v, token, map[string]string{
					pki.DocumentDataPath():                    "read",
					"pki-casync-proof/cert/ca_chain":          "read",
					kv.DocumentDataPath():                     "deny",
					"secret/data/platform/casync-proof":       "deny",
					pki.DocumentMetadataPath():                "deny",
					"secret/data/acc/casync-proof-app":        "deny",
					"secret/data/_vaultboot/environment":      "deny",
					"pki-casync-proof/issue/any":              "deny",
					"pki-casync-proof/root/generate/internal": "deny",
					naming.PolicyPath(pki.PolicyName()):       "deny",
					pki.RolePath():                            "deny",
				})
				client := v.ClientWithToken(t, token)
				logDocument(t, client, pki)
				if _, err := client.Logical().Write(pki.DocumentDataPath(), map[string]any{"data": map[string]any{"x": "y"}}); !(vaultclient.StatusOf(err) == http.StatusForbidden) {
					t.Errorf("syncer wrote its document: %v", err)
				}
				for _, p := range []string{kv.DocumentDataPath(), "secret/data/acc/casync-proof-app"} {
					if _, err := client.Logical().Read(p); !(vaultclient.StatusOf(err) == http.StatusForbidden) {
						t.Errorf("syncer read %s: %v", p, err)
					}
				}
				if chain, err := client.Logical().Read("pki-casync-proof/cert/ca_chain"); err != nil || chain == nil {
					t.Errorf("syncer cannot read its CA chain: %v", err)
				}
				self, err := client.Auth().Token().LookupSelf()
				if err != nil {
					return err
				}
				if got := fmt.Sprint(self.Data["policies"]); got != "[acc-ca-sync-proof default]" {
					t.Errorf("syncer token policies %s", got)
				}

				kvToken, err := v.LoginKubernetes(caSyncK8sMount, kv.RoleName(), k.ServiceAccountToken(t, "vault-system", "ca-syncer-kv"))
				if err != nil {
					return fmt.Errorf("kv syncer login: %w", err)
				}
				proveAccess(t, v, kvToken, map[string]string{
					kv.DocumentDataPath():                 "read",
					"secret/data/platform/casync-proof":   "read",
					"secret/data/platform/other":          "deny",
					"secret/data/platform/casync-proof/x": "deny",
					pki.DocumentDataPath():                "deny",
					"secret/data/acc/casync-proof-app":    "deny",
				})
				kvClient := v.ClientWithToken(t, kvToken)
				if s, err := kvClient.Logical().Read("secret/data/platform/casync-proof"); err != nil || s == nil {
					t.Errorf("kv syncer cannot read its CA source: %v", err)
				}

				refusals := map[string]struct{ role, ns, sa, want string }{
					"other service account": {pki.RoleName(), "vault-system", "intruder", "service account name not authorized"},
					"other namespace":       {pki.RoleName(), "default", "ca-syncer", "namespace not authorized"},
					"other policy's syncer": {kv.RoleName(), "vault-system", "ca-syncer", "service account name not authorized"},
				}
				for name, r := range refusals {
					_, err := v.LoginKubernetes(caSyncK8sMount, r.role, k.ServiceAccountToken(t, r.ns, r.sa))
					if err == nil || !strings.Contains(err.Error(), r.want) {
						t.Errorf("%s: login error %v, want %q", name, err, r.want)
					} else {
						t.Logf("refused as expected (%s): %s", name, r.want)
					}
				}
				if k.TokenReviews(t) == reviews {
					t.Error("the API server answered no TokenReview: the logins did not go through Kubernetes auth")
				}
				return nil
			},
		}},
	})
}

// proveAccess checks the token's capabilities on each path as Vault itself
// reports them, and logs each result.
func proveAccess(t *testing.T, v *testharness.Vault, token string, want map[string]string) {
	t.Helper()
	for p, w := range want {
		got := strings.Join(v.Capabilities(t, token, p), ",")
		if got != w {
			t.Errorf("capabilities on %s = %s, want %s", p, got, w)
		} else {
			t.Logf("capabilities on %-50s %s", p, got)
		}
	}
}

// logDocument prints the document exactly as the syncer reads it: the data
// of its KV v2 read, as JSON.
func logDocument(t *testing.T, c *api.Client, cs naming.CASync) {
	t.Helper()
	s, err := c.Logical().Read(cs.DocumentDataPath())
	if err != nil || s == nil {
		t.Fatalf("syncer cannot read its document: %v", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	_ = enc.Encode(s.Data["data"])
	t.Logf("GET /v1/%s as the syncer, .data.data:\n%s", cs.DocumentDataPath(), buf.String())
}

// TestAccNamespaceCASyncPolicy_planDiagnostics checks the plan-time
// diagnostics that terraform-plugin-testing cannot assert (warnings) by
// calling the plan step directly with a real client on the shared Vault.
func TestAccNamespaceCASyncPolicy_planDiagnostics(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableSecrets(t, "pki-casync-empty", "pki", nil)
	client := testClient(t, v, testAccEnv)
	r := &caSyncPolicyResource{vaultResource{client: client}}
	cs := caSyncNames(t, "errors")
	soon := testCert(t, "vaultboot expiring CA", true, time.Now().Add(10*24*time.Hour))
	pki, _ := naming.NewCASource("pki-casync-empty", "")

	cases := map[string]struct {
		src      caSource
		severity diag.Severity
		summary  string
		detail   string
	}{
		"expires soon": {caSource{pem: soon}, diag.SeverityWarning, "CA Certificate Expires Soon", "in 9 days"},
		"no CA yet":    {caSource{src: pki}, diag.SeverityWarning, "CA Source Not Readable Yet", "no default issuer"},
		"expired":      {caSource{pem: testCert(t, "old", true, time.Now().Add(-time.Minute))}, diag.SeverityError, "CA Certificate Expired", "expired on"},
		"not PEM":      {caSource{pem: "junk"}, diag.SeverityError, "Invalid CA Source", "not PEM"},
	}
	for name, c := range cases {
		var diags diag.Diagnostics
		b := r.planBundle(context.Background(), cs, c.src, &diags)
		if len(diags) != 1 || diags[0].Severity() != c.severity || diags[0].Summary() != c.summary || !strings.Contains(diags[0].Detail(), c.detail) {
			t.Errorf("%s: diagnostics %v", name, diags)
			continue
		}
		if (b != nil) != (c.severity == diag.SeverityWarning && c.summary == "CA Certificate Expires Soon") {
			t.Errorf("%s: bundle returned = %v", name, b != nil)
		}
		t.Logf("%s: %s: %s", name, diags[0].Summary(), diags[0].Detail())
	}
}

// testClient is a vaultboot client for environment env on v, as the
// provider builds it.
func testClient(t *testing.T, v *testharness.Vault, env string) *vaultclient.Client {
	t.Helper()
	e, err := testOwnedEnv(env, naming.DefaultConventions())
	if err != nil {
		t.Fatal(err)
	}
	c, err := vaultclient.New(context.Background(), vaultclient.Config{Address: v.Addr, Token: v.Token, Env: e, RetryTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func timeNowPlusYear() time.Time { return time.Now().AddDate(1, 0, 0) }

// TestAccExamples_caSyncAndEnvironment plans the documentation's examples
// against a dedicated Vault, so they stay valid configurations (the app
// example wires the CA sync example's injector_tls). Nothing is applied:
// the example sources need not exist (a missing source only warns at plan
// time).
func TestAccExamples_caSyncAndEnvironment(t *testing.T) {
	v := testharness.StartVault(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	var body strings.Builder
	for _, f := range []string{
		"../../examples/resources/vaultboot_namespace_ca_sync_policy/resource.tf",
		"../../examples/resources/vaultboot_app_secret_path/resource.tf",
		"../../examples/resources/vaultboot_environment/resource.tf",
		"../../examples/data-sources/vaultboot_environment/data-source.tf",
	} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		body.Write(b)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:             v.ProviderBlock("production") + body.String(),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}
