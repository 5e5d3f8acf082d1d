package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// canaries are secret values planted in Vault; none may ever leave it.
type canaries struct {
	values []string
}

func (c *canaries) next() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	v := "CANARY-" + hex.EncodeToString(b)
	c.values = append(c.values, v)
	return v
}

// forms are the spellings a leaked value could take: as is, base64 (how
// Vault and JSON carry bytes), and its hex body alone (a log that quotes or
// escapes the prefix).
func (c *canaries) forms() []string {
	var out []string
	for _, v := range c.values {
		out = append(out, v, base64.StdEncoding.EncodeToString([]byte(v)), strings.TrimPrefix(v, "CANARY-"))
	}
	return out
}

// TestCanariesNeverLeaveVault plants canary values in every app's secret
// (and a sub-path) and in the sibling keys of the CA source, then runs plan,
// apply, refresh, import, the data source with key names, a failing plan and
// destroy with TF_LOG=TRACE. No canary may appear in the state, the plan
// JSON, the logs or any output or error.
func TestCanariesNeverLeaveVault(t *testing.T) {
	c := cluster(t)
	v := c.Vault(c.Nodes[0])
	const env, apps = "canary", 5
	var cn canaries
	for i := range apps {
		app := fmt.Sprintf("app-%04d", i)
		v.Write(t, fmt.Sprintf("secret/data/%s/%s", env, app), map[string]any{"data": map[string]any{
			"DB_PASSWORD": cn.next(), "API_KEY": cn.next(), "MULTI_LINE": "x\n" + cn.next() + "\n'\"$`",
		}})
		v.Write(t, fmt.Sprintf("secret/data/%s/%s/db", env, app), map[string]any{"data": map[string]any{"password": cn.next()}})
	}
	caPEM := v.Read(t, "pki/cert/ca").Data["certificate"].(string) //nolint:forcetypeassert // the PKI mount serves its CA as a string
	v.Write(t, "secret/data/platform/canary-ca", map[string]any{"data": map[string]any{
		"ca.crt": caPEM, "tls.key": cn.next(), "password": cn.next(),
	}})
	v.Write(t, "secret/data/platform/canary-notca", map[string]any{"data": map[string]any{
		"ca.crt": cn.next(), "other": cn.next(),
	}})
	if got := v.Read(t, fmt.Sprintf("secret/data/%s/app-0000", env)).Data["data"]; !strings.Contains(fmt.Sprint(got), "CANARY-") {
		t.Fatalf("the canary is not in Vault: %v", got)
	}

	w := testharness.NewWorkdir(t)
	config := fleet{env: env, apps: apps, adopt: true}.config(v) + `
resource "vaultboot_namespace_ca_sync_policy" "canary" {
  name = "canary"
  ca_source {
    kv_path = "platform/canary-ca"
  }
  namespaces {
    match_names = ["payments"]
  }
  target {
    kind = "Secret"
  }
  syncer {
    namespace       = "vault-system"
    service_account = "ca-syncer"
  }
}

data "vaultboot_app_secret_path" "first" {
  app            = "app-0000"
  with_key_names = true
  depends_on     = [vaultboot_app_secret_path.app]
}

output "key_names" {
  value = data.vaultboot_app_secret_path.first.key_names
}
`
	w.WriteConfig(t, config)
	var outputs bytes.Buffer
	step := 0
	run := func(wantErr bool, args ...string) string {
		t.Helper()
		step++
		w.SetEnv("TF_LOG=TRACE", fmt.Sprintf("TF_LOG_PATH=%s", filepath.Join(w.Dir, fmt.Sprintf("trace-%02d-%s.log", step, args[0]))))
		out, err := w.Run(t.Context(), args...)
		outputs.WriteString(out)
		if (err != nil) != wantErr {
			t.Fatalf("terraform %s: err = %v, want error %v:\n%s", strings.Join(args, " "), err, wantErr, tailOf(out))
		}
		return out
	}
	run(false, "plan", "-out=tfplan")
	outputs.WriteString(run(false, "show", "-json", "tfplan"))
	run(false, "apply", "tfplan")
	run(false, "apply", "-refresh-only", "-auto-approve")
	run(false, "state", "rm", `vaultboot_app_secret_path.app["app-0001"]`)
	run(false, "import", `vaultboot_app_secret_path.app["app-0001"]`, "app-0001")
	run(false, "plan")
	out := run(false, "output", "-json", "key_names")
	var keys []string
	if err := json.Unmarshal([]byte(out), &keys); err != nil || strings.Join(keys, ",") != "API_KEY,DB_PASSWORD,MULTI_LINE" {
		t.Errorf("key_names = %s (%v), want the three key names", out, err)
	}
	outputs.WriteString(run(false, "show", "-json"))
	run(false, "destroy", "-auto-approve")

	// A source whose bundle key holds a secret instead of a CA: the error
	// must say what is wrong without quoting it.
	w.WriteConfig(t, strings.Replace(config, "platform/canary-ca", "platform/canary-notca", 1))
	run(true, "plan")

	found, scanned := scanForCanaries(t, w.Dir, outputs.String(), cn.forms())
	t.Logf("canaries planted: %d; scanned %d files (%d bytes) and %d bytes of output: %d found", len(cn.values), scanned.files, scanned.bytes, outputs.Len(), len(found))
	for _, f := range found {
		t.Errorf("canary leaked: %s", f)
	}
	if scanned.files < 10 {
		t.Errorf("only %d files scanned: the trace logs or state are missing", scanned.files)
	}
	assertRequestTrace(t, filepath.Join(w.Dir, "trace-03-apply.log"))
}

// assertRequestTrace: a TRACE log shows each Vault request's method, path
// and status (what the canary scan proves it shows no secret of).
func assertRequestTrace(t *testing.T, log string) {
	t.Helper()
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`Vault request:`, `method=PUT`, `path=/v1/sys/policies/acl/canary-app-0000-read`, `status=204`, `path=/v1/vaultboot/data/environment`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("%s has no %q: the client's requests are not traced", filepath.Base(log), want)
		}
	}
}

type scanTotals struct{ files, bytes int }

// scanForCanaries searches every file under dir (state, backups, plans,
// trace logs) and the command outputs for any form of a canary.
func scanForCanaries(t *testing.T, dir, outputs string, forms []string) ([]string, scanTotals) {
	t.Helper()
	var found []string
	var totals scanTotals
	check := func(where string, data []byte) {
		for _, f := range forms {
			if bytes.Contains(data, []byte(f)) {
				found = append(found, fmt.Sprintf("%q in %s", f, where))
			}
		}
	}
	check("terraform output", []byte(outputs))
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		totals.files++
		totals.bytes += len(data)
		check(filepath.Base(path), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found, totals
}
