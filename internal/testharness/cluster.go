package testharness

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/vault/api"
)

// clusterSize is the smallest Raft cluster that survives losing one node.
const clusterSize = 3

// haEnv is the switch for the tests that need a real HA cluster. `make test`
// sets it; a developer running one package by hand can leave the 20-second
// cluster start out.
const haEnv = "VAULTBOOT_HA"

// Cluster is a real HA Vault: three `vault server` processes of the v1.13.0
// build on integrated storage (Raft), initialised with one unseal key. Tests
// stop, start, unseal and step down nodes to play a rolling upgrade.
type Cluster struct {
	Nodes     []*Node
	Token     string // root token
	UnsealKey string
	// StartCost is how long StartCluster took: init, unseal, join, and
	// three voters.
	StartCost time.Duration

	bin  string
	root string
}

// Node is one member of a Cluster. Its Raft data survives Stop and Start,
// as a server's disk survives an upgrade.
type Node struct {
	ID          string // node1, node2, node3
	Addr        string // http://127.0.0.1:PORT, its api_addr
	clusterAddr string // 127.0.0.1:PORT+1
	dir         string

	mu   sync.Mutex
	proc *process
	runs int
}

var (
	sharedCluster     *Cluster
	sharedClusterErr  error
	sharedClusterOnce sync.Once
)

// SharedCluster returns the package's HA cluster, starting it on first use;
// Main stops it. Tests that take nodes down must hand it back healthy
// (Heal). Without VAULTBOOT_HA=1 the test is skipped: make test sets it.
func SharedCluster(t testing.TB) *Cluster {
	t.Helper()
	skipWithoutAcc(t)
	if os.Getenv(haEnv) == "" {
		t.Skipf("HA cluster test: set %s=1 (make test does) to start a 3-node Raft cluster", haEnv)
	}
	sharedClusterOnce.Do(func() {
		bin, err := EnsureVault()
		if err != nil {
			sharedClusterErr = err
			return
		}
		sharedCluster, sharedClusterErr = startCluster(bin)
	})
	if sharedClusterErr != nil {
		t.Fatalf("start HA cluster: %v", sharedClusterErr)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, n := range sharedCluster.Nodes {
				t.Logf("%s log (tail):\n%s", n.ID, n.logTail())
			}
		}
	})
	return sharedCluster
}

// startCluster starts three nodes, initialises node1 with one key share,
// joins the others to it, and waits until all three are Raft voters.
func startCluster(bin string) (*Cluster, error) {
	begin := time.Now()
	root, err := os.MkdirTemp("", "vaultboot-ha-*")
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, root: root}
	if err := c.bootstrap(); err != nil {
		for _, n := range c.Nodes {
			err = fmt.Errorf("%w\n--- %s log (tail) ---\n%s", err, n.ID, n.logTail())
		}
		c.stop()
		return nil, err
	}
	c.StartCost = time.Since(begin)
	return c, nil
}

func (c *Cluster) bootstrap() error {
	for i := 1; i <= clusterSize; i++ {
		n, err := c.newNode(i)
		if err != nil {
			return err
		}
		c.Nodes = append(c.Nodes, n)
	}
	if err := c.init(); err != nil {
		return err
	}
	for _, n := range c.Nodes[1:] {
		if err := c.join(n); err != nil {
			return err
		}
	}
	if err := c.waitVoters(2 * time.Minute); err != nil {
		return err
	}
	// A node that joined through raft join runs Vault v1.13.0's standby
	// loop twice and ignores sys/step-down once it leads; restarted once,
	// it unseals like any member and steps down when asked.
	for _, n := range c.Nodes[1:] {
		if err := c.restart(n); err != nil {
			return err
		}
	}
	return c.waitVoters(2 * time.Minute)
}

// restart stops n gracefully, starts and unseals it.
func (c *Cluster) restart(n *Node) error {
	n.mu.Lock()
	p := n.proc
	n.mu.Unlock()
	_ = p.cmd.Process.Signal(syscall.SIGTERM) // fails only if it already exited
	<-p.exited
	if err := c.spawn(n); err != nil {
		return err
	}
	return c.unseal(n)
}

// newNode writes a node's configuration and starts it (sealed,
// uninitialised). A port lost to another process between the probe and the
// bind is retried on fresh ports.
func (c *Cluster) newNode(i int) (*Node, error) {
	var lastErr error
	for range 3 {
		port, err := freePortPair()
		if err != nil {
			return nil, err
		}
		n := &Node{
			ID:          fmt.Sprintf("node%d", i),
			Addr:        fmt.Sprintf("http://127.0.0.1:%d", port),
			clusterAddr: fmt.Sprintf("127.0.0.1:%d", port+1),
			dir:         filepath.Join(c.root, fmt.Sprintf("node%d-%d", i, port)),
		}
		if err := n.writeConfig(port); err != nil {
			return nil, err
		}
		lastErr = c.spawn(n)
		if lastErr == nil {
			return n, nil
		}
		if !errors.Is(lastErr, errPortTaken) {
			return nil, lastErr
		}
	}
	return nil, lastErr
}

