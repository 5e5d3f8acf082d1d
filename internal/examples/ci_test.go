package examples

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// Sample tags of the documented convention: release candidates reach
// integration only, releases integration and then production, and tags
// outside it (GitHub's gate once let "v*" without "-rc." reach production)
// reach neither.
var (
	rcTag      = "v1.4.0-rc.1"
	releaseTag = "v1.4.0"
	otherTags  = []string{"v1.4.0-beta.1", "v2", "vtest", "v1.4", "v1.4.0-rc.", "release-1.4.0", "v1.4.0.1"}
)

// gitlabClaims and githubClaims are the ID token claims each CI system
// issues that a deploy role may bind (ref_type is bound by the resource).
var (
	gitlabClaims = []string{"project_path", "ref_protected", "environment", "environment_protected"}
	githubClaims = []string{"repository", "environment"}
)

// ciJob is one pipeline job that logs in to Vault, as read from a CI file.
type ciJob struct {
	name        string
	environment string // the environment project it runs, from its directory
	role        string // TF_VAR_deploy_role
	audience    string // the ID token's aud
	ciEnv       string // the CI environment the job runs in ("" for none)
	applies     bool   // runs terraform apply
	tags        func(tag string) bool
	mergeOnly   bool // runs only for merge/pull requests
	needs       []string
}

func repoPath(t *testing.T, elem ...string) string {
	t.Helper()
	root, err := testharness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(append([]string{root}, elem...)...)
}

