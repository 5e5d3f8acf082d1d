package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// ciProject is the GitLab project the bootstrap project's deploy roles trust
// by default (its variable gitlab_project_path).
const ciProject = "platform/vault-config"

// vaultEnv is one environment's Vault in TestAccEnvironmentProjects.
type vaultEnv struct {
	name  string
	vault *testharness.Vault
	dir   string // the environment project's copy
}

// TestAccEnvironmentProjects runs examples/environments as the guides say:
// two Vault servers, one per environment; on each the administrator runs
// prerequisites.sh and applies the bootstrap project with the root token;
// then each environment project is applied the way the tagged-commit
// pipeline does, with nothing but a JWT carrying a tag pipeline's claims
// (signed by the key the JWT mount trusts). It checks that each Vault holds
// only its own environment's objects, that the production project pointed
// at the integration Vault is refused at plan, and that a second plan of
// every project is empty.
func TestAccEnvironmentProjects(t *testing.T) {
	integrationVault, productionVault := testharness.StartVault(t), testharness.StartVault(t)
	signer := testharness.NewJWTSigner(t)
	tf := newTerraform(t)
	work := copyExamples(t, "modules", "environments")
	envs := []*vaultEnv{
		{name: "integration", vault: integrationVault, dir: filepath.Join(work, "environments", "integration")},
		{name: "production", vault: productionVault, dir: filepath.Join(work, "environments", "production")},
	}

	for _, e := range envs {
		prerequisites(t, e.vault, signer, filepath.Join(work, "environments", "bootstrap"))
		bootstrap := filepath.Join(work, "environments", "bootstrap")
		admin := map[string]string{
			"VAULT_TOKEN": e.vault.Token,
			"TF_DATA_DIR": filepath.Join(work, "bootstrap-"+e.name), "TF_VAR_vault_address": e.vault.Addr,
		}
		state := "-state=" + filepath.Join(work, "bootstrap-"+e.name+".tfstate")
		tf.must(t, bootstrap, admin, "apply", "-no-color", "-auto-approve", state, "-var-file="+e.name+".tfvars")
		tf.planIsEmpty(t, bootstrap, admin, state, "-var-file="+e.name+".tfvars")
	}

	for _, e := range envs {
		pipeline := pipelineEnv(t, signer, e, e.vault)
		// dev_overrides: install the module only; init would look the
		// overridden provider up in the registry.
		tf.must(t, e.dir, pipeline, "get", "-no-color")
		tf.must(t, e.dir, pipeline, "apply", "-no-color", "-auto-approve")
		tf.planIsEmpty(t, e.dir, pipelineEnv(t, signer, e, e.vault))
	}

	for _, e := range envs {
		onlyOwnObjects(t, e)
	}

	integration, production := envs[0], envs[1]
	t.Run("production project on the integration Vault", func(t *testing.T) {
		// With a production pipeline's token: the integration Vault has no
		// production deploy role to log in with.
		out, err := tf.run(production.dir, pipelineEnv(t, signer, production, integration.vault), "plan", "-no-color")
		if err == nil {
			t.Fatalf("plan of the production project against the integration Vault succeeded:\n%s", out)
		}
		t.Logf("refused at login:\n%s", lastLines(out, 12))
		// With a token that may log in there (an integration pipeline's),
		// the environment guard refuses: the Vault is stamped integration.
		env := pipelineEnv(t, signer, integration, integration.vault)
		env["TF_VAR_deploy_role"] = "integration-deploy-gitlab"
		out, err = tf.run(production.dir, env, "plan", "-no-color")
		if err == nil {
			t.Fatalf("plan of the production project against the integration Vault succeeded:\n%s", out)
		}
		if !testharness.ErrorRE("integration", "production").MatchString(out) {
			t.Errorf("the refusal does not name both environments:\n%s", out)
		}
		t.Logf("refused by the environment guard:\n%s", lastLines(out, 12))
	})
	onlyOwnObjects(t, integration) // the refused plans wrote nothing
}

