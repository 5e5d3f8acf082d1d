package provider

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// TestAccAppSecretPath_accessProofs proves the conventions by logging in,
// on a dedicated server whose auth/kubernetes points at the package's real
// API server, with tokens from its TokenRequest API: app payments' service account reads its own
// secret and nothing else and cannot write; a token holding only the write
// policy writes and soft-deletes but cannot destroy history; a service
// account of another namespace cannot log in.
func TestAccAppSecretPath_accessProofs(t *testing.T) {
	t.Parallel()
	v := testharness.StartVault(t)
	k := testharness.SharedKube(t)
	v.ConfigureKubernetesAuth(t, "kubernetes", k)
	payments, billing := testAccApp(t, "payments"), testAccApp(t, "billing")
	config := v.ProviderBlock(testAccEnv)
	for _, a := range []string{"payments", "billing"} {
		config += fmt.Sprintf(`
resource "vaultboot_app_secret_path" %[1]q {
  app = %[1]q
  kubernetes {
    namespaces       = [%[1]q]
    service_accounts = [%[1]q]
  }
}
`, a)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				p := &proof{t: t, v: v}
				reviews := k.TokenReviews(t)
				p.seed(payments, billing)
				p.workload(k, payments, billing)
				p.owners(payments, billing)
				p.otherNamespace(k, payments)
				if k.TokenReviews(t) == reviews {
					p.fail("the API server answered no TokenReview: the logins did not go through Kubernetes auth")
				}
				return p.err
			},
		}},
	})
}

// proof runs access checks, logs every observed outcome and collects the
// first failure.
type proof struct {
	t   *testing.T
	v   *testharness.Vault
	err error
}

func (p *proof) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format, args...)
	}
}

// expect records one operation's outcome: allowed (nil error) or denied
// (HTTP 403), and fails when it is not the wanted one.
func (p *proof) expect(who, op, path string, err error, allowed bool) {
	got := "allowed"
	if err != nil {
		got = "denied"
		var re *api.ResponseError
		if !errors.As(err, &re) || re.StatusCode != http.StatusForbidden {
			got = "failed: " + err.Error()
		}
	}
	p.t.Logf("access proof: %s %s %s: %s", who, op, path, got)
	want := map[bool]string{true: "allowed", false: "denied"}[allowed]
	if got != want {
		p.fail("%s %s %s: %s, want %s", who, op, path, got, want)
	}
}

// seed writes a version of each app's secret as root.
func (p *proof) seed(apps ...naming.App) {
	for _, a := range apps {
		if _, err := p.v.Client.Logical().Write(a.DataPath(), map[string]any{"data": map[string]any{"DB_PASSWORD": a.Name() + "-pw"}}); err != nil {
			p.fail("seed %s: %v", a.DataPath(), err)
		}
	}
}

// workload logs in as payments' service account through auth/kubernetes.
func (p *proof) workload(k *testharness.Kube, payments, billing naming.App) {
	token, err := p.v.LoginKubernetes("kubernetes", payments.KubernetesRoleName(), k.ServiceAccountToken(p.t, "payments", "payments"))
	p.expect("payments/payments service account", "login as", payments.KubernetesRolePath(), err, true)
	if err != nil {
		return
	}
	c := p.v.ClientWithToken(p.t, token)
	who := "payments workload"
	s, err := c.Logical().Read(payments.DataPath())
	p.expect(who, "read", payments.DataPath(), err, true)
	if err == nil && (s == nil || fmt.Sprint(s.Data["data"]) != "map[DB_PASSWORD:payments-pw]") {
		p.fail("the payments workload read %v, want its secret", s)
	}
	_, err = c.Logical().List(naming.KVMetadataPath(payments.KVMount(), payments.LogicalPath()))
	p.expect(who, "list", payments.MetadataPath(), err, true)
	_, err = c.Logical().Read(billing.DataPath())
	p.expect(who, "read", billing.DataPath(), err, false)
	_, err = c.Logical().Read(billing.MetadataPath())
	p.expect(who, "read", billing.MetadataPath(), err, false)
	_, err = c.Logical().Write(payments.DataPath(), map[string]any{"data": map[string]any{"X": "y"}})
	p.expect(who, "write", payments.DataPath(), err, false)
	_, err = c.Logical().Delete(payments.DataPath())
	p.expect(who, "soft-delete", payments.DataPath(), err, false)
	caps := p.v.Capabilities(p.t, token, payments.DataPath())
	p.t.Logf("access proof: %s capabilities on %s: %v", who, payments.DataPath(), caps)
	if !reflect.DeepEqual(caps, []string{"read"}) {
		p.fail("the payments workload has %v on its own secret, want exactly [read]", caps)
	}
	if caps := p.v.Capabilities(p.t, token, billing.DataPath()); !reflect.DeepEqual(caps, []string{"deny"}) {
		p.fail("the payments workload has %v on billing's secret, want [deny]", caps)
	}
}

