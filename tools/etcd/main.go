// Command etcd is etcd v3.6.16, the store the test API server keeps its objects
// in, built from the Go module proxy.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