// prerequisites runs the bootstrap project's prerequisites.sh against v as
// its administrator, with the test's JWT issuer standing in for the CI
// system's and a placeholder Kubernetes API (no pod logs in here).
func prerequisites(t *testing.T, v *testharness.Vault, signer *testharness.JWTSigner, dir string) {
	t.Helper()
	tmp := t.TempDir()
	writeFile(t, tmp, "ci.pem", signer.PublicKeyPEM)
	writeFile(t, tmp, "k8s-ca.pem", "placeholder: no Kubernetes cluster behind this test")
	bin, err := testharness.EnsureVault()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join(dir, "prerequisites.sh"))
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "VAULT_CLI=" + bin,
		"VAULT_ADDR=" + v.Addr, "VAULT_TOKEN=" + v.Token,
		"CI_ISSUER=" + signer.Issuer, "CI_JWT_PUBKEY_FILE=" + filepath.Join(tmp, "ci.pem"),
		"KUBERNETES_HOST=https://kubernetes.invalid:443", "KUBERNETES_CA_CERT_FILE=" + filepath.Join(tmp, "k8s-ca.pem"),
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("prerequisites.sh: %v\n%s", err, out)
	}
}

// pipelineEnv is what the GitLab tag pipeline of environment e gives
// Terraform, pointed at Vault v: its ID token (with the claims GitLab puts in
// a protected tag's job token), its project path and its deploy role. No
// Vault token.
func pipelineEnv(t *testing.T, signer *testharness.JWTSigner, e *vaultEnv, v *testharness.Vault) map[string]string {
	t.Helper()
	claims := map[string]any{
		"aud": "https://vault.example.internal", "sub": "project_path:" + ciProject + ":ref_type:tag:ref:v1.4.0",
		"project_path": ciProject, "ref": "v1.4.0", "ref_type": "tag", "ref_protected": "true",
		"environment": e.name, "environment_protected": "true",
	}
	return map[string]string{
		"VAULTBOOT_AUTH_JWT":   signer.Sign(t, claims),
		"CI_PROJECT_PATH":      ciProject,
		"TF_VAR_vault_address": v.Addr,
		"TF_VAR_deploy_role":   e.name + "-deploy-gitlab",
	}
}

// onlyOwnObjects checks, as root, that e's Vault holds its own
// environment's conventions and nothing of any other environment: every
// policy, Kubernetes and JWT role, identity group and KV path vaultboot
// made starts with e's name.
func onlyOwnObjects(t *testing.T, e *vaultEnv) {
	t.Helper()
	prefix := e.name + "-"
	policies := list(t, e.vault, "sys/policies/acl")
	for _, want := range []string{prefix + "payments-read", prefix + "payments-write", prefix + "billing-write", prefix + "ca-sync-vault-ca", prefix + "deploy-gitlab"} {
		if !slices.Contains(policies, want) {
			t.Errorf("%s Vault lacks policy %s (has %v)", e.name, want, policies)
		}
	}
	checkPrefixed(t, e.name+" policies", policies, prefix, "default", "root")
	t.Logf("%s Vault (%s) policies: %s", e.name, e.vault.Addr, strings.Join(policies, " "))
	meta := e.vault.Read(t, "secret/metadata/"+e.name+"/payments").Data
	if project := dig(meta, "custom_metadata", naming.ProjectKey); project != ciProject {
		t.Errorf("%s/payments is marked with project %v, want the pipeline's CI_PROJECT_PATH %s", e.name, project, ciProject)
	}
	checkPrefixed(t, e.name+" kubernetes roles", list(t, e.vault, "auth/kubernetes/role"), prefix)
	checkPrefixed(t, e.name+" jwt roles", list(t, e.vault, "auth/jwt/role"), prefix+"deploy-")
	checkPrefixed(t, e.name+" identity groups", list(t, e.vault, "identity/group/name"), prefix)
	checkPrefixed(t, e.name+" secrets", list(t, e.vault, "secret/metadata"), e.name+"/", "_vaultboot/")
	checkPrefixed(t, e.name+" vaultboot documents", list(t, e.vault, "secret/metadata/_vaultboot"), e.name+"/", "environment")
}

// list lists path as root.
func list(t *testing.T, v *testharness.Vault, path string) []string {
	t.Helper()
	secret, err := v.Client.Logical().List(path)
	if err != nil {
		t.Fatalf("list %s: %v", path, err)
	}
	if secret == nil {
		return nil
	}
	var out []string
	keys, _ := secret.Data["keys"].([]any)
	for _, k := range keys {
		out = append(out, str(k))
	}
	return out
}

// checkPrefixed fails for every name that neither starts with prefix nor is
// one of the allowed exceptions.
func checkPrefixed(t *testing.T, what string, names []string, prefix string, except ...string) {
	t.Helper()
	if len(names) == 0 {
		t.Errorf("%s: none found", what)
	}
	for _, n := range names {
		if !strings.HasPrefix(n, prefix) && !slices.Contains(except, n) {
			t.Errorf("%s: %q is not %s*", what, n, prefix)
		}
	}
}

// lastLines keeps the end of a long terraform output for the log.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
