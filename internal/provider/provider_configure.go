package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// Environment variables the provider block falls back to.
const (
	envAddress       = "VAULT_ADDR"
	envToken         = "VAULT_TOKEN"
	envNamespace     = "VAULT_NAMESPACE"
	envCACert        = "VAULT_CACERT"
	envClientCert    = "VAULT_CLIENT_CERT"
	envClientKey     = "VAULT_CLIENT_KEY"
	envTLSServerName = "VAULT_TLS_SERVER_NAME"
	envSkipVerify    = "VAULT_SKIP_VERIFY"
	envAuthJWT       = "VAULTBOOT_AUTH_JWT"
)

// ownerEnv are the variables owner falls back to, in order: vaultboot's
// own, then the CI's project path (GitLab, GitHub).
var ownerEnv = []string{"VAULTBOOT_OWNER", "CI_PROJECT_PATH", "GITHUB_REPOSITORY"}

func (p *vaultbootProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, ok := p.clientConfig(&m, resp)
	if !ok {
		return
	}
	cfg.UserAgent = "Terraform/" + req.TerraformVersion + " terraform-provider-vaultboot/" + p.version
	client, err := vaultclient.New(ctx, cfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Configure the Vault Client", capitalize(err.Error())+".")
		return
	}
	if _, err := client.CheckServer(ctx); err != nil {
		var old *vaultclient.UnsupportedVersionError
		if errors.As(err, &old) {
			resp.Diagnostics.AddAttributeError(path.Root("address"), "Unsupported Vault Version", capitalize(err.Error())+".")
		} else {
			resp.Diagnostics.AddError("Unable to Read the Vault Version", capitalize(err.Error())+".")
		}
		return
	}
	resp.DataSourceData = client
	resp.ResourceData = client
}

// clientConfig resolves the provider block against the environment.
func (p *vaultbootProvider) clientConfig(m *providerModel, resp *provider.ConfigureResponse) (vaultclient.Config, bool) {
	if anyUnknown(m.Address, m.Token, m.Environment, m.Namespace, m.CACertFile, m.CACertPEM) {
		resp.Diagnostics.AddError("Unknown Provider Configuration",
			"The provider's address, token, environment, namespace or CA is not known until apply. Set them from values known at plan time (variables, not resource outputs).")
		return vaultclient.Config{}, false
	}
	cfg := vaultclient.Config{
		Address:        fallback(m.Address, envAddress),
		Namespace:      fallback(m.Namespace, envNamespace),
		CACertFile:     fallback(m.CACertFile, envCACert),
		CACertPEM:      m.CACertPEM.ValueString(),
		ClientCertFile: fallback(m.ClientCertFile, envClientCert),
		ClientKeyFile:  fallback(m.ClientKeyFile, envClientKey),
		TLSServerName:  fallback(m.TLSServerName, envTLSServerName),
		RetryTimeout:   vaultclient.DefaultRetryTimeout,
	}
	if cfg.CACertPEM != "" {
		cfg.CACertFile = ""
	}
	if cfg.Address == "" {
		resp.Diagnostics.AddAttributeError(path.Root("address"), "Missing Vault Address",
			"Set the provider's address or the VAULT_ADDR environment variable, e.g. https://vault.internal:8200.")
		return cfg, false
	}
	if err := vaultclient.CheckAddress(cfg.Address); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("address"), "Invalid Vault Address", capitalize(err.Error())+".")
		return cfg, false
	}
	cfg.SkipTLSVerify = skipVerify(m.SkipTLSVerify)
	if cfg.SkipTLSVerify {
		resp.Diagnostics.AddAttributeWarning(path.Root("skip_tls_verify"), "TLS Verification Disabled",
			"Vault's certificate is not verified, so anyone on the network path can read the token. Use ca_cert_file instead outside throwaway test servers.")
	}
	if !m.RetryTimeout.IsNull() {
		d, err := parseRetryTimeout(m.RetryTimeout.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("retry_timeout"), "Invalid Duration", capitalize(err.Error())+".")
			return cfg, false
		}
		cfg.RetryTimeout = d
	}
	env, err := naming.NewEnv(m.Environment.ValueString(), conventions(m.Conventions))
	if err != nil {
		resp.Diagnostics.AddError("Invalid Provider Conventions", capitalize(err.Error())+".")
		return cfg, false
	}
	var ok bool
	if cfg.Env, ok = withOwner(env, m.Owner, resp); !ok {
		return cfg, false
	}
	return cfg, p.credentials(m, &cfg, resp)
}

