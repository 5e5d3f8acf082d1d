package testharness

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// AgentAuth is how a Vault Agent run logs in: with a token, or through a
// Kubernetes auth role with a service account token (what the injector's
// agent does in a pod).
type AgentAuth struct {
	Token string
	// KubernetesMount, KubernetesRole and ServiceAccountJWT log in through
	// auth/<KubernetesMount> instead of using Token.
	KubernetesMount   string
	KubernetesRole    string
	ServiceAccountJWT string
}

// RenderWithAgent runs the real `vault agent` of this Vault build once
// (exit_after_auth, as the injector's init container does) with one
// template, and returns the file it rendered. caCertFile is the CA file
// the agent trusts (the injector's vault.hashicorp.com/ca-cert); "" uses
// the server's own CA for a TLS server. The agent retries a failed login
// until timeout, which is then the error.
func (v *Vault) RenderWithAgent(t testing.TB, auth AgentAuth, template, caCertFile string, timeout time.Duration) ([]byte, error) {
	t.Helper()
	bin, err := EnsureVault()
	if err != nil {
		return nil, err
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if caCertFile == "" {
		caCertFile = v.CACertFile
	}
	vaultStanza := fmt.Sprintf("vault {\n  address = %q\n", v.Addr)
	if caCertFile != "" {
		vaultStanza += fmt.Sprintf("  ca_cert = %q\n", caCertFile)
	}
	vaultStanza += "}\n"
	method := fmt.Sprintf("method \"token_file\" {\n    config = { token_file_path = %q }\n  }", write("token", auth.Token))
	if auth.KubernetesRole != "" {
		method = fmt.Sprintf("method \"kubernetes\" {\n    mount_path = %q\n    config = { role = %q, token_path = %q }\n  }",
			naming.AuthPath(auth.KubernetesMount), auth.KubernetesRole, write("sa-token", auth.ServiceAccountJWT))
	}
	dest := filepath.Join(dir, "rendered")
	config := write("agent.hcl", fmt.Sprintf(`exit_after_auth = true
pid_file = %q
%s
auto_auth {
  %s
}
template {
  source      = %q
  destination = %q
  error_on_missing_key = true
}
`, filepath.Join(dir, "agent.pid"), vaultStanza, method, write("template.ctmpl", template), dest))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "agent", "-config="+config)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir} // no VAULT_* from the test's environment
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("vault agent: %w\n%s", err, tail(out))
	}
	rendered, err := os.ReadFile(dest)
	if err != nil {
		return nil, fmt.Errorf("vault agent rendered nothing: %w\n%s", err, tail(out))
	}
	return rendered, nil
}
