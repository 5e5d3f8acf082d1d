package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/vault/api"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// The proof runs environment "production" on a dedicated server whose
// conventions use a KV mount that does not exist yet, so the token must
// also be able to create it (vaultboot_environment does).
const (
	ppEnv      = "production"
	ppKVMount  = "kv-proof"
	ppPKI      = "pki"
	ppKVCAPath = "platform/ca"
	// ppJWTMount holds the deploy role the pipeline logs in with;
	// ppBindMount is another JWT mount a group binding uses.
	ppJWTMount  = "jwt"
	ppBindMount = "jwt-idp"
	ppProject   = "platform/vault-production"
)

func ppConventions() naming.Conventions {
	c := naming.DefaultConventions()
	c.KVMount = ppKVMount
	return c
}

// ppOptions are the policy's inputs for the proof's configuration, with
// the binding mounts' accessors as Vault has them.
func ppOptions(t *testing.T, v *testharness.Vault) naming.ProviderPolicyOptions {
	o := naming.ProviderPolicyOptions{
		PKIMounts:         []string{ppPKI},
		KVCAPaths:         []string{ppKVCAPath},
		BindingAuthMounts: []string{ppBindMount},
		AllowPurge:        true, // the billing app purges on destroy
		ManageEnvironment: true, // the proof applies vaultboot_environment too
		Accessors:         map[string]string{},
		MountTypes:        map[string]string{},
	}
	for _, m := range []string{"oidc", ppBindMount} {
		mount := v.Read(t, naming.AuthMountPath(m)).Data
		o.Accessors[m], o.MountTypes[m] = vaultclient.AsString(mount["accessor"]), vaultclient.AsString(mount["type"])
	}
	return o
}

// ppBootstrap is the bootstrap project: an administrator's token makes
// the deploy role the pipeline logs in with, through the resource's own
// model and writes. (It is not a Terraform step: provider aliases of one
// test provider share one configured client, so one configuration cannot
// hold the administrator's and the pipeline's provider.) It returns the
// policy written.
func ppBootstrap(t *testing.T, v *testharness.Vault, env naming.Env, opts naming.ProviderPolicyOptions) string {
	claims, _ := claimsValue(map[string][]string{"project_path": {ppProject}, "ref_protected": {"true"}})
	return ppDeployRole(t, v, env, "proof", opts, claims, false)
}

