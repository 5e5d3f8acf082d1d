package testharness

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// etcdServer is the store of one test API server: a single member on two
// loopback ports (clients, peers).
type etcdServer struct {
	URL  string // http://127.0.0.1:PORT
	proc *process
}

// startEtcd starts etcd in a directory of its own and waits until /health
// answers true; a lost port race is retried on fresh ports.
func startEtcd(bin string) (*etcdServer, error) {
	for attempt := 1; ; attempt++ {
		e, err := startEtcdOnce(bin)
		if !errors.Is(err, errPortTaken) || attempt == 3 {
			return e, err
		}
	}
}

func startEtcdOnce(bin string) (*etcdServer, error) {
	dir, err := os.MkdirTemp("", "vaultboot-etcd-*")
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(2)
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	client, peer := fmt.Sprintf("http://127.0.0.1:%d", ports[0]), fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	args := []string{
		"--name=test", "--data-dir=" + filepath.Join(dir, "data"),
		"--listen-client-urls=" + client, "--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=test=" + peer, "--log-level=warn",
		// Test data: skipping fsync keeps a shared machine's disk out of the timings.
		"--unsafe-no-fsync",
	}
	p, err := spawnLogged(bin, dir, "etcd.log", []string{"PATH=" + os.Getenv("PATH"), "TMPDIR=" + dir}, args)
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	e := &etcdServer{URL: client, proc: p}
	if err := waitHTTP(p, "etcd", client+"/health", nil, func(body string) bool { return strings.Contains(body, `"health":"true"`) }); err != nil {
		p.stop()
		return nil, err
	}
	return e, nil
}

// waitHTTP polls url until ok accepts a 200 answer's body, the process
// exits, or readyTimeout passes. Polling, not sleeping, keeps it exact.
func waitHTTP(p *process, what, url string, client *http.Client, ok func(string) bool) error {
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Second}
	}
	deadline := time.Now().Add(readyTimeout)
	var lastErr error
	for {
		select {
		case <-p.exited:
			log := p.logTail()
			if strings.Contains(log, "address already in use") {
				return errPortTaken
			}
			return fmt.Errorf("%s exited before it was ready: %s\n--- %s log (tail) ---\n%s", what, p.cmd.ProcessState, what, log)
		case <-time.After(100 * time.Millisecond):
		}
		body, err := getBody(client, url)
		if err == nil && ok(body) {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("not ready: %s", body)
		}
		lastErr = err
		if time.Now().After(deadline) {
			return fmt.Errorf("%s at %s not ready after %s: %w\n--- %s log (tail) ---\n%s", what, url, readyTimeout, lastErr, what, p.logTail())
		}
	}
}

// freePorts returns n distinct free loopback ports, held open together while
// they are picked so none repeats.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer func() { _ = l.Close() }()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port) //nolint:forcetypeassert // a tcp listener always has a *net.TCPAddr
	}
	return ports, nil
}
