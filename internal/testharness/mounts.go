package testharness

import (
	"strings"
	"testing"

	"github.com/hashicorp/vault/api"
)

// EnableAuth enables an auth method at path and returns its accessor. It is
// idempotent so tests and shared setup can both ask for the same mount; a
// mount of another type at path is a test bug and fails the test.
func (v *Vault) EnableAuth(t testing.TB, path, authType string) string {
	t.Helper()
	if m := v.authMount(t, path); m != nil {
		if m.Type != authType {
			t.Fatalf("auth/%s is a %q mount, not %q", path, m.Type, authType)
		}
		return m.Accessor
	}
	err := v.Client.Sys().EnableAuthWithOptions(path, &api.EnableAuthOptions{Type: authType})
	if err != nil && !alreadyInUse(err) {
		t.Fatalf("enable auth %s at %s: %v", authType, path, err)
	}
	// A parallel test may have enabled it between the check and the write.
	m := v.authMount(t, path)
	if m == nil || m.Type != authType {
		t.Fatalf("auth/%s is not a %q mount after enabling it", path, authType)
	}
	return m.Accessor
}

// authMount returns the auth mount at path, or nil.
func (v *Vault) authMount(t testing.TB, path string) *api.AuthMount {
	t.Helper()
	mounts, err := v.Client.Sys().ListAuth()
	if err != nil {
		t.Fatalf("list auth mounts: %v", err)
	}
	return mounts[mountKey(path)]
}

// EnableSecrets mounts a secrets engine at path with the given mount options
// (e.g. version=2 for kv). Like EnableAuth it is idempotent.
func (v *Vault) EnableSecrets(t testing.TB, path, engineType string, options map[string]string) {
	t.Helper()
	mounts, err := v.Client.Sys().ListMounts()
	if err != nil {
		t.Fatalf("list secrets mounts: %v", err)
	}
	if m := mounts[mountKey(path)]; m != nil {
		if m.Type != engineType {
			t.Fatalf("%s is a %q mount, not %q", path, m.Type, engineType)
		}
		return
	}
	err = v.Client.Sys().Mount(path, &api.MountInput{Type: engineType, Options: options})
	if err != nil && !alreadyInUse(err) {
		t.Fatalf("mount %s at %s: %v", engineType, path, err)
	}
}

// alreadyInUse is Vault's answer when a parallel test mounted the same path
// first; the mount type is checked by the caller.
func alreadyInUse(err error) bool {
	return strings.Contains(err.Error(), "path is already in use")
}

// mountKey is how sys/auth and sys/mounts name a mount: no leading slash,
// one trailing slash.
func mountKey(path string) string {
	return strings.Trim(path, "/") + "/"
}