// ppDeployRole writes the deploy role name with the policy for opts and
// returns the policy.
func ppDeployRole(t *testing.T, v *testharness.Vault, env naming.Env, name string, opts naming.ProviderPolicyOptions, claims types.Map, allowBranches bool) string {
	t.Helper()
	ctx := context.Background()
	c, err := vaultclient.New(ctx, vaultclient.Config{Address: v.Addr, Token: v.Token, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := env.DeployRole(name)
	policy, err := d.Policy(opts)
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.Diagnostics
	m := ciDeployRoleModel{
		JWTMount: types.StringValue(ppJWTMount), BoundClaims: claims, AllowBranches: types.BoolValue(allowBranches),
		BoundAudiences: types.SetValueMust(types.StringType, []attr.Value{types.StringValue("vaultboot-proof")}),
		UserClaim:      types.StringValue(defaultUserClaim), TokenTTL: types.StringValue("1h"),
	}
	role, ok := m.role(ctx, d, &diags)
	if !ok {
		t.Fatal(diags)
	}
	if summary, err := writeDeployRole(ctx, c, d, ppJWTMount, policy, role); err != nil {
		t.Fatalf("%s: %v", summary, err)
	}
	return policy
}

// ppPipelineJWT is the ID token of a protected tag pipeline of the
// project, valid for the whole proof.
func ppPipelineJWT(t *testing.T, ci *testharness.JWTSigner) string {
	claims := gitlabClaims(ppProject, "tag", "v2.0.0", true)
	claims["aud"] = "vaultboot-proof"
	claims["exp"] = time.Now().Add(time.Hour).Unix()
	return ci.Sign(t, claims)
}

// ppLogin logs in as the pipeline and returns its token, which holds the
// deploy policy alone.
func ppLogin(t *testing.T, v *testharness.Vault, env naming.Env, jwt string) string {
	t.Helper()
	d, _ := env.DeployRole("proof")
	s, err := v.LoginJWT(ppJWTMount, d.RoleName(), jwt)
	if err != nil {
		t.Fatalf("pipeline login: %v", err)
	}
	if !slices.Equal(s.Auth.Policies, []string{d.PolicyName()}) || len(s.Auth.IdentityPolicies) > 0 {
		t.Fatalf("pipeline login policies %v, identity policies %v", s.Auth.Policies, s.Auth.IdentityPolicies)
	}
	return s.Auth.ClientToken
}

// ppSetup prepares what an operator sets up before the conventions: the
// auth mounts (Kubernetes pointing at the package's API server, an OIDC mount at
// the conventions' path, the CI's JWT mount of the deploy roles, another
// JWT mount for CI bindings) and a PKI CA. It returns the CI's signer.
func ppSetup(t *testing.T, v *testharness.Vault) *testharness.JWTSigner {
	t.Helper()
	v.ConfigureKubernetesAuth(t, "kubernetes", testharness.SharedKube(t))
	v.EnableAuth(t, "oidc", "oidc")
	ci := testharness.NewJWTSigner(t)
	v.ConfigureJWTAuth(t, ppJWTMount, ci)
	v.ConfigureJWTAuth(t, ppBindMount, testharness.NewJWTSigner(t))
	v.GenerateRootCA(t, ppPKI, "proof root CA", "8760h")
	return ci
}

// ppProviderBlock is the pipeline's provider: it logs in through the
// deploy role with its ID token, as a CI job does.
func ppProviderBlock(v *testharness.Vault, jwt string) string {
	return ppProviderBlockFor(v, "proof", jwt)
}

// ppProviderBlockFor logs in through the deploy role name.
func ppProviderBlockFor(v *testharness.Vault, name, jwt string) string {
	d := strings.TrimSpace(fmt.Sprintf(`provider "vaultboot" {
  address     = %q
  environment = %q
  owner       = %q
  auth_login_jwt {
    mount = %q
    role  = "%s-deploy-%s"
    jwt   = %q
  }
  conventions {
    kv_mount = %q
  }
}
`, v.Addr, ppEnv, testharness.Owner, ppJWTMount, ppEnv, name, jwt, ppKVMount))
	return d + "\n"
}

// ppConfig uses every resource and data source; rev changes one field of
// each resource for the in-place update step (the ci binding's group_id,
// which updates its group alias by id).
func ppConfig(v *testharness.Vault, token string, rev int) string {
	return ppProviderBlock(v, token) + fmt.Sprintf(`
resource "vaultboot_environment" "this" {
  description = "proof rev %[1]d"
}

resource "vaultboot_app_secret_path" "payments" {
  app          = "payments"
  max_versions = %[2]d
  kubernetes {
    namespaces       = ["payments"]
    service_accounts = ["payments"]
  }
  depends_on = [vaultboot_environment.this]
}

resource "vaultboot_app_secret_path" "billing" {
  app              = "billing"
  purge_on_destroy = true
  depends_on       = [vaultboot_environment.this]
}

resource "vaultboot_oidc_group_binding" "devs" {
  name     = "devs"
  group_id = "grp-devs"
  policies = %[3]s
  login_role {
    allowed_redirect_uris = ["https://vault.proof:8200/ui/vault/auth/oidc/oidc/callback"]
    token_ttl             = "%[4]s"
  }
}

resource "vaultboot_oidc_group_binding" "ci" {
  name       = "ci-readers"
  group_id   = "grp-ci-rev%[1]d"
  auth_mount = %[9]q
  policies   = [vaultboot_app_secret_path.payments.read_policy]
  login_role {
    bound_audiences = ["vaultboot-proof"]
  }
}

resource "vaultboot_namespace_ca_sync_policy" "pki" {
  name = "internal"
  ca_source {
    pki_mount = %[6]q
  }
  namespaces {
    match_prefixes = ["team-"]
  }
  target {
    kind = "ConfigMap"
    name = "%[7]s"
  }
  syncer {
    namespace       = "vault-system"
    service_account = "ca-syncer"
  }
  depends_on = [vaultboot_environment.this]
}

resource "vaultboot_namespace_ca_sync_policy" "kv" {
  name = "bundle"
  ca_source {
    kv_path = %[8]q
  }
  namespaces {
    match_names = ["payments"]
  }
  target {
    kind = "Secret"
    name = "internal-ca"
  }
  syncer {
    namespace       = "vault-system"
    service_account = "ca-syncer"
  }
  depends_on = [vaultboot_environment.this]
}

data "vaultboot_environment" "this" {
  depends_on = [vaultboot_environment.this]
}

data "vaultboot_provider_policy" "this" {
  jwt_mount           = %[5]q
  pki_mounts          = [%[6]q]
  kv_ca_paths         = [%[8]q]
  binding_auth_mounts = [%[9]q]
  allow_purge         = true
  manage_environment  = true
}
`, rev, 10+rev, ppBindingPolicies(rev), []string{"", "1h", "2h"}[rev], ppJWTMount, ppPKI, []string{"", "vault-ca", "vault-ca-v2"}[rev], ppKVCAPath, ppBindMount)
}

func ppBindingPolicies(rev int) string {
	if rev == 1 {
		return "[vaultboot_app_secret_path.payments.write_policy]"
	}
	return "[vaultboot_app_secret_path.payments.write_policy, vaultboot_app_secret_path.billing.write_policy]"
}

// TestAccProviderPolicy_proof is the proof that the printed policy is
// enough and no more: a pipeline that logs in through a deploy role (made
// by an administrator's bootstrap project) with a protected tag's ID
// token creates, re-plans, updates, imports and destroys every resource;
// then, using its token, it is denied secret values, the deploy roles'
// paths, other environments' policies and its own policy. Vault's audit
// log of the run then shows that every grant of the policy was used.
func TestAccProviderPolicy_proof(t *testing.T) {
	v := testharness.StartVault(t)
	env, err := testOwnedEnv(ppEnv, ppConventions())
	if err != nil {
		t.Fatal(err)
	}
	ci := ppSetup(t, v)
	opts := ppOptions(t, v)
	opts.JWTMount = ppJWTMount
	d, _ := env.DeployRole("proof")
	deployPolicy := ppBootstrap(t, v, env, opts)
	// What the deploy role holds in Vault is what the pipeline's data
	// source prints, byte for byte.
	inVault := vaultclient.AsString(v.Read(t, naming.PolicyPath(d.PolicyName())).Data["policy"])
	audit := ppEnableAudit(t, v)
	jwt := ppPipelineJWT(t, ci)
	// The KV source lives in the conventions' KV mount, which the
	// environment resource creates: write the bundle once it exists.
	writeBundle := func() {
		ca := v.GenerateRootCA(t, "pki-bundle", "proof bundle CA", "8760h")
		v.Write(t, naming.KVDataPath(ppKVMount, ppKVCAPath), map[string]any{"data": map[string]any{"ca.crt": ca}})
	}
	ds := "data.vaultboot_provider_policy.this"
	payments, _ := env.App("payments")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ppCheckDestroy(t, v, env),
		Steps: []resource.TestStep{
			{
				// The environment first: it creates the KV mount the CA
				// bundle is kept in.
				Config: ppProviderBlock(v, jwt) + "resource \"vaultboot_environment\" \"this\" {\n  description = \"proof rev 1\"\n}\n",
				Check:  ppMountCreated(t, v),
			},
			{
				PreConfig: writeBundle,
				Config:    ppConfig(v, jwt, 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("policy"), knownvalue.StringExact(inVault)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("name"), knownvalue.StringExact("vaultboot_provider_production")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("id"), knownvalue.StringExact(ppEnv)),
					statecheck.ExpectKnownValue("data.vaultboot_environment.this", tfjsonpath.New("environment"), knownvalue.StringExact(ppEnv)),
				},
				Check: ppObjectsExist(t, v, env),
			},
			{
				Config:   ppConfig(v, jwt, 1),
				PlanOnly: true, // the second plan is empty
			},
			{
				Config: ppConfig(v, jwt, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("vaultboot_environment.this", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("vaultboot_app_secret_path.payments", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("vaultboot_oidc_group_binding.devs", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("vaultboot_oidc_group_binding.ci", plancheck.ResourceActionUpdate), // moves the alias
					plancheck.ExpectResourceAction("vaultboot_namespace_ca_sync_policy.pki", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("vaultboot_app_secret_path.payments", tfjsonpath.New("max_versions"), knownvalue.Int64Exact(12)),
				},
			},
			{ResourceName: "vaultboot_oidc_group_binding.devs", ImportState: true, ImportStateId: "devs", ImportStateVerify: true},
			{ResourceName: "vaultboot_namespace_ca_sync_policy.pki", ImportState: true, ImportStateId: "internal", ImportStateVerify: true},
			{
				ResourceName: "vaultboot_app_secret_path.payments", ImportState: true, ImportStateId: "payments", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"adopt_existing", "delete_version_after", "kubernetes.token_ttl", "kubernetes.token_max_ttl"},
			},
			{ResourceName: "vaultboot_environment.this", ImportState: true, ImportStateId: ppEnv, ImportStateVerify: true},
			{
				// key_names needs a token that may read the secret: the
				// provider policy grants no read of secret values.
				PreConfig: func() {
					v.Write(t, payments.DataPath(), map[string]any{"data": map[string]any{"DB_PASSWORD": "s3cret"}})
				},
				Config:      ppConfig(v, jwt, 2) + "\ndata \"vaultboot_app_secret_path\" \"payments\" {\n  app            = \"payments\"\n  with_key_names = true\n}\n",
				ExpectError: testharness.ErrorRE("Unable to Read App Secret Path", "Permission denied on "+payments.DataPath()+" (read)", "provider policy deliberately does not allow"),
			},
			{
				// With everything still in place: what the token may not
				// do, shown by using it.
				Config: ppConfig(v, jwt, 2),
				Check: func(s *terraform.State) error {
					return ppLeastPrivilege(t, v, env, ppLogin(t, v, env, jwt))(s)
				},
			},
		},
	})
	ppEveryGrantUsed(t, v, audit, d, deployPolicy, opts)
}

func ppMountCreated(t *testing.T, v *testharness.Vault) resource.TestCheckFunc {
	return func(*terraform.State) error {
		mounts, err := v.Client.Sys().ListMounts()
		if err != nil {
			return err
		}
		m, ok := mounts[ppKVMount+"/"]
		if !ok || m.Options["version"] != "2" {
			return fmt.Errorf("the token did not create the KV v2 mount %s: %+v", ppKVMount, m)
		}
		return nil
	}
}

// ppObjects are what the config makes, as paths read back through root.
func ppObjects(env naming.Env) []string {
	payments, _ := env.App("payments")
	billing, _ := env.App("billing")
	devs, _ := env.Binding("devs")
	ci, _ := env.Binding("ci-readers")
	pki, _ := env.CASync("internal")
	kv, _ := env.CASync("bundle")
	return []string{
		env.StampDataPath(),
		payments.MetadataPath(), billing.MetadataPath(), payments.KubernetesRolePath(),
		naming.PolicyPath(payments.ReadPolicyName()), naming.PolicyPath(billing.WritePolicyName()),
		devs.GroupPath(), devs.LoginRolePath(""), ci.GroupPath(), ci.LoginRolePath(ppBindMount),
		naming.PolicyPath(pki.PolicyName()), pki.RolePath(), pki.DocumentDataPath(),
		naming.PolicyPath(kv.PolicyName()), kv.RolePath(), kv.DocumentDataPath(),
	}
}

func ppObjectsExist(t *testing.T, v *testharness.Vault, env naming.Env) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, p := range ppObjects(env) {
			if v.Read(t, p) == nil {
				return fmt.Errorf("%s was not created", p)
			}
		}
		return nil
	}
}

