// Command vault is the HashiCorp Vault v1.13.0 server and CLI, built from the Go
// module proxy so that tests run against a genuine MPL-2.0 release without
// downloading a prebuilt binary.
package main

import (
	"os"

	"github.com/hashicorp/vault/command"
)

func main() {
	os.Exit(command.Run(os.Args[1:]))
}