// writeConfig writes the server configuration of a production-like node: raft
// storage, a plain-HTTP loopback listener with its own cluster address.
// performance_multiplier = 1 is HashiCorp's production recommendation
// (the default 5 is tuned for small cloud instances): a lost leader is
// replaced in about a second instead of ten or more.
func (n *Node) writeConfig(port int) error {
	if err := os.MkdirAll(filepath.Join(n.dir, "raft"), 0o700); err != nil {
		return err
	}
	cfg := fmt.Sprintf(`storage "raft" {
  path                   = %q
  node_id                = %q
  performance_multiplier = 1
}
listener "tcp" {
  address         = "127.0.0.1:%d"
  cluster_address = %q
  tls_disable     = true
}
api_addr      = %q
cluster_addr  = "https://%s"
disable_mlock = true
`, filepath.Join(n.dir, "raft"), n.ID, port, n.clusterAddr, n.Addr, n.clusterAddr)
	return os.WriteFile(filepath.Join(n.dir, "vault.hcl"), []byte(cfg), 0o600)
}

// spawn starts the node's server process in a fresh run directory and waits
// until its listener answers (sealed).
func (c *Cluster) spawn(n *Node) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.runs++
	runDir := filepath.Join(n.dir, fmt.Sprintf("run%d", n.runs))
	if err := os.Mkdir(runDir, 0o700); err != nil {
		return err
	}
	p, err := spawn(c.bin, runDir, []string{"server", "-config=" + filepath.Join(n.dir, "vault.hcl")})
	if err != nil {
		return err
	}
	n.proc = p
	return n.waitListening(p)
}

// waitListening polls sys/seal-status until the listener answers.
func (n *Node) waitListening(p *process) error {
	deadline := time.Now().Add(readyTimeout)
	client := &http.Client{Timeout: 2 * time.Second}
	defer client.CloseIdleConnections()
	for {
		select {
		case <-p.exited:
			if strings.Contains(p.logTail(), "address already in use") {
				return errPortTaken
			}
			return fmt.Errorf("%s exited before it listened: %s\n%s", n.ID, p.cmd.ProcessState, p.logTail())
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := client.Get(n.Addr + "/v1/sys/seal-status")
		if err == nil {
			_ = resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s at %s not listening after %s: %w", n.ID, n.Addr, readyTimeout, err)
		}
	}
}

// init initialises node1 with one key share, unseals it, waits for it to
// lead, and shortens autopilot's stabilisation time so joined nodes become
// voters in seconds rather than the default ten.
func (c *Cluster) init() error {
	n1 := c.Nodes[0]
	resp, err := n1.client("").Sys().Init(&api.InitRequest{SecretShares: 1, SecretThreshold: 1})
	if err != nil {
		return fmt.Errorf("operator init on %s: %w", n1.ID, err)
	}
	c.UnsealKey, c.Token = resp.KeysB64[0], resp.RootToken
	if err := c.unseal(n1); err != nil {
		return err
	}
	if err := c.waitActive(n1, time.Minute); err != nil {
		return err
	}
	_, err = c.NodeClient(n1).Logical().Write("sys/storage/raft/autopilot/configuration", map[string]any{"server_stabilization_time": 2})
	return err
}

// join adds n to the cluster led by node1 and unseals it. Vault v1.13.0
// sometimes wedges a join: the unseal that answers the leader's challenge
// fails ("failed to create cipher: crypto/aes: invalid key size 0") and the
// node stays uninitialised while the leader keeps it as a non-voter. Such a
// node is wiped, removed from the leader's configuration and joined again.
func (c *Cluster) join(n *Node) error {
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		if attempt > 1 {
			if err := c.rejoinAfresh(n); err != nil {
				return err
			}
		}
		if _, err = n.client("").Sys().RaftJoin(&api.RaftJoinRequest{LeaderAPIAddr: c.Nodes[0].Addr}); err != nil {
			return fmt.Errorf("raft join of %s: %w", n.ID, err)
		}
		if err = c.unseal(n); err == nil {
			return nil
		}
	}
	return err
}