func readYAML(t *testing.T, path string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

// rolesByName evaluates the bootstrap project's deploy roles of both
// environments, keyed by role name E-deploy-N.
func rolesByName(t *testing.T) map[string]deployRole {
	t.Helper()
	out := map[string]deployRole{}
	for _, env := range []string{"integration", "production"} {
		roles, err := bootstrapDeployRoles(repoPath(t, "examples", "environments", "bootstrap"), env)
		if err != nil {
			t.Fatalf("bootstrap project (%s): %v", env, err)
		}
		for _, r := range roles {
			out[r.RoleName] = r
		}
	}
	return out
}

// TestGitLabCI checks examples/ci/gitlab-ci.yml against the bootstrap
// project's deploy roles: the ID token's audience, the role of every job,
// the claims the role binds, and the tag convention.
func TestGitLabCI(t *testing.T) {
	doc := readYAML(t, repoPath(t, "examples", "ci", "gitlab-ci.yml"))
	var jobs []ciJob
	for name, raw := range doc {
		job, ok := raw.(map[string]any)
		if !ok || strings.HasPrefix(name, ".") || slices.Contains([]string{"variables", "stages", "default", "workflow", "include"}, name) {
			continue
		}
		jobs = append(jobs, gitlabJob(t, doc, name, job))
	}
	checkJobs(t, jobs, gitlabClaims, "gitlab")
}

// TestGitHubActions does the same for examples/ci/github-actions.yml.
func TestGitHubActions(t *testing.T) {
	doc := readYAML(t, repoPath(t, "examples", "ci", "github-actions.yml"))
	if got := dig(doc, "permissions", "id-token"); got != "write" {
		t.Errorf("permissions.id-token = %v, want write: without it jobs get no ID token", got)
	}
	on, _ := doc["on"].(map[string]any)
	var patterns []*regexp.Regexp
	for _, p := range strs(dig(on, "push", "tags")) {
		patterns = append(patterns, githubFilter(p))
	}
	if len(patterns) == 0 {
		t.Errorf("on.push.tags is missing: the workflow must run on tags")
	}
	audience, _ := dig(doc, "env", "VAULT_AUDIENCE").(string)
	var jobs []ciJob
	all, _ := doc["jobs"].(map[string]any)
	for name, raw := range all {
		job, _ := raw.(map[string]any)
		jobs = append(jobs, githubJob(t, name, job, audience, patterns))
	}
	checkJobs(t, jobs, githubClaims, "github")
}

// checkJobs checks each job against its deploy role, and the convention as
// a whole: rc tags reach integration only, release tags both environments
// with production after integration, merge requests only plan.
func checkJobs(t *testing.T, jobs []ciJob, issued []string, ci string) {
	t.Helper()
	roles := rolesByName(t)
	applies := map[string]map[string]bool{} // tag -> environments applied
	for _, tag := range []string{rcTag, releaseTag} {
		applies[tag] = map[string]bool{}
	}
	for _, job := range jobs {
		role, ok := roles[job.role]
		if !ok {
			t.Errorf("%s: role %q is not a deploy role of the bootstrap project (it has %v)", job.name, job.role, keys(roles))
			continue
		}
		if !strings.HasPrefix(role.RoleName, job.environment+"-deploy-"+ci) {
			t.Errorf("%s: runs environments/%s with role %s, another environment's or CI system's role", job.name, job.environment, role.RoleName)
		}
		if !slices.Contains(role.BoundAudiences, job.audience) {
			t.Errorf("%s: ID token audience %q is not among %s's bound_audiences %v", job.name, job.audience, role.RoleName, role.BoundAudiences)
		}
		for claim, values := range role.BoundClaims {
			if !slices.Contains(issued, claim) {
				t.Errorf("%s binds claim %q, which %s ID tokens do not carry", role.RoleName, claim, ci)
			}
			if claim == "environment" && !slices.Contains(values, job.ciEnv) {
				t.Errorf("%s: runs in CI environment %q, but %s requires environment %v", job.name, job.ciEnv, role.RoleName, values)
			}
		}
		switch {
		case role.AllowBranches:
			if job.applies || !job.mergeOnly {
				t.Errorf("%s: role %s accepts branch pipelines, so its job may only plan merge requests", job.name, role.RoleName)
			}
		case job.mergeOnly:
			t.Errorf("%s: a merge-request job cannot log in through the tag-only role %s", job.name, role.RoleName)
		default:
			for tag := range applies {
				if job.applies && job.tags(tag) {
					applies[tag][job.environment] = true
				}
			}
			if job.tags("main") || job.tags("feature") {
				t.Errorf("%s: runs for a branch, but %s accepts only tags", job.name, role.RoleName)
			}
		}
		if job.environment == "production" && !slices.ContainsFunc(job.needs, func(n string) bool { return strings.Contains(n, "integration") }) {
			t.Errorf("%s: production must wait for the integration apply (needs)", job.name)
		}
	}
	if !applies[rcTag]["integration"] || applies[rcTag]["production"] {
		t.Errorf("tag %s applies %v, want integration only", rcTag, applies[rcTag])
	}
	if !applies[releaseTag]["integration"] || !applies[releaseTag]["production"] {
		t.Errorf("tag %s applies %v, want integration and production", releaseTag, applies[releaseTag])
	}
	for _, tag := range otherTags {
		for _, job := range jobs {
			if job.applies && job.tags(tag) {
				t.Errorf("%s: tag %s, outside the convention, applies environments/%s", job.name, tag, job.environment)
			}
		}
	}
}

// gitlabJob reads a GitLab job, with the keys of the hidden job it extends.
func gitlabJob(t *testing.T, doc map[string]any, name string, job map[string]any) ciJob {
	t.Helper()
	merged := map[string]any{}
	if base, ok := job["extends"].(string); ok {
		extended, _ := doc[base].(map[string]any)
		for k, v := range extended {
			merged[k] = v
		}
	}
	for k, v := range job {
		merged[k] = v
	}
	vars, _ := merged["variables"].(map[string]any)
	out := ciJob{name: name, environment: str(vars["ENVIRONMENT"]), role: str(vars["TF_VAR_deploy_role"])}
	out.audience = str(dig(merged, "id_tokens", "VAULTBOOT_AUTH_JWT", "aud"))
	out.ciEnv = str(dig(merged, "environment", "name"))
	out.applies = strings.Contains(strings.Join(strs(merged["script"]), "\n"), "terraform apply")
	if !strings.Contains(strings.Join(strs(merged["before_script"]), "\n"), `cd "environments/$ENVIRONMENT"`) {
		t.Errorf("%s: does not change into environments/$ENVIRONMENT", name)
	}
	out.needs = strs(merged["needs"])
	rules, _ := merged["rules"].([]any)
	if len(rules) != 1 {
		t.Fatalf("%s: want exactly one rule, got %v", name, rules)
	}
	cond := str(dig(rules[0], "if"))
	switch {
	case cond == `$CI_PIPELINE_SOURCE == "merge_request_event"`:
		out.mergeOnly = true
		out.tags = func(string) bool { return false }
	case strings.HasPrefix(cond, "$CI_COMMIT_TAG =~ /") && strings.HasSuffix(cond, "/"):
		re := regexp.MustCompile(strings.TrimSuffix(strings.TrimPrefix(cond, "$CI_COMMIT_TAG =~ /"), "/"))
		out.tags = re.MatchString
	default:
		t.Fatalf("%s: rule %q is neither on merge requests nor on $CI_COMMIT_TAG", name, cond)
	}
	checkProjectRole(t, out)
	return out
}

// githubJob reads a GitHub Actions job. Its `if` is one of the forms the
// example uses; any other form fails the test rather than pass unchecked.
func githubJob(t *testing.T, name string, job map[string]any, audience string, tagPatterns []*regexp.Regexp) ciJob {
	t.Helper()
	out := ciJob{name: name, role: str(dig(job, "env", "TF_VAR_deploy_role")), audience: audience, ciEnv: str(job["environment"])}
	out.environment = strings.TrimPrefix(str(dig(job, "defaults", "run", "working-directory")), "environments/")
	var tokenStep bool
	steps, _ := job["steps"].([]any)
	for _, s := range steps {
		run := str(dig(s, "run"))
		out.applies = out.applies || strings.Contains(run, "terraform apply")
		tokenStep = tokenStep || strings.Contains(run, "audience=$VAULT_AUDIENCE") && strings.Contains(run, "VAULTBOOT_AUTH_JWT=")
	}
	if !tokenStep {
		t.Errorf("%s: no step requests an ID token for $VAULT_AUDIENCE into VAULTBOOT_AUTH_JWT", name)
	}
	out.needs = strs(job["needs"])
	isTag := func(tag string) bool {
		return slices.ContainsFunc(tagPatterns, func(re *regexp.Regexp) bool { return re.MatchString(tag) })
	}
	switch cond := str(job["if"]); cond {
	case "github.event_name == 'pull_request'":
		out.mergeOnly = true
		out.tags = func(string) bool { return false }
	case "github.event_name == 'push' && startsWith(github.ref, 'refs/tags/v')":
		out.tags = isTag
	case "github.event_name == 'push' && !contains(github.ref_name, '-rc.')":
		if len(out.needs) == 0 {
			t.Fatalf("%s: %q alone would also run on branch pushes; it relies on needing the tag-only job", name, cond)
		}
		out.tags = func(tag string) bool { return isTag(tag) && !strings.Contains(tag, "-rc.") }
	default:
		t.Fatalf("%s: unrecognised condition %q", name, cond)
	}
	checkProjectRole(t, out)
	return out
}

// githubFilter translates a GitHub Actions filter pattern (on.push.tags)
// into the regular expression it means: "*" any run of characters but "/",
// "**" any run, "?" and "+" zero-or-one and one-or-more of what precedes,
// "[...]" a character class, everything else literal.
func githubFilter(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case strings.HasPrefix(pattern[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?' || c == '+':
			b.WriteByte(c)
		case c == '[':
			end := strings.IndexByte(pattern[i:], ']')
			b.WriteString(pattern[i : i+end+1])
			i += end
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// checkProjectRole checks that the environment project the job runs exists
// and names the job's role among those its deploy_role variable describes.
func checkProjectRole(t *testing.T, job ciJob) {
	t.Helper()
	raw, err := os.ReadFile(repoPath(t, "examples", "environments", job.environment, "main.tf"))
	if err != nil {
		t.Errorf("%s: runs environments/%q, which examples/environments lacks: %v", job.name, job.environment, err)
		return
	}
	if !strings.Contains(string(raw), job.role) {
		t.Errorf("%s: environments/%s does not mention its deploy role %s", job.name, job.environment, job.role)
	}
}

// dig walks nested YAML maps.
func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// strs reads a YAML string or list of strings.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			out = append(out, str(e))
		}
		return out
	}
	return nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
