package testharness

import (
	"testing"
	"time"

	"github.com/hashicorp/vault/api"
)

// TestRejoinAfresh plays the recovery of a wedged join on a member of a
// real cluster: the node is wiped, removed from the leader's configuration
// and joined again, and the cluster is back to three healthy voters.
func TestRejoinAfresh(t *testing.T) {
	c := SharedCluster(t)
	n := c.Nodes[1]
	if c.Leader(t) == n {
		n = c.Nodes[2]
	}
	if err := c.rejoinAfresh(n); err != nil {
		t.Fatal(err)
	}
	if st, err := n.client("").Sys().SealStatus(); err != nil || st.Initialized {
		t.Fatalf("%s after rejoinAfresh: %+v, %v; want a fresh, uninitialised node", n.ID, st, err)
	}
	if _, err := n.client("").Sys().RaftJoin(&api.RaftJoinRequest{LeaderAPIAddr: c.Nodes[0].Addr}); err != nil {
		t.Fatal(err)
	}
	if err := c.unseal(n); err != nil {
		t.Fatal(err)
	}
	if err := c.restart(n); err != nil { // as bootstrap does after a join
		t.Fatal(err)
	}
	if err := c.waitVoters(2 * time.Minute); err != nil {
		t.Fatal(err)
	}
}
