package provider

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// planRoleName is the merge request pipelines' deploy role in the proof.
const planRoleName = "proof-mr"

// TestAccCIDeployRole_planOnly: a merge request pipeline logs in through a
// deploy role of mode "plan" (branch pipelines allowed) and runs a
// refreshing plan of a project that uses every resource and data source,
// applied before by the tag pipeline: the plan succeeds and is empty. An
// apply of a change is refused, and so is every write the provider policy
// grants, asked of Vault path by path. Vault's audit log of the plan then
// shows that every grant of the read-only policy was used.
func TestAccCIDeployRole_planOnly(t *testing.T) {
	v := testharness.StartVault(t)
	env, err := testOwnedEnv(ppEnv, ppConventions())
	if err != nil {
		t.Fatal(err)
	}
	ci := ppSetup(t, v)
	opts := ppOptions(t, v)
	opts.JWTMount = ppJWTMount
	ppBootstrap(t, v, env, opts)
	ro := opts
	ro.ReadOnly = true
	claims, _ := claimsValue(map[string][]string{"project_path": {ppProject}})
	planPolicy := ppDeployRole(t, v, env, planRoleName, ro, claims, true)
	d, _ := env.DeployRole(planRoleName)
	jwt := ppPipelineJWT(t, ci)
	branch := gitlabClaims(ppProject, "branch", "feature", false)
	branch["aud"] = "vaultboot-proof"
	mrJWT := ci.Sign(t, branch)
	writeBundle := func() {
		ca := v.GenerateRootCA(t, "pki-bundle", "proof bundle CA", "8760h")
		v.Write(t, naming.KVDataPath(ppKVMount, ppKVCAPath), map[string]any{"data": map[string]any{"ca.crt": ca}})
	}
	var audit string
	mrConfig := func(rev int) string {
		return strings.Replace(ppConfig(v, jwt, rev), ppProviderBlock(v, jwt), ppProviderBlockFor(v, planRoleName, mrJWT), 1)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: ppProviderBlock(v, jwt) + "resource \"vaultboot_environment\" \"this\" {\n  description = \"proof rev 1\"\n}\n"},
			{PreConfig: writeBundle, Config: ppConfig(v, jwt, 1)},
			{
				// The merge request pipeline: a refreshing plan, empty.
				PreConfig: func() { audit = ppEnableAudit(t, v) },
				Config:    mrConfig(1),
				PlanOnly:  true,
			},
			{
				// A change it plans cannot be applied.
				Config:      mrConfig(2),
				ExpectError: testharness.ErrorRE("ermission denied"),
			},
			{
				Config: ppConfig(v, jwt, 2),
				Check: func(*terraform.State) error {
					return planOnlyRefusesWrites(t, v, env, opts, planPolicy, mrJWT)
				},
			},
		},
	})
	ppEveryGrantUsed(t, v, audit, d, planPolicy, ro)
}

// planOnlyRefusesWrites logs in as the merge request pipeline and asks
// Vault, for every path the provider policy lets a tag pipeline write, what
// the plan-only token may do there, then tries a write on each.
func planOnlyRefusesWrites(t *testing.T, v *testharness.Vault, env naming.Env, opts naming.ProviderPolicyOptions, planPolicy, jwt string) error {
	d, _ := env.DeployRole(planRoleName)
	s, err := v.LoginJWT(ppJWTMount, d.RoleName(), jwt)
	if err != nil {
		return fmt.Errorf("merge request login: %w", err)
	}
	if !slices.Equal(s.Auth.Policies, []string{d.PolicyName()}) {
		return fmt.Errorf("the merge request token holds %v", s.Auth.Policies)
	}
	if got := vaultclient.AsString(v.Read(t, naming.PolicyPath(d.PolicyName())).Data["policy"]); got != planPolicy {
		return fmt.Errorf("the plan role's policy in Vault is not the read-only policy")
	}
	token := s.Auth.ClientToken
	full, err := env.ProviderPolicyRules(opts)
	if err != nil {
		return err
	}
	c := v.ClientWithToken(t, token)
	var fails []string
	writes := 0
	for _, r := range full {
		if !slices.ContainsFunc(r.Capabilities, func(c string) bool { return c == "create" || c == "update" || c == "delete" }) {
			continue
		}
		p := strings.ReplaceAll(strings.TrimSuffix(r.Path, "*"), "+", "x")
		if strings.HasSuffix(r.Path, "*") {
			p += "x"
		}
		caps := v.Capabilities(t, token, p)
		lookup := p == naming.IdentityLookupGroupPath() // a read Vault serves on update
		for _, c := range caps {
			if (c == "update" && lookup) || c == "read" || c == "list" || c == "sudo" || c == "deny" {
				continue
			}
			fails = append(fails, fmt.Sprintf("%s: the plan-only token has %q", p, c))
		}
		if lookup {
			continue
		}
		writes++
		for _, op := range []string{"write", "delete"} {
			if status, err := ppStatus(c, op, p); err != nil || status != http.StatusForbidden {
				fails = append(fails, fmt.Sprintf("%s %s: HTTP %d %v, want 403", op, p, status, err))
			}
		}
	}
	t.Logf("the plan-only token was refused writes and deletes on the %d paths the provider policy lets a tag pipeline write", writes)
	if len(fails) > 0 {
		return fmt.Errorf("%s", strings.Join(fails, "\n"))
	}
	return nil
}
