package provider

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

// hostileValues are secret values that break naive KEY=value rendering:
// spaces, both quotes, $, backticks, =, #, newlines, CR, backslashes, a PEM
// block, unicode and an empty value, plus keys no shell can assign.
func hostileValues(t *testing.T) (envKeys, otherKeys map[string]string) {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	envKeys = map[string]string{
		"SPACES":      "  two  spaces and a tab\t ",
		"QUOTES":      `it's "quoted" '' "" \' \"`,
		"DOLLAR":      "$HOME ${PATH} $(touch pwned-dollar) $$ $",
		"BACKTICK":    "`touch pwned-backtick` `",
		"EQUALS_HASH": "a=b=c # not a comment #",
		"BACKSLASH":   `C:\dir\n \\ \" \$ ends in \`,
		"BACKSLASHES": `\\server\share\" \n \\"`,
		"MULTILINE":   "line 1\nline 2\n\nline 4\n",
		"CRLF":        "a\r\nb\r",
		"PEM":         string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"UNICODE":     "päßwörd ✓ 密码 🙂 \u2028 \u0430",
		"EMPTY":       "",
		"_under_1":    "lowercase and underscore names are variables too",
	}
	otherKeys = map[string]string{
		"not-a-var":  "a dash",
		"1LEADING":   "a leading digit",
		"dotted.key": "a dot",
		"x; touch p": "a command",
	}
	return envKeys, otherKeys
}

// TestAccAppSecretPath_agentTemplate renders each template format's
// computed annotation with the real Vault Agent (v1.13.0, what the injector
// runs) and reads the result back the way apps do: bash sources the shell
// file, python-dotenv and a strict parser read the dotenv file, encoding/json
// the json file. Every value must come back byte for byte, nothing in a
// value may run, and keys that are no variable names are left out of the
// shell and dotenv files (and kept in json).
func TestAccAppSecretPath_agentTemplate(t *testing.T) {
	v := testharness.Shared(t)
	v.EnableAuth(t, "kubernetes", "kubernetes")
	envKeys, otherKeys := hostileValues(t)
	all := maps.Clone(envKeys)
	maps.Copy(all, otherKeys)
	formats := map[string]string{"envfile-shell": naming.FormatShell, "envfile-dotenv": naming.FormatDotenv, "envfile-json": naming.FormatJSON}
	var config strings.Builder
	for name, format := range formats {
		fmt.Fprintf(&config, `
resource "vaultboot_app_secret_path" %[1]q {
  app             = %[1]q
  template_format = %[2]q
  kubernetes {
    namespaces       = [%[1]q]
    service_accounts = [%[1]q]
  }
}
`, name, format)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccConfig(t, config.String()),
			Check: func(s *terraform.State) error {
				for name, format := range formats {
					app := testAccApp(t, name)
					v.Write(t, app.DataPath(), map[string]any{"data": all})
					file := naming.AgentFileName(format)
					attrs := s.RootModule().Resources[appAddr(name)].Primary.Attributes
					tmpl := attrs["agent_annotations.vault.hashicorp.com/agent-inject-template-"+file]
					if attrs["agent_annotations.vault.hashicorp.com/agent-inject-secret-"+file] != app.DataPath() || tmpl == "" {
						return fmt.Errorf("%s: no template annotation for %s in %v", name, file, attrs)
					}
					rendered, err := v.RenderWithAgent(t, testharness.AgentAuth{Token: childToken(t, v, app.ReadPolicyName())}, tmpl, "", time.Minute)
					if err != nil {
						return err
					}
					if err := checkRendered(t, format, rendered, envKeys, all); err != nil {
						return fmt.Errorf("%s: %w\nrendered:\n%s", format, err, rendered)
					}
				}
				return nil
			},
		}},
	})
}

// checkRendered reads a rendered file back as an app would and compares.
func checkRendered(t *testing.T, format string, rendered []byte, envKeys, all map[string]string) error {
	var got map[string]string
	var err error
	want := envKeys
	switch format {
	case naming.FormatShell:
		got, err = sourceInBash(t, rendered, slices.Sorted(maps.Keys(all)))
	case naming.FormatDotenv:
		got, err = parseDotenv(rendered)
		if err == nil {
			err = checkPythonDotenv(t, rendered, got)
		}
	case naming.FormatJSON:
		want = all
		err = json.Unmarshal(rendered, &got)
	}
	if err != nil {
		return err
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			return fmt.Errorf("key %q came back as %q (present: %t), want %q", k, g, ok, w)
		}
	}
	if len(got) != len(want) {
		return fmt.Errorf("got keys %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	return nil
}

// sourceInBash sources the file in a clean bash, then writes each exported
// variable's value to a file of its own (so trailing newlines survive). It
// fails if anything in a value ran.
func sourceInBash(t *testing.T, rendered []byte, keys []string) (map[string]string, error) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.env"), rendered, 0o600); err != nil {
		return nil, err
	}
	if err := os.Mkdir(filepath.Join(dir, "out"), 0o700); err != nil {
		return nil, err
	}
	script := `set -eu; source ./app.env; while IFS= read -r k; do if printenv "$k" >/dev/null; then printf '%s' "${!k}" > "out/$k"; fi; done <<< "$KEYS"`
	cmd := exec.Command("bash", "--noprofile", "--norc", "-c", script)
	cmd.Dir = dir
	var names []string
	for _, k := range keys {
		if regexpEnvKey(k) {
			names = append(names, k)
		}
	}
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "KEYS=" + strings.Join(names, "\n")}
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("bash could not source the file: %w\n%s", err, out)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Name() != "app.env" && e.Name() != "out" {
			return nil, fmt.Errorf("sourcing the file ran a command from a value: %s exists", e.Name())
		}
	}
	got := map[string]string{}
	outs, err := os.ReadDir(filepath.Join(dir, "out"))
	if err != nil {
		return nil, err
	}
	for _, e := range outs {
		b, err := os.ReadFile(filepath.Join(dir, "out", e.Name()))
		if err != nil {
			return nil, err
		}
		got[e.Name()] = string(b)
	}
	return got, nil
}

func regexpEnvKey(k string) bool {
	for i, r := range k {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return k != ""
}

// parseDotenv is a strict reader of the documented dotenv format: one
// KEY="value" per line, with exactly the escapes \\ \" \n \r.
func parseDotenv(b []byte) (map[string]string, error) {
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		k, quoted, ok := strings.Cut(line, "=")
		if !ok || len(quoted) < 2 || quoted[0] != '"' || quoted[len(quoted)-1] != '"' {
			return nil, fmt.Errorf("line %q is not KEY=\"value\"", line)
		}
		var v strings.Builder
		body := quoted[1 : len(quoted)-1]
		for i := 0; i < len(body); i++ {
			c := body[i]
			switch {
			case c == '"':
				return nil, fmt.Errorf("line %q has an unescaped quote", line)
			case c != '\\':
				v.WriteByte(c)
				continue
			}
			i++
			if i == len(body) {
				return nil, fmt.Errorf("line %q ends in a lone backslash", line)
			}
			repl, ok := map[byte]string{'\\': `\`, '"': `"`, 'n': "\n", 'r': "\r"}[body[i]]
			if !ok {
				return nil, fmt.Errorf("line %q has the escape \\%c", line, body[i])
			}
			v.WriteString(repl)
		}
		out[k] = v.String()
	}
	return out, nil
}

