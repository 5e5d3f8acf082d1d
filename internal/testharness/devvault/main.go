// Command devvault runs one of the test harness's Vault dev servers for the
// scripts (make demo, make testmodule), so they start Vault exactly as the
// tests do. When the server is ready it writes VAULT_ADDR and VAULT_TOKEN to
// the -env-file as shell assignments; it stops the server and removes its
// files on SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/testharness"
)

func main() {
	envFile := flag.String("env-file", "", "file to write VAULT_ADDR and VAULT_TOKEN to once the server is ready")
	flag.Parse()
	if *envFile == "" {
		fmt.Fprintln(os.Stderr, "devvault: -env-file is required")
		os.Exit(2)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	v, err := testharness.StartDevServer()
	if err != nil {
		fmt.Fprintf(os.Stderr, "devvault: %v\n", err)
		os.Exit(1)
	}
	defer v.Stop()
	// Written whole, then renamed: a reader never sees half a file.
	tmp := *envFile + ".tmp"
	env := fmt.Sprintf("VAULT_ADDR=%s\nVAULT_TOKEN=%s\n", v.Addr, v.Token)
	if err := os.WriteFile(tmp, []byte(env), 0o600); err != nil {
		fmt.Fprintf(os.Stderr, "devvault: %v\n", err)
		return
	}
	if err := os.Rename(tmp, *envFile); err != nil {
		fmt.Fprintf(os.Stderr, "devvault: %v\n", err)
		return
	}
	<-stop
}
