package naming

import (
	"fmt"
	"slices"
	"strings"
)

// DeployRole is a validated CI deploy role name in an environment.
type DeployRole struct {
	env  Env
	name string
}

// DeployRole validates a deploy role name and binds it to the environment.
func (e Env) DeployRole(name string) (DeployRole, error) {
	if err := ValidateName(name); err != nil {
		return DeployRole{}, err
	}
	return DeployRole{env: e, name: name}, nil
}

// RoleName is the JWT auth role "E-deploy-N".
func (d DeployRole) RoleName() string { return d.env.name + "-deploy-" + d.name }

// PolicyName is the role's only token policy "E-deploy-N".
func (d DeployRole) PolicyName() string { return d.RoleName() }

// RolePath is "auth/<jwt mount>/role/E-deploy-N".
func (d DeployRole) RolePath(jwtMount string) string { return AuthRolePath(jwtMount, d.RoleName()) }

// Name is the deploy role name N.
func (d DeployRole) Name() string { return d.name }

// PolicyOwner is the owner in the policy's header: the provider policy's,
// since the policy is the provider policy byte for byte.
func (d DeployRole) PolicyOwner() string { return d.env.ProviderPolicyOwner() }

// Policy is the role's only token policy: exactly the provider policy for
// the same options and owner, so an auditor can compare the two texts.
func (d DeployRole) Policy(o ProviderPolicyOptions) (string, error) {
	return d.env.ProviderPolicy(o)
}

// Claims GitLab and GitHub put in a CI job's ID token that say which kind
// of ref the pipeline runs for.
const (
	RefTypeClaim = "ref_type"
	RefTypeTag   = "tag"
)

// DeployBoundClaims returns the claims the role binds: claims plus
// ref_type = "tag" unless branches are allowed. It refuses claims that
// name no project (only ref claims), and a ref_type other than "tag"
// without allowBranches.
func DeployBoundClaims(claims map[string][]string, allowBranches bool) (map[string][]string, error) {
	out := make(map[string][]string, len(claims)+1)
	identifying := false
	for k, vals := range claims {
		if err := ValidateClaim(k); err != nil {
			return nil, err
		}
		if len(vals) == 0 {
			return nil, fmt.Errorf("the bound claim %s has no values: list the values a pipeline's token may carry", Describe(k))
		}
		for _, v := range vals {
			if err := ValidateClaimValue(v); err != nil {
				return nil, fmt.Errorf("bound claim %s: %w", Describe(k), err)
			}
		}
		if !refClaims[k] {
			identifying = true
		}
		out[k] = slices.Clone(vals)
	}
	if !identifying {
		return nil, fmt.Errorf("bound_claims must name the project, not only refs: bind a claim such as \"project_path\" (GitLab) or \"repository\" (GitHub) besides %s", strings.Join(sortedKeys(refClaims), ", "))
	}
	if allowBranches {
		return out, nil
	}
	if v, ok := out[RefTypeClaim]; ok && !slices.Equal(v, []string{RefTypeTag}) {
		return nil, fmt.Errorf("the bound claim %q may only be [%q]: a deploy role accepts tag pipelines only, unless allow_branches = true", RefTypeClaim, RefTypeTag)
	}
	out[RefTypeClaim] = []string{RefTypeTag}
	return out, nil
}

// refClaims say which ref a pipeline runs for, not which project.
var refClaims = map[string]bool{"ref": true, "ref_type": true, "ref_protected": true, "ref_path": true}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, fmt.Sprintf("%q", k))
	}
	slices.Sort(out)
	return out
}

// DeployRoleAmong returns the first of roles (names on an auth mount) that
// is a deploy role of E in any letter case (Vault lowercases role names).
func (e Env) DeployRoleAmong(roles []string) (string, bool) {
	prefix := e.name + "-deploy-"
	for _, r := range roles {
		if strings.HasPrefix(strings.ToLower(r), prefix) {
			return r, true
		}
	}
	return "", false
}

// IsDeployPolicyName tells a deploy role's policy "E-deploy-N" by name.
func (e Env) IsDeployPolicyName(name string) bool {
	return strings.HasPrefix(name, e.name+"-deploy-")
}

// GrantsLoginRoles tells whether a provider policy text lets its token
// write login roles "E-*" on mount: the mount is one of its binding mounts.
func (e Env) GrantsLoginRoles(policy, mount string) bool {
	return strings.Contains(policy, "path "+QuoteHCL(e.envGlob(rolePaths(mount)))+" {\n  capabilities = [\"create\"")
}