// checkPythonDotenv reads the file with python-dotenv, the reader most
// dotenv users have, when it is installed, and compares with want. Its
// parser cannot read a value ending in a backslash (it takes the final \\"
// for an escaped quote and runs into the next line), a limitation the
// format's documentation states, so those lines are left out of this check;
// the strict parser has checked them.
func checkPythonDotenv(t *testing.T, rendered []byte, want map[string]string) error {
	if exec.Command("python3", "-c", "import dotenv").Run() != nil {
		t.Log("python-dotenv is not installed: the dotenv file was checked by the strict parser only")
		return nil
	}
	want = maps.Clone(want)
	var lines []string
	for _, line := range strings.SplitAfter(string(rendered), "\n") {
		k, _, _ := strings.Cut(line, "=")
		if strings.HasSuffix(want[k], `\`) {
			delete(want, k)
			continue
		}
		lines = append(lines, line)
	}
	f := filepath.Join(t.TempDir(), "app.env")
	if err := os.WriteFile(f, []byte(strings.Join(lines, "")), 0o600); err != nil {
		return err
	}
	out, err := exec.Command("python3", "-c", "import json,sys; from dotenv import dotenv_values; sys.stdout.write(json.dumps(dotenv_values(sys.argv[1], interpolate=False)))", f).Output()
	if err != nil {
		return fmt.Errorf("python-dotenv: %w", err)
	}
	var got map[string]string
	if err := json.NewDecoder(bytes.NewReader(out)).Decode(&got); err != nil {
		return err
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("python-dotenv read %q, want %q", got, want)
	}
	return nil
}
