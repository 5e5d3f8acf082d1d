package testharness

import (
	"os"
	"regexp"
	"testing"
)

// unsealKey is how the dev server prints its single unseal key.
var unsealKey = regexp.MustCompile(`Unseal Key: (\S+)`)

// Seal seals a dedicated dev server: every request then gets 503 "Vault is
// sealed", as during maintenance. Its in-memory data survive until Unseal.
func (v *Vault) Seal(t testing.TB) {
	t.Helper()
	if err := v.Client.Sys().Seal(); err != nil {
		t.Fatalf("seal %s: %v", v.Addr, err)
	}
}

// Unseal unseals it again with the key the dev server printed at start.
func (v *Vault) Unseal(t testing.TB) {
	t.Helper()
	log, err := os.ReadFile(v.proc.log)
	if err != nil {
		t.Fatal(err)
	}
	m := unsealKey.FindSubmatch(log)
	if m == nil {
		t.Fatal("the dev server's log has no unseal key")
	}
	status, err := v.Client.Sys().Unseal(string(m[1]))
	if err != nil || status.Sealed {
		t.Fatalf("unseal %s: %+v, %v", v.Addr, status, err)
	}
}
