package naming

// Binding is a validated OIDC group binding name in an environment.
type Binding struct {
	env  Env
	name string
}

// Binding validates a binding name and binds it to the environment.
func (e Env) Binding(name string) (Binding, error) {
	if err := ValidateName(name); err != nil {
		return Binding{}, err
	}
	return Binding{env: e, name: name}, nil
}

// Name is the binding name N.
func (b Binding) Name() string { return b.name }

// Owner is "E/N".
func (b Binding) Owner() string { return b.env.owner(b.name) }

// Markers are the identity group metadata entries that mark the group as ours.
func (b Binding) Markers() map[string]string { return b.env.markers(b.name) }

// GroupName is the external identity group "E-N".
func (b Binding) GroupName() string { return b.env.name + "-" + b.name }

// GroupPath reads, writes or deletes the group by name.
func (b Binding) GroupPath() string { return IdentityGroupByNamePath(b.GroupName()) }

// LoginRoleName is the optional login role "E-N".
func (b Binding) LoginRoleName() string { return b.env.name + "-" + b.name }

// LoginRolePath is the login role's path on an auth mount ("" = the
// conventions' OIDC mount).
func (b Binding) LoginRolePath(mount string) string {
	if mount == "" {
		mount = b.env.conv.OIDCAuthMount
	}
	return AuthRolePath(mount, b.LoginRoleName())
}
