// Command kube-apiserver is the Kubernetes v1.37.2 API server, built from the Go
// module proxy so that tests meet a genuine API server (TokenReview,
// TokenRequest, RBAC) without downloading a prebuilt binary.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
