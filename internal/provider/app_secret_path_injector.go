package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// injectorTLSModel is an app's injector_tls and a CA sync policy's
// computed injector_tls: the same shape, so a module wires one to the other.
type injectorTLSModel struct {
	Kind       types.String `tfsdk:"kind"`
	SecretName types.String `tfsdk:"secret_name"`
	Key        types.String `tfsdk:"key"`
}

var injectorTLSAttrTypes = map[string]attr.Type{
	"kind": types.StringType, "secret_name": types.StringType, "key": types.StringType,
}

func injectorTLSAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: "The Kubernetes Secret in the app's namespaces that holds Vault's CA, so the injected agent trusts Vault: " +
			"adds the annotations `vault.hashicorp.com/tls-secret` (the Secret's name; the injector mounts it at `" + naming.InjectorTLSMountDir + "`) " +
			"and `vault.hashicorp.com/ca-cert` (`" + naming.InjectorTLSMountDir + "<key>`). Usually the output of the CA sync policy covering the app's namespaces: " +
			"`injector_tls = vaultboot_namespace_ca_sync_policy.NAME.injector_tls`. The injector mounts only Secrets: a `ConfigMap` target is refused at plan time. Needs a `kubernetes` block.",
		Optional: true,
		Attributes: map[string]schema.Attribute{
			"kind": schema.StringAttribute{
				MarkdownDescription: "The kind of the object holding the CA: `Secret`. `ConfigMap` is accepted here only to be refused with a clear message, since a CA sync policy's output carries its target's kind.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(naming.TargetKindSecret, naming.TargetKindConfigMap)},
			},
			"secret_name": schema.StringAttribute{
				MarkdownDescription: "The Secret's name, e.g. `vault-ca`.",
				Required:            true,
				Validators:          []validator.String{validK8sObjectName()},
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "The Secret's data key holding the PEM bundle, e.g. `ca.crt`.",
				Required:            true,
				Validators:          []validator.String{validK8sDataKey()},
			},
		},
	}
}

// injectorTLSValue decodes injector_tls; known is false while it (or a
// part of it) is unknown, as when it comes from a CA sync policy during
// terraform validate.
func (m *appSecretPathModel) injectorTLSValue(ctx context.Context) (t *injectorTLSModel, known bool) {
	o := m.InjectorTLS
	if o.IsNull() || o.IsUnknown() {
		return nil, !o.IsUnknown()
	}
	var v injectorTLSModel
	if diags := o.As(ctx, &v, basetypes.ObjectAsOptions{}); diags.HasError() {
		return nil, false
	}
	return &v, true
}

// checkInjectorTLS refuses what the injector cannot use: TLS without the
// kubernetes block that makes the annotations, and a ConfigMap, which
// tls-secret cannot mount.
func checkInjectorTLS(ctx context.Context, m *appSecretPathModel, diags *diag.Diagnostics) {
	if m.InjectorTLS.IsNull() {
		return
	}
	p := path.Root("injector_tls")
	if m.Kubernetes == nil {
		diags.AddAttributeError(p, "Injector TLS Without Kubernetes Role",
			"injector_tls adds annotations for the Vault Agent Injector, which are made only with a kubernetes block: add one, or remove injector_tls.")
	}
	t, _ := m.injectorTLSValue(ctx)
	if t == nil {
		return
	}
	if k := t.Kind; !k.IsNull() && !k.IsUnknown() && k.ValueString() != naming.TargetKindSecret {
		diags.AddAttributeError(p.AtName("kind"), "Injector TLS Needs a Secret",
			fmt.Sprintf("The injector mounts Vault's CA with vault.hashicorp.com/tls-secret, which takes a Secret, not a %s: set the CA sync policy's target.kind to %q for the app's namespaces.", k.ValueString(), naming.TargetKindSecret))
	}
}

// injectorTLS is the naming form of injector_tls: nil when it is null;
// known is false while any part of it is unknown.
func (m *appSecretPathModel) injectorTLS(ctx context.Context) (tls *naming.InjectorTLS, known bool) {
	t, known := m.injectorTLSValue(ctx)
	if t == nil || t.SecretName.IsUnknown() || t.Key.IsUnknown() {
		return nil, known && t == nil
	}
	return &naming.InjectorTLS{SecretName: t.SecretName.ValueString(), Key: t.Key.ValueString()}, true
}

// setInjector sets kubernetes_role and agent_annotations: null without a
// kubernetes block (no role exists to log in with), unknown while an input
// they follow from is unknown.
func (m *appSecretPathModel) setInjector(ctx context.Context, app naming.App) diag.Diagnostics {
	if m.Kubernetes == nil {
		m.KubernetesRole = types.StringNull()
		m.AgentAnnotations = types.MapNull(types.StringType)
		return nil
	}
	m.KubernetesRole = types.StringValue(app.KubernetesRoleName())
	tls, known := m.injectorTLS(ctx)
	if !known || m.TemplateFormat.IsUnknown() {
		m.AgentAnnotations = types.MapUnknown(types.StringType)
		return nil
	}
	var diags diag.Diagnostics
	m.AgentAnnotations, diags = types.MapValueFrom(ctx, types.StringType, app.AgentAnnotations(m.TemplateFormat.ValueString(), tls))
	return diags
}