// withOwner resolves owner against its fallbacks. None set is not an
// error here: data sources work without an owner, and every resource's plan
// requires one (requireOwner).
func withOwner(env naming.Env, attr types.String, resp *provider.ConfigureResponse) (naming.Env, bool) {
	if attr.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("owner"), "Unknown Provider Owner", "The provider's owner must be known at plan time: set it from a variable, not a resource output.")
		return env, false
	}
	owner, from := attr.ValueString(), "owner"
	for _, name := range ownerEnv {
		if owner != "" {
			break
		}
		owner, from = os.Getenv(name), name
	}
	if owner == "" {
		return env, true
	}
	withOwner, err := env.WithOwner(owner)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("owner"), "Invalid Provider Owner", fmt.Sprintf("%s (from %s).", capitalize(err.Error()), from))
		return env, false
	}
	return withOwner, true
}

// credentials picks the JWT login or the token: attribute, VAULT_TOKEN, then
// ~/.vault-token, as the Vault CLI does.
func (p *vaultbootProvider) credentials(m *providerModel, cfg *vaultclient.Config, resp *provider.ConfigureResponse) bool {
	if l := m.AuthLoginJWT; l != nil {
		if anyUnknown(l.Mount, l.Role, l.JWT) {
			resp.Diagnostics.AddError("Unknown JWT Login", "auth_login_jwt's mount, role and jwt must be known at plan time.")
			return false
		}
		login := &vaultclient.JWTLogin{Mount: l.Mount.ValueString(), Role: l.Role.ValueString(), JWT: fallback(l.JWT, envAuthJWT)}
		if login.Mount == "" {
			login.Mount = "jwt"
		}
		if login.Role == "" {
			resp.Diagnostics.AddAttributeError(path.Root("auth_login_jwt").AtName("role"), "Missing JWT Login Role", "Set auth_login_jwt.role to the JWT auth role to log in with.")
			return false
		}
		if login.JWT == "" {
			resp.Diagnostics.AddAttributeError(path.Root("auth_login_jwt").AtName("jwt"), "Missing JWT", "Set auth_login_jwt.jwt or the VAULTBOOT_AUTH_JWT environment variable to the CI job's ID token.")
			return false
		}
		cfg.JWTLogin = login
		return true
	}
	cfg.Token = fallback(m.Token, envToken)
	if cfg.Token == "" {
		cfg.Token = tokenFromFile()
	}
	if cfg.Token == "" {
		resp.Diagnostics.AddAttributeError(path.Root("token"), "Missing Vault Token",
			"Set the provider's token, the VAULT_TOKEN environment variable, a ~/.vault-token file, or an auth_login_jwt block.")
		return false
	}
	return true
}

func tokenFromFile() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	b, err := os.ReadFile(filepath.Join(home, ".vault-token"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func conventions(c *conventionsModel) naming.Conventions {
	conv := naming.DefaultConventions()
	if c == nil {
		return conv
	}
	set := func(dst *string, v types.String) {
		if s := v.ValueString(); s != "" {
			*dst = s
		}
	}
	set(&conv.KVMount, c.KVMount)
	set(&conv.KubernetesAuthMount, c.KubernetesAuthMount)
	set(&conv.OIDCAuthMount, c.OIDCAuthMount)
	return conv
}

func fallback(v types.String, env string) string {
	if s := v.ValueString(); s != "" {
		return s
	}
	return os.Getenv(env)
}

func skipVerify(v types.Bool) bool {
	if !v.IsNull() {
		return v.ValueBool()
	}
	b, _ := strconv.ParseBool(os.Getenv(envSkipVerify))
	return b
}

func anyUnknown(vs ...types.String) bool {
	for _, v := range vs {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}
