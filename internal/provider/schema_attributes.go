package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// The schema pieces every resource shares, defined once so their rules and
// wording cannot drift apart.

// idAttribute is a resource's computed id, its import ID.
func idAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// nameAttribute is the name (A or N) every object's name derives from:
// validated by the naming rules, and replacing the resource when changed.
func nameAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Required:            true,
		Validators:          []validator.String{validName()},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

// appNameAttribute is an app's name: a name that no other resource type's
// objects can share (not "deploy" or "ca-sync").
func appNameAttribute() schema.StringAttribute {
	a := nameAttribute("The app name `A`: " + naming.NameRule + ". It may not start with `deploy-` or `ca-sync-`, nor be `deploy` or `ca-sync` (its policies would be a deploy role's or a CA sync policy's). Changing it replaces the resource.")
	a.Validators = []validator.String{validAppName()}
	return a
}

// adoptExistingAttribute is the one opt-in to taking over existing objects;
// objects says which (e.g. "the KV metadata, the policies or the role").
func adoptExistingAttribute(objects string) schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: "Take over " + objects + " when it already exists and is not marked as this resource's own (made by hand, or left by a lost state), or is marked by another project (another `owner`); create then marks it as this project's. Default `false`: create refuses such an object and names its import ID.",
		Optional:            true,
		Computed:            true,
		Default:             booldefault.StaticBool(false),
	}
}
