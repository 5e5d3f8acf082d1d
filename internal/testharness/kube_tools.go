package testharness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// kubeVersion and etcdVersion are the only releases the tests accept; the
// wrapper modules in tools/ pin them.
const (
	kubeVersion = "v1.37.2"
	etcdVersion = "3.6.16"
)

// EnsureKubeAPIServer returns the kube-apiserver v1.37.2 binary:
// $VAULTBOOT_KUBE_APISERVER_BIN if set, else <repo>/bin/kube-apiserver when it
// reports that version, else it builds it from tools/kube-apiserver under the
// tool lock (10-20 minutes the first time on 2 cores, then cached).
func EnsureKubeAPIServer() (string, error) {
	return ensureTool("VAULTBOOT_KUBE_APISERVER_BIN", "kube-apiserver",
		func(bin string) bool { return toolReports(bin, "Kubernetes "+kubeVersion, "--version") },
		"-ldflags", "-X k8s.io/component-base/version.gitVersion="+kubeVersion)
}

// EnsureEtcd returns the etcd v3.6.16 binary, found or built like
// EnsureKubeAPIServer.
func EnsureEtcd() (string, error) {
	return ensureTool("VAULTBOOT_ETCD_BIN", "etcd",
		func(bin string) bool { return toolReports(bin, "etcd Version: "+etcdVersion, "--version") })
}

// ensureTool finds or builds tools/<name> into <repo>/bin/<name>.
func ensureTool(envVar, name string, ok func(string) bool, buildFlags ...string) (string, error) {
	if bin := os.Getenv(envVar); bin != "" {
		return bin, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(root, "bin", name)
	err = withToolLock(root, func() error {
		if ok(bin) {
			return nil
		}
		fmt.Fprintf(os.Stderr, "testharness: building %s from tools/%s (the first build takes minutes) ...\n", name, name)
		args := append(append([]string{"build"}, buildFlags...), "-o", bin, ".")
		return runTool(filepath.Join(root, "tools", name), nil, "go", args...)
	})
	return bin, err
}

// toolReports reports whether bin runs and its version output contains want.
func toolReports(bin, want string, args ...string) bool {
	out, err := exec.Command(bin, args...).Output()
	return err == nil && strings.Contains(string(out), want)
}
