package provider

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// ppEnableAudit turns on a file audit device, so the proof can tell which
// requests the pipeline made and what Vault decided for each.
func ppEnableAudit(t *testing.T, v *testharness.Vault) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "audit.log")
	v.Write(t, "sys/audit/proof", map[string]any{"type": "file", "options": map[string]any{"file_path": file}})
	// Close the file before the temporary directory is removed (cleanups
	// run last-registered first).
	t.Cleanup(func() { v.Delete(t, "sys/audit/proof") })
	return file
}

// auditEntry is the part of a Vault audit log line the proof reads.
type auditEntry struct {
	Type  string `json:"type"`
	Error string `json:"error"`
	Auth  struct {
		Policies []string `json:"policies"`
	} `json:"auth"`
	Request struct {
		Path      string `json:"path"`
		Operation string `json:"operation"`
	} `json:"request"`
}

// pipelineRequests returns, by path, the operations Vault allowed a token
// holding policy made (the response entries without permission errors).
func pipelineRequests(t *testing.T, file, policy string) map[string][]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e auditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit log line: %v", err)
		}
		// A login's response carries the new token's policies too: it is
		// no request made with them.
		login := strings.HasSuffix(e.Request.Path, "/login")
		if e.Type != "response" || login || strings.Contains(e.Error, "permission denied") || !slices.Contains(e.Auth.Policies, policy) {
			continue
		}
		if !slices.Contains(out[e.Request.Path], e.Request.Operation) {
			out[e.Request.Path] = append(out[e.Request.Path], e.Request.Operation)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// neededCapabilities are what Vault requires for an operation on a path:
// the operation's capability, and sudo on the sudo-protected sys/auth paths.
func neededCapabilities(path, op string) []string {
	if strings.HasPrefix(path, "sys/auth/") {
		return []string{op, "sudo"}
	}
	return []string{op}
}

// ppEveryGrantUsed takes the deploy policy apart: for every capability of
// every allowing rule, a token holding the policy without it must lack a
// capability some request of the proof needed (asked of Vault through
// sys/capabilities). So removing any single grant breaks the proof, and no
// grant is there that the provider does not use.
func ppEveryGrantUsed(t *testing.T, v *testharness.Vault, auditFile string, d naming.DeployRole, deployPolicy string, opts naming.ProviderPolicyOptions) {
	t.Helper()
	used := pipelineRequests(t, auditFile, d.PolicyName())
	if len(used) == 0 {
		t.Fatal("the audit log shows no request of the pipeline")
	}
	paths := make([]string, 0, len(used))
	for p := range used {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	env, err := testOwnedEnv(ppEnv, ppConventions())
	if err != nil {
		t.Fatal(err)
	}
	rules, err := env.ProviderPolicyRules(opts)
	if err != nil {
		t.Fatal(err)
	}
	// ProviderPolicy renders exactly these rules under the owned header.
	if got, err := env.ProviderPolicy(opts); err != nil || got != deployPolicy {
		t.Fatalf("the rules do not render the deploy policy (%v)", err)
	}
	grants := 0
	for i, r := range rules {
		if slices.Equal(r.Capabilities, []string{"deny"}) {
			continue
		}
		for _, c := range r.Capabilities {
			grants++
			without := slices.Clone(rules)
			without[i].Capabilities = slices.DeleteFunc(slices.Clone(r.Capabilities), func(x string) bool { return x == c })
			if len(without[i].Capabilities) == 0 {
				without = slices.Delete(without, i, i+1)
			}
			if broken := brokenRequests(t, v, naming.RenderPolicy("proof/minus", without), paths, used); len(broken) == 0 {
				t.Errorf("the grant %q on %s is not needed: without it, every request of the proof is still allowed", c, r.Path)
			} else {
				t.Logf("without %q on %s the proof breaks: %s", c, r.Path, broken[0])
			}
		}
	}
	t.Logf("every one of %d grants is needed by the %d paths the pipeline used", grants, len(paths))
}

// brokenRequests writes policy, makes a token holding only it, and lists
// the used requests that token may no longer make.
func brokenRequests(t *testing.T, v *testharness.Vault, policy string, paths []string, used map[string][]string) []string {
	t.Helper()
	v.Write(t, naming.PolicyPath("proof-minus"), map[string]any{"policy": policy})
	tok := v.Write(t, "auth/token/create", map[string]any{"policies": []string{"proof-minus"}, "no_default_policy": true, "ttl": "5m"}).Auth.ClientToken
	s := v.Write(t, "sys/capabilities", map[string]any{"token": tok, "paths": paths})
	var broken []string
	for _, p := range paths {
		have := vaultclient.AsStrings(s.Data[p])
		for _, op := range used[p] {
			for _, c := range neededCapabilities(p, op) {
				if !slices.Contains(have, c) {
					broken = append(broken, fmt.Sprintf("%s %s needs %s", op, p, c))
				}
			}
		}
	}
	return broken
}