// ppCheckDestroy: the token's destroy removed every object but the
// payments secret, which is kept (purge_on_destroy = false) and marked.
func ppCheckDestroy(t *testing.T, v *testharness.Vault, env naming.Env) resource.TestCheckFunc {
	payments, _ := env.App("payments")
	return func(*terraform.State) error {
		for _, p := range ppObjects(env) {
			if p == payments.MetadataPath() {
				continue
			}
			if v.Read(t, p) != nil {
				return fmt.Errorf("%s survived destroy", p)
			}
		}
		meta := v.Read(t, payments.MetadataPath())
		custom, _ := meta.Data["custom_metadata"].(map[string]any)
		if custom == nil || custom[naming.RemovedKey] == nil {
			return fmt.Errorf("the kept payments secret lacks the removed marker: %v", custom)
		}
		return nil
	}
}

// ppStatus runs one request as the token and returns Vault's HTTP status.
func ppStatus(c *api.Client, op, path string) (int, error) {
	var err error
	switch op {
	case "read":
		_, err = c.Logical().Read(path)
	case "write":
		_, err = c.Logical().Write(path, map[string]any{"policy": `path "*" { capabilities = ["sudo", "create", "read", "update", "delete", "list"] }`, "role_type": "jwt", "user_claim": "sub", "bound_audiences": "x"})
	case "delete":
		_, err = c.Logical().Delete(path)
	}
	var re *api.ResponseError
	switch {
	case err == nil:
		return http.StatusOK, nil
	case errors.As(err, &re):
		return re.StatusCode, nil
	}
	return 0, err
}

