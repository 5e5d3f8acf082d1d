package naming

import "strings"

// App is a validated app name in an environment (the naming contract).
type App struct {
	env  Env
	name string
}

// App validates an app name and binds it to the environment.
func (e Env) App(name string) (App, error) {
	if err := ValidateAppName(name); err != nil {
		return App{}, err
	}
	return App{env: e, name: name}, nil
}

// Name is the app name A.
func (a App) Name() string { return a.name }

// Owner is "E/A", the value of the owner marker and the policy header.
func (a App) Owner() string { return a.env.owner(a.name) }

// Markers are the custom_metadata entries that mark the app's KV metadata as ours.
func (a App) Markers() map[string]string { return a.env.markers(a.name) }

// KVMount is the KV v2 mount holding the app's secret.
func (a App) KVMount() string { return a.env.conv.KVMount }

// LogicalPath is the app's KV logical path "E/A".
func (a App) LogicalPath() string { return a.env.name + "/" + a.name }

// DataPath is the KV v2 data API path "secret/data/E/A".
func (a App) DataPath() string { return KVDataPath(a.KVMount(), a.LogicalPath()) }

// MetadataPath is the KV v2 metadata API path "secret/metadata/E/A".
func (a App) MetadataPath() string { return KVMetadataPath(a.KVMount(), a.LogicalPath()) }

// ReadPolicyName is "E-A-read".
func (a App) ReadPolicyName() string { return a.env.name + "-" + a.name + "-read" }

// WritePolicyName is "E-A-write".
func (a App) WritePolicyName() string { return a.env.name + "-" + a.name + "-write" }

// KubernetesRoleName is "E-A".
func (a App) KubernetesRoleName() string { return a.env.name + "-" + a.name }

// KubernetesRolePath is "auth/kubernetes/role/E-A".
func (a App) KubernetesRolePath() string {
	return AuthRolePath(a.env.conv.KubernetesAuthMount, a.KubernetesRoleName())
}

// both returns a path and its sub-path glob: the app owns "E/A" and "E/A/*".
func both(p string) []string { return []string{p, p + "/*"} }

func rules(paths []string, caps ...string) []Rule {
	out := make([]Rule, 0, len(paths))
	for _, p := range paths {
		out = append(out, Rule{Path: p, Capabilities: caps})
	}
	return out
}

// ReadPolicy is the workload's policy: read the secret, read and list its
// metadata. Nothing else.
func (a App) ReadPolicy() string {
	r := rules(both(a.DataPath()), "read")
	r = append(r, rules(both(a.MetadataPath()), "read", "list")...)
	return a.env.renderPolicy(a.Owner(), r)
}

// WritePolicy is the owners' policy: write, soft-delete and undelete, never
// destroy versions or delete metadata, so history can't be erased.
func (a App) WritePolicy() string {
	mount, lp := a.KVMount(), a.LogicalPath()
	r := rules(both(a.DataPath()), "create", "read", "update", "patch", "delete")
	r = append(r, rules(both(a.MetadataPath()), "read", "list")...)
	r = append(r, rules(both(KVDeletePath(mount, lp)), "update")...)
	r = append(r, rules(both(KVUndeletePath(mount, lp)), "update")...)
	return a.env.renderPolicy(a.Owner(), r)
}

// Metadata is the custom_metadata written on the app's KV secret: the user's
// keys, the description (when not empty) and the markers. Reserved keys in
// user are overwritten, so a marker can never be forged through user input.
func (a App) Metadata(user map[string]string, description string) map[string]string {
	out := make(map[string]string, len(user)+3)
	for k, v := range user {
		out[k] = v
	}
	for _, k := range ReservedMetadataKeys {
		delete(out, k)
	}
	if description != "" {
		out[DescriptionKey] = description
	}
	for k, v := range a.Markers() {
		out[k] = v
	}
	return out
}

// UserMetadata returns the keys of custom_metadata that are not vaultboot's
// own (markers, removed marker, description).
func UserMetadata(meta map[string]string) map[string]string {
	out := make(map[string]string, len(meta))
	for k, v := range meta {
		if !IsReservedMetadataKey(k) {
			out[k] = v
		}
	}
	return out
}

// IsAppPolicyName reports whether name is an app policy of this
// environment ("E-A-read" or "E-A-write" for a valid app name A).
func (e Env) IsAppPolicyName(name string) bool {
	rest, ok := strings.CutPrefix(name, e.name+"-")
	if !ok {
		return false
	}
	for _, suffix := range []string{"-read", "-write"} {
		if a, ok := strings.CutSuffix(rest, suffix); ok && ValidateAppName(a) == nil {
			return true
		}
	}
	return false
}

// PolicyEnvironment is the environment named in a vaultboot policy header
// ("" for a policy vaultboot did not write).
func PolicyEnvironment(doc string) string {
	env, _, _ := strings.Cut(PolicyOwner(doc), "/")
	return env
}
