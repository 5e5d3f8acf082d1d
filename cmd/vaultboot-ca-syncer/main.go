// Command vaultboot-ca-syncer publishes the CA of a vaultboot namespace CA
// sync policy into every namespace the policy selects. Configuration is by
// environment variable, each overridden by a flag of the same name in kebab
// case (--vaultboot-sync-role); see docs/guides/ca-sync-in-kubernetes.md.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/casyncer"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg, err := casyncer.Parse(os.Args[1:], os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "vaultboot-ca-syncer: invalid configuration:\n%v\n", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := casyncer.Run(ctx, cfg, log); err != nil {
		log.Error("vaultboot-ca-syncer stopped", "error", err)
		os.Exit(1)
	}
	log.Info("vaultboot-ca-syncer shut down cleanly")
}