// owners uses a token holding only payments' write policy.
func (p *proof) owners(payments, billing naming.App) {
	s, err := p.v.Client.Auth().Token().Create(&api.TokenCreateRequest{
		Policies: []string{payments.WritePolicyName()}, NoDefaultPolicy: true, TTL: "10m",
	})
	if err != nil {
		p.fail("create a token with %s: %v", payments.WritePolicyName(), err)
		return
	}
	c := p.v.ClientWithToken(p.t, s.Auth.ClientToken)
	who := "token with only " + payments.WritePolicyName()
	mount, lp := payments.KVMount(), payments.LogicalPath()
	_, err = c.Logical().Write(payments.DataPath(), map[string]any{"data": map[string]any{"DB_PASSWORD": "rotated"}})
	p.expect(who, "write", payments.DataPath(), err, true)
	_, err = c.Logical().Write(payments.DataPath()+"/extra", map[string]any{"data": map[string]any{"K": "v"}})
	p.expect(who, "write", payments.DataPath()+"/extra", err, true)
	_, err = c.Logical().Read(payments.DataPath())
	p.expect(who, "read", payments.DataPath(), err, true)
	_, err = c.Logical().Delete(payments.DataPath())
	p.expect(who, "soft-delete latest", payments.DataPath(), err, true)
	_, err = c.Logical().Write(naming.KVDeletePath(mount, lp), map[string]any{"versions": []int{1}})
	p.expect(who, "soft-delete version 1", naming.KVDeletePath(mount, lp), err, true)
	_, err = c.Logical().Write(naming.KVUndeletePath(mount, lp), map[string]any{"versions": []int{1, 2}})
	p.expect(who, "undelete versions 1,2", naming.KVUndeletePath(mount, lp), err, true)
	_, err = c.Logical().Write(naming.KVDestroyPath(mount, lp), map[string]any{"versions": []int{1}})
	p.expect(who, "destroy version 1", naming.KVDestroyPath(mount, lp), err, false)
	_, err = c.Logical().Delete(payments.MetadataPath())
	p.expect(who, "delete metadata", payments.MetadataPath(), err, false)
	_, err = c.Logical().Write(payments.MetadataPath(), map[string]any{"max_versions": 1})
	p.expect(who, "write metadata", payments.MetadataPath(), err, false)
	_, err = c.Logical().Write(billing.DataPath(), map[string]any{"data": map[string]any{"X": "y"}})
	p.expect(who, "write", billing.DataPath(), err, false)
	_, err = c.Logical().Read(billing.DataPath())
	p.expect(who, "read", billing.DataPath(), err, false)
	// Nothing was destroyed: both versions are still readable.
	for _, version := range []string{"1", "2"} {
		s, err := p.v.Client.Logical().ReadWithData(payments.DataPath(), map[string][]string{"version": {version}})
		if err != nil || s == nil || s.Data["data"] == nil {
			p.fail("version %s of %s is gone after the owners' operations: %v", version, payments.DataPath(), err)
		}
	}
}

// otherNamespace: the right service account name in the wrong namespace, and
// a wrong name in the right namespace, are both refused.
func (p *proof) otherNamespace(k *testharness.Kube, payments naming.App) {
	for _, sa := range []struct{ ns, name, want string }{
		{"billing", "payments", "namespace not authorized"},
		{"payments", "intruder", "service account name not authorized"},
	} {
		_, err := p.v.LoginKubernetes("kubernetes", payments.KubernetesRoleName(), k.ServiceAccountToken(p.t, sa.ns, sa.name))
		who := sa.ns + "/" + sa.name + " service account"
		switch {
		case err == nil:
			p.t.Logf("access proof: %s login as %s: allowed", who, payments.KubernetesRolePath())
			p.fail("%s logged in to %s", who, payments.KubernetesRolePath())
		case !strings.Contains(err.Error(), sa.want):
			p.fail("%s login failed with %v, want %q", who, err, sa.want)
		default:
			p.t.Logf("access proof: %s login as %s: refused (%q)", who, payments.KubernetesRolePath(), sa.want)
		}
	}
}

// TestAccAppSecretPath_withoutKubernetesAuth: an app without a kubernetes
// block needs no Kubernetes auth method; adding the block on a Vault without
// one fails at plan time with a message saying what to enable.
func TestAccAppSecretPath_withoutKubernetesAuth(t *testing.T) {
	t.Parallel()
	v := testharness.StartVault(t)
	config := v.ProviderBlock(testAccEnv) + "\nresource \"vaultboot_app_secret_path\" \"payments\" {\n  app = \"payments\"\n%s}\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(config, ""),
				Check: func(*terraform.State) error {
					return checkAppPolicies(v, testAccApp(t, "payments"))
				},
			},
			{
				Config:      fmt.Sprintf(config, "  kubernetes {\n    namespaces       = [\"payments\"]\n    service_accounts = [\"payments\"]\n  }\n"),
				PlanOnly:    true,
				ExpectError: testharness.ErrorRE("Mount Not Usable", `Kubernetes auth mount "kubernetes" (conventions.kubernetes_auth_mount)`, "does not exist", "vault auth enable -path=kubernetes kubernetes"),
			},
		},
	})
}
