package naming

import (
	"fmt"
	"strings"
)

// Formats of the file the Vault Agent Injector renders from an app's secret.
const (
	// FormatShell renders `export KEY='value'` lines for `source`.
	FormatShell = "shell"
	// FormatDotenv renders `KEY="value"` lines: \ " newline and carriage
	// return escaped as \\ \" \n \r, "$" as is (read it without
	// interpolation, e.g. python-dotenv's interpolate=False).
	FormatDotenv = "dotenv"
	// FormatJSON renders the secret's data as one JSON object.
	FormatJSON = "json"
)

// AgentFormats are the accepted template formats, the default first.
var AgentFormats = []string{FormatShell, FormatDotenv, FormatJSON}

// EnvKeyPattern is the key names the shell and dotenv formats render: a
// shell variable name. Other keys are left out, because no quoting makes
// them assignable in a shell.
const EnvKeyPattern = `^[A-Za-z_][A-Za-z0-9_]*$`

// InjectorTLSMountDir is where the injector mounts the tls-secret Secret.
const InjectorTLSMountDir = "/vault/tls/"

// InjectorTLS is the Kubernetes Secret (name and key) holding Vault's CA in
// the app's namespaces, typically written there by a CA sync policy.
type InjectorTLS struct {
	SecretName string
	Key        string
}

// AgentFileName is the file under /vault/secrets/ the injector renders.
func AgentFileName(format string) string {
	if format == FormatJSON {
		return "app.json"
	}
	return "app.env"
}

// AgentTemplate is the consul-template the injected agent renders. Every
// value round-trips byte for byte: shell quotes it in single quotes ('
// becomes '\”), dotenv escapes \ " $ and newlines inside double quotes, and
// json is the data object as JSON.
func (a App) AgentTemplate(format string) string {
	with := fmt.Sprintf("{{ with secret %q }}", a.DataPath())
	each := "{{ range $k, $v := .Data.data }}{{ if regexMatch `" + EnvKeyPattern + "` $k }}"
	switch format {
	case FormatJSON:
		return with + "{{ .Data.data | toJSON }}\n{{ end }}"
	case FormatDotenv:
		return with + each + `{{ $k }}="{{ printf "%v" $v | replaceAll "\\" "\\\\" | replaceAll "\"" "\\\"" | replaceAll "\n" "\\n" | replaceAll "\r" "\\r" }}"` + "\n{{ end }}{{ end }}{{ end }}"
	}
	return with + each + `export {{ $k }}='{{ printf "%v" $v | replaceAll "'" "'\\''" }}'` + "\n{{ end }}{{ end }}{{ end }}"
}

// AgentAnnotations are the pod annotations for the Vault Agent Injector: log
// in with the app's role and render the secret in format; with tls, mount
// the Secret holding Vault's CA and trust it.
func (a App) AgentAnnotations(format string, tls *InjectorTLS) map[string]string {
	file := AgentFileName(format)
	out := map[string]string{
		"vault.hashicorp.com/agent-inject":                  "true",
		"vault.hashicorp.com/role":                          a.KubernetesRoleName(),
		"vault.hashicorp.com/agent-inject-secret-" + file:   a.DataPath(),
		"vault.hashicorp.com/agent-inject-template-" + file: a.AgentTemplate(format),
	}
	if tls != nil {
		out["vault.hashicorp.com/tls-secret"] = tls.SecretName
		out["vault.hashicorp.com/ca-cert"] = InjectorTLSMountDir + tls.Key
	}
	return out
}

// ValidateAgentFormat checks a template format.
func ValidateAgentFormat(format string) error {
	for _, f := range AgentFormats {
		if f == format {
			return nil
		}
	}
	return fmt.Errorf("%s is not a template format: use one of %s", Describe(format), strings.Join(quoteAll(AgentFormats), ", "))
}