// ppLeastPrivilege uses the token for what it must not do, and asks
// sys/capabilities about paths out of scope.
func ppLeastPrivilege(t *testing.T, v *testharness.Vault, env naming.Env, token string) resource.TestCheckFunc {
	payments, _ := env.App("payments")
	deploy, _ := env.DeployRole("x")
	other, _ := testOwnedEnv("other", ppConventions())
	otherApp, _ := other.App("x")
	return func(*terraform.State) error {
		c := v.ClientWithToken(t, token)
		denied := []struct{ op, path string }{
			{"read", payments.DataPath()},
			{"read", naming.KVDataPath(ppKVMount, payments.LogicalPath()+"/db")},
			{"delete", naming.KVDestroyPath(ppKVMount, payments.LogicalPath())},
			{"write", naming.PolicyPath(deploy.PolicyName())},
			{"write", deploy.RolePath(ppJWTMount)},
			{"write", naming.PolicyPath(otherApp.ReadPolicyName())},
			{"write", naming.PolicyPath(env.ProviderPolicyName())},
			{"write", naming.PolicyPath("admin")},
			{"write", "auth/token/create"},
			{"write", naming.SecretsMountPath(ppKVMount) + "/tune"},
			{"delete", naming.SecretsMountPath(ppKVMount)},
			{"delete", naming.AuthMountPath("kubernetes")},
		}
		var fails []string
		for _, d := range denied {
			status, err := ppStatus(c, d.op, d.path)
			t.Logf("least privilege: %s %s as the provider token -> HTTP %d", d.op, d.path, status)
			if err != nil || status != http.StatusForbidden {
				fails = append(fails, fmt.Sprintf("%s %s: HTTP %d %v, want 403", d.op, d.path, status, err))
			}
		}
		caps := map[string][]string{
			payments.DataPath(): {"deny"},
			naming.KVMetadataPath(ppKVMount, payments.LogicalPath()+"/db"): {"deny"},
			naming.PolicyPath(deploy.PolicyName()):                         {"deny"},
			deploy.RolePath(ppJWTMount):                                    {"deny"},
			naming.PolicyPath(otherApp.WritePolicyName()):                  {"deny"},
			naming.AuthMountPath("kubernetes"):                             {"deny"},
			"sys/policies/acl/other-x-read":                                {"deny"},
			naming.IdentityGroupByNamePath("other-devs"):                   {"deny"},
			naming.KVMetadataPath(ppKVMount, "other/x"):                    {"deny"},
			"secret/data/production/payments":                              {"deny"},
			// in scope, for contrast
			naming.PolicyPath(payments.ReadPolicyName()): {"delete", "read", "update"},
			payments.MetadataPath():                      {"create", "delete", "read", "update"},
		}
		for p, want := range caps {
			got := v.Capabilities(t, token, p)
			slices.Sort(got)
			t.Logf("least privilege: sys/capabilities %s -> %v", p, got)
			if !slices.Equal(got, want) {
				fails = append(fails, fmt.Sprintf("capabilities on %s: %v, want %v", p, got, want))
			}
		}
		if len(fails) > 0 {
			return errors.New(strings.Join(fails, "\n"))
		}
		return nil
	}
}