// rejoinAfresh undoes a wedged join of n: stops it, removes it from the
// leader's Raft configuration, empties its Raft data and starts it again,
// uninitialised.
func (c *Cluster) rejoinAfresh(n *Node) error {
	n.mu.Lock()
	p := n.proc
	n.mu.Unlock()
	_ = p.cmd.Process.Kill() // fails only if it already exited
	<-p.exited
	if _, err := c.NodeClient(c.Nodes[0]).Logical().Write("sys/storage/raft/remove-peer", map[string]any{"server_id": n.ID}); err != nil {
		return fmt.Errorf("remove wedged %s from the Raft configuration: %w", n.ID, err)
	}
	raftDir := filepath.Join(n.dir, "raft")
	if err := os.RemoveAll(raftDir); err != nil {
		return err
	}
	if err := os.MkdirAll(raftDir, 0o700); err != nil {
		return err
	}
	return c.spawn(n)
}

// unseal gives n the key share. A node that just started may still be
// reading its Raft data: retry briefly.
func (c *Cluster) unseal(n *Node) error {
	var err error
	for range 150 {
		var st *api.SealStatusResponse
		st, err = n.client("").Sys().Unseal(c.UnsealKey)
		if err == nil && st != nil && !st.Sealed {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("unseal %s: %v", n.ID, err)
}

// waitActive waits until n reports itself the active node.
func (c *Cluster) waitActive(n *Node, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		leader, err := n.client("").Sys().Leader()
		if err == nil && leader.IsSelf {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not become active in %s: %v %+v", n.ID, timeout, err, leader)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// voters reads the Raft configuration through any answering node.
func (c *Cluster) voters() (voters []string, err error) {
	for _, n := range c.Nodes {
		var s *api.Secret
		s, err = c.NodeClient(n).Logical().Read("sys/storage/raft/configuration")
		if err != nil || s == nil {
			continue
		}
		cfg, _ := s.Data["config"].(map[string]any)
		servers, _ := cfg["servers"].([]any)
		for _, raw := range servers {
			m, _ := raw.(map[string]any)
			id, _ := m["node_id"].(string)
			if v, _ := m["voter"].(bool); v {
				voters = append(voters, id)
			}
		}
		return voters, nil
	}
	return nil, fmt.Errorf("no node answered sys/storage/raft/configuration: %w", err)
}

// waitVoters waits until every node is a voter, autopilot calls every
// server healthy (caught up with the leader's log), and every node is
// unsealed and knows the active node: what an operator waits for before
// restarting the next node of a rolling upgrade.
func (c *Cluster) waitVoters(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		voters, err := c.voters()
		if err == nil && len(voters) == len(c.Nodes) && c.autopilotHealthy() && c.allServing() {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cluster not healthy after %s: voters %v: %v", timeout, voters, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// autopilotHealthy reports whether autopilot, asked through any node,
// calls the cluster and each of its servers healthy.
func (c *Cluster) autopilotHealthy() bool {
	for _, n := range c.Nodes {
		st, err := c.NodeClient(n).Sys().RaftAutopilotState()
		if err != nil || st == nil {
			continue
		}
		if !st.Healthy || len(st.Servers) != len(c.Nodes) {
			return false
		}
		for _, srv := range st.Servers {
			if !srv.Healthy {
				return false
			}
		}
		return true
	}
	return false
}

// allServing reports whether every node is unsealed and knows the leader.
func (c *Cluster) allServing() bool {
	for _, n := range c.Nodes {
		leader, err := n.client("").Sys().Leader()
		if err != nil || leader.LeaderAddress == "" {
			return false
		}
	}
	return true
}

// client is a client for node n alone with the given token; vault/api's own
// retries are off so a test sees each answer.
func (n *Node) client(token string) *api.Client {
	cfg := api.DefaultConfig()
	cfg.Address = n.Addr
	cfg.MaxRetries = 0
	cfg.Timeout = 10 * time.Second
	client, err := api.NewClient(cfg)
	if err != nil {
		panic(fmt.Sprintf("testharness: client for %s: %v", n.Addr, err)) // only fails on a bad address or TLS config
	}
	client.SetToken(token)
	client.ClearNamespace()
	return client
}

// NodeClient is a root client for node n.
func (c *Cluster) NodeClient(n *Node) *api.Client { return n.client(c.Token) }

// Vault returns node n as a *Vault with the root token, so the helpers
// written for dev servers (EnableAuth, Write, ProviderBlock, ...) work on
// the cluster through that node.
func (c *Cluster) Vault(n *Node) *Vault {
	return &Vault{Addr: n.Addr, Token: c.Token, Client: c.NodeClient(n)}
}

// Leader returns the active node, as sys/leader reports it on any node
// that answers (the Raft leader can differ for a moment after step-down).
func (c *Cluster) Leader(t testing.TB) *Node {
	t.Helper()
	var last error
	for _, asked := range c.Nodes {
		leader, err := asked.client("").Sys().Leader()
		if err != nil {
			last = err
			continue
		}
		for _, n := range c.Nodes {
			if n.Addr == leader.LeaderAddress {
				return n
			}
		}
		last = fmt.Errorf("%s names the leader %q", asked.ID, leader.LeaderAddress)
	}
	t.Fatalf("no active node among %d nodes: %v", len(c.Nodes), last)
	return nil
}

// Stop stops node n the way a service manager does for an upgrade: SIGTERM,
// then SIGKILL if it has not exited in 30 s.
func (c *Cluster) Stop(t testing.TB, n *Node) {
	t.Helper()
	n.mu.Lock()
	p := n.proc
	n.mu.Unlock()
	if p == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM) // fails only if it already exited
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Logf("%s ignored SIGTERM for 30s: killing it", n.ID)
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// Kill stops node n with SIGKILL, as a crash or an OOM kill does.
func (c *Cluster) Kill(t testing.TB, n *Node) {
	t.Helper()
	n.mu.Lock()
	p := n.proc
	n.mu.Unlock()
	if p != nil {
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// Start restarts a stopped node on its old ports and Raft data; it comes up
// sealed, answering 503 "Vault is sealed" until Unseal.
func (c *Cluster) Start(t testing.TB, n *Node) {
	t.Helper()
	if n.running() {
		t.Fatalf("start %s: it is still running", n.ID)
	}
	if err := c.spawn(n); err != nil {
		t.Fatalf("start %s: %v", n.ID, err)
	}
}

// Unseal unseals node n with the cluster's key share.
func (c *Cluster) Unseal(t testing.TB, n *Node) {
	t.Helper()
	if err := c.unseal(n); err != nil {
		t.Fatal(err)
	}
}

// StepDown asks the active node to give up leadership (sys/step-down),
// waits until another node is active, and returns the node that led
// before. Vault v1.13.0 drops a step-down that arrives while a node is
// still finishing its own promotion, so one unanswered request is repeated.
func (c *Cluster) StepDown(t testing.TB) *Node {
	t.Helper()
	before := c.Leader(t)
	for range 4 {
		if err := c.NodeClient(before).Sys().StepDown(); err != nil {
			t.Fatalf("step-down on %s: %v", before.ID, err)
		}
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			time.Sleep(250 * time.Millisecond)
			if c.activeOtherThan(before) {
				return before
			}
		}
	}
	t.Fatalf("%s still active a minute after four step-downs", before.ID)
	return nil
}

// activeOtherThan reports whether a node other than old says it is active.
func (c *Cluster) activeOtherThan(old *Node) bool {
	for _, n := range c.Nodes {
		if n == old {
			continue
		}
		if leader, err := n.client("").Sys().Leader(); err == nil && leader.IsSelf {
			return true
		}
	}
	return false
}

// Heal starts and unseals every stopped or sealed node and waits until the
// cluster has three voters again, so the next test finds it whole.
func (c *Cluster) Heal(t testing.TB) {
	t.Helper()
	for _, n := range c.Nodes {
		if !n.running() {
			c.Start(t, n)
		}
		if st, err := n.client("").Sys().SealStatus(); err != nil || st.Sealed {
			c.Unseal(t, n)
		}
	}
	if err := c.waitVoters(2 * time.Minute); err != nil {
		t.Fatal(err)
	}
}

// WaitHealthy waits until all nodes are voters and serving.
func (c *Cluster) WaitHealthy(t testing.TB, timeout time.Duration) {
	t.Helper()
	if err := c.waitVoters(timeout); err != nil {
		t.Fatal(err)
	}
}

// Serving reports whether node n answers a root read of the token's own
// lookup, i.e. it is unsealed and reaches an active node.
func (c *Cluster) Serving(ctx context.Context, n *Node) bool {
	client := c.NodeClient(n)
	client.SetClientTimeout(2 * time.Second)
	_, err := client.Auth().Token().LookupSelfWithContext(ctx)
	return err == nil
}

func (n *Node) running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.proc == nil {
		return false
	}
	select {
	case <-n.proc.exited:
		return false
	default:
		return true
	}
}

func (n *Node) logTail() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.proc == nil {
		return "(never started)"
	}
	return n.proc.logTail()
}

// stop kills every node and removes the cluster's directory.
func (c *Cluster) stop() {
	for _, n := range c.Nodes {
		n.mu.Lock()
		if n.proc != nil {
			n.proc.stop()
		}
		n.mu.Unlock()
	}
	_ = os.RemoveAll(c.root)
}

// stopSharedCluster is called by Main after the tests.
func stopSharedCluster() {
	if sharedCluster != nil {
		sharedCluster.stop()
	}
}
