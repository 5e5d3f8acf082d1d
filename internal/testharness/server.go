package testharness

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// readyTimeout bounds how long a dev server may take to answer sys/health.
const readyTimeout = 60 * time.Second

// errPortTaken marks a start that lost the race for its port to another
// process; startVault then retries on a fresh port.
var errPortTaken = errors.New("listen port taken")

// process is one running `vault server -dev` with its private directory
// (log file, HOME, TMPDIR and TLS files).
type process struct {
	cmd    *exec.Cmd
	dir    string
	log    string // combined stdout and stderr
	exited chan struct{}
	once   sync.Once
}

// startVault starts a dev server and waits until it is ready.
func startVault(bin string, o options) (*Vault, error) {
	for attempt := 1; ; attempt++ {
		v, err := startOnce(bin, o)
		if !errors.Is(err, errPortTaken) || attempt == 3 {
			return v, err
		}
	}
}

// startOnce makes one attempt on a fresh port pair; on failure the error
// carries the tail of the server's log.
func startOnce(bin string, o options) (*Vault, error) {
	dir, err := os.MkdirTemp("", "vaultboot-vault-*")
	if err != nil {
		return nil, err
	}
	port, err := freePortPair()
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	v, args := devServer(dir, port, o)
	if v.proc, err = spawn(bin, dir, args); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	if err := v.waitReady(); err != nil {
		log := v.proc.logTail()
		v.proc.stop()
		return nil, fmt.Errorf("%w\n--- vault server log (tail) ---\n%s", err, log)
	}
	if err := v.configureClient(); err != nil {
		v.proc.stop()
		return nil, err
	}
	return v, nil
}

// devServer describes the server to start and returns the arguments that
// start it; with TLS, Vault writes its CA into dir/tls.
func devServer(dir string, port int, o options) (*Vault, []string) {
	v := &Vault{Addr: fmt.Sprintf("http://127.0.0.1:%d", port), Token: randomHex(16)}
	args := []string{"server", "-dev", "-dev-root-token-id=" + v.Token, fmt.Sprintf("-dev-listen-address=127.0.0.1:%d", port)}
	if o.tls {
		certDir := filepath.Join(dir, "tls")
		v.Addr = fmt.Sprintf("https://127.0.0.1:%d", port)
		v.CACertFile = filepath.Join(certDir, "vault-ca.pem")
		args = append(args, "-dev-tls", "-dev-tls-cert-dir="+certDir)
	}
	return v, args
}

// spawn starts Vault with a scrubbed environment: only PATH plus a private
// HOME and TMPDIR, so no VAULT_* variable leaks in and the dev server's token
// helper never overwrites the developer's ~/.vault-token.
func spawn(bin, dir string, args []string) (*process, error) {
	for _, sub := range []string{"home", "tls"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(dir, "home"), "TMPDIR=" + dir}
	return spawnLogged(bin, dir, "vault.log", env, args)
}

// spawnLogged starts bin in dir with exactly env, its output going to
// dir/logName, and notes when it exits.
func spawnLogged(bin, dir, logName string, env, args []string) (*process, error) {
	logPath := filepath.Join(dir, logName)
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer func() { _ = logFile.Close() }() // the child keeps its own descriptor
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, dir: dir, log: logPath, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait() // the exit status of a killed server says nothing
		close(p.exited)
	}()
	return p, nil
}

// stop kills the server, waits for it and removes its directory.
func (p *process) stop() {
	p.once.Do(func() {
		_ = p.cmd.Process.Kill() // fails only if it already exited
		<-p.exited
		_ = os.RemoveAll(p.dir)
	})
}

// logTail returns the last few KiB of the server's combined output.
func (p *process) logTail() string {
	out, err := os.ReadFile(p.log)
	if err != nil {
		return err.Error()
	}
	return tail(out)
}

// tail keeps the end of a long output, where errors usually are.
func tail(out []byte) string {
	const keep = 4096
	if len(out) > keep {
		out = out[len(out)-keep:]
	}
	return string(out)
}

// waitReady polls sys/health until it answers 200: the dev server is then
// initialised, unsealed and has its root token. Polling instead of sleeping
// keeps fast machines fast and slow ones correct.
func (v *Vault) waitReady() error {
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-v.proc.exited:
			if strings.Contains(v.proc.logTail(), "address already in use") {
				return errPortTaken
			}
			return fmt.Errorf("vault server exited before it was ready: %s", v.proc.cmd.ProcessState)
		case <-time.After(100 * time.Millisecond):
		}
		err := v.healthy()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("vault server at %s not ready after %s: %w", v.Addr, readyTimeout, err)
		}
	}
}

// healthy checks sys/health once. For TLS servers it first loads the CA that
// -dev-tls writes before the listener opens.
func (v *Vault) healthy() error {
	client := &http.Client{Timeout: 2 * time.Second}
	defer client.CloseIdleConnections()
	if v.CACertFile != "" {
		pemBytes, err := os.ReadFile(v.CACertFile)
		if err != nil {
			return err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemBytes) {
			return fmt.Errorf("no certificate in %s yet", v.CACertFile)
		}
		v.CACertPEM = string(pemBytes)
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	}
	resp, err := client.Get(v.Addr + "/v1/sys/health")
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sys/health answered %s", resp.Status)
	}
	return nil
}

// freePortPair finds a loopback port whose successor is free too: the dev
// server binds PORT for the API and PORT+1 for cluster traffic.
func freePortPair() (int, error) {
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port //nolint:forcetypeassert // a tcp listener always has a *net.TCPAddr
		next, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port+1))
		_ = l.Close()
		if err == nil {
			_ = next.Close()
			return port, nil
		}
	}
	return 0, errors.New("no pair of adjacent free loopback ports")
}

// randomHex returns n random bytes as hex, for root tokens and UIDs.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