// TestAccProviderPolicy_inputs: bad inputs are refused on their attribute;
// the policy allows group aliases only on the accessors read from Vault; a
// token that may not read the binding mounts gets a clear error.
func TestAccProviderPolicy_inputs(t *testing.T) {
	v := testharness.Shared(t)
	s := v.Write(t, "auth/token/create", map[string]any{"policies": []string{"nothing-granted"}, "no_default_policy": true, "ttl": "10m"})
	env := accEnv(t)
	const bindMount = "ppinputs"
	accessor := v.EnableAuth(t, bindMount, "jwt")
	ds := func(body string) string {
		return testAccConfig(t, "data \"vaultboot_provider_policy\" \"this\" {\n"+body+"}\n")
	}
	// The shared Vault's "oidc" mount may be enabled by another test
	// meanwhile: the expected policy is rendered when the check runs.
	wantPolicy := func(st *terraform.State) error {
		o := naming.ProviderPolicyOptions{JWTMount: "ci", BindingAuthMounts: []string{bindMount}, Accessors: map[string]string{bindMount: accessor}, MountTypes: map[string]string{bindMount: "jwt"}}
		got := st.RootModule().Resources["data.vaultboot_provider_policy.this"].Primary.Attributes
		if a := got["auth_mount_accessors.oidc"]; a != "" {
			o.Accessors["oidc"] = a
			o.MountTypes["oidc"] = vaultclient.AsString(v.Read(t, naming.AuthMountPath("oidc")).Data["type"])
		}
		want, err := env.ProviderPolicy(o)
		if err != nil {
			return err
		}
		if got["policy"] != want {
			return fmt.Errorf("policy:\n%s\nwant:\n%s", got["policy"], want)
		}
		if !strings.Contains(want, `"mount_accessor" = [`) || !strings.Contains(want, accessor) {
			return fmt.Errorf("the policy does not limit aliases to %s", accessor)
		}
		return nil
	}
	block := fmt.Sprintf("provider \"vaultboot\" {\n  address     = %q\n  token       = %q\n  environment = %q\n}\n", v.Addr, s.Auth.ClientToken, testAccEnv)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      ds("  kv_ca_paths = [\"acc/payments\"]\n"),
				ExpectError: testharness.ErrorRE("Invalid KV Path", `"acc/payments" lies inside "acc/"`),
			},
			{
				Config:      ds("  kv_ca_paths = [\"platform/*\"]\n"),
				ExpectError: testharness.ErrorRE("Invalid KV Path", "is not a valid KV path"),
			},
			{
				Config:      ds("  pki_mounts = [\"pki\\\"]\\npath \\\"sys/*\"]\n"),
				ExpectError: testharness.ErrorRE("Invalid Mount Path", "is not a valid mount path"),
			},
			{
				Config:      ds("  binding_auth_mounts = [\"../sys\"]\n"),
				ExpectError: testharness.ErrorRE("Invalid Mount Path"),
			},
			{
				Config:      ds("  jwt_mount = \"ci\"\n  binding_auth_mounts = [\"ci\"]\n"),
				ExpectError: testharness.ErrorRE("Invalid Provider Policy Input", "cannot also be a group binding mount"),
			},
			{
				Config:      block + "data \"vaultboot_provider_policy\" \"this\" {}\n",
				ExpectError: testharness.ErrorRE("Unable to Read the Binding Auth Mounts", "sys/auth/oidc"),
			},
			// Last, so the post-test destroy runs a valid configuration.
			{
				Config: ds("  jwt_mount = \"ci\"\n  binding_auth_mounts = [\"" + bindMount + "\"]\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.vaultboot_provider_policy.this", tfjsonpath.New("name"), knownvalue.StringExact("vaultboot_provider_acc")),
					statecheck.ExpectKnownValue("data.vaultboot_provider_policy.this", tfjsonpath.New("auth_mount_accessors").AtMapKey(bindMount), knownvalue.StringExact(accessor)),
				},
				Check: wantPolicy,
			},
		},
	})
}
