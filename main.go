// Command terraform-provider-vaultboot serves the vaultboot Terraform
// provider over plugin protocol 6.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/process"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

// Address is the provider's source address in the private registry.
const Address = "registry.terraform.io/vaultboot/vaultboot"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	if err := process.QuietUnreadLogs(os.Environ(), os.Setenv); err != nil {
		log.Fatal(err.Error())
	}
	process.TuneGC(os.LookupEnv)
	stop := process.StartProfiling()
	// tf6server directly (not providerserver.Serve) to serve the framework's
	// server behind provider.NewServer's wrapper.
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve(Address, provider.NewServer(version), opts...)
	stop()
	if err != nil {
		log.Fatal(err.Error())
	}
}
