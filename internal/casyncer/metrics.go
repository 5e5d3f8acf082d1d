package casyncer

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// metrics are the syncer's Prometheus metrics, written in the text
// exposition format by hand: a handful of gauges and counters do not
// justify a client library in a security-sensitive binary.
type metrics struct {
	mu          sync.Mutex
	namespaces  map[string]nsState
	errors      map[string]float64 // by stage
	writes      map[string]float64 // by operation
	lastRead    time.Time
	rotation    bool
	leader      bool
	refusedDocs float64
}

// nsState is what the last reconcile of a namespace found.
type nsState struct {
	selected, inSync, foreign bool
}

func newMetrics() *metrics {
	return &metrics{namespaces: map[string]nsState{}, errors: map[string]float64{}, writes: map[string]float64{}}
}

func (m *metrics) setNamespace(ns string, s nsState) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.namespaces[ns] = s
}

func (m *metrics) forgetNamespace(ns string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.namespaces, ns)
}

func (m *metrics) error(stage string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.errors[stage]++
}

func (m *metrics) wrote(op string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writes[op]++
}

func (m *metrics) refused() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.refusedDocs++
}

func (m *metrics) read(at time.Time, rotationPending bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lastRead, m.rotation = at, rotationPending
}

func (m *metrics) setLeader(on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.leader = on
}

// lastSuccessfulRead is when the document was last read and accepted.
func (m *metrics) lastSuccessfulRead() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lastRead
}

// write renders every metric.
func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var selected, inSync, foreign int
	for _, s := range m.namespaces {
		selected += b2i(s.selected)
		inSync += b2i(s.selected && s.inSync)
		foreign += b2i(s.foreign)
	}
	gauge(w, "vaultboot_ca_syncer_targets_selected", "Namespaces the document selects.", float64(selected))
	gauge(w, "vaultboot_ca_syncer_targets_in_sync", "Selected namespaces whose target holds the published bundle.", float64(inSync))
	gauge(w, "vaultboot_ca_syncer_foreign_objects", "Namespaces holding an object of the target's name that the syncer does not own and leaves alone.", float64(foreign))
	lastRead := 0.0
	if !m.lastRead.IsZero() {
		lastRead = float64(m.lastRead.UnixNano()) / 1e9
	}
	gauge(w, "vaultboot_ca_syncer_last_successful_read_timestamp_seconds", "When the document was last read from Vault and accepted (Unix time).", lastRead)
	gauge(w, "vaultboot_ca_syncer_rotation_pending", "1 when the live CA source differs from the document: a rotation waits for terraform apply.", float64(b2i(m.rotation)))
	gauge(w, "vaultboot_ca_syncer_leader", "1 on the replica that holds the leader lease and writes.", float64(b2i(m.leader)))
	counter(w, "vaultboot_ca_syncer_documents_refused_total", "Documents refused (unknown schema_version, invalid or expired CA, trust pins not met).", m.refusedDocs)
	labelled(w, "vaultboot_ca_syncer_errors_total", "Failures by stage.", "stage", m.errors)
	labelled(w, "vaultboot_ca_syncer_writes_total", "Kubernetes writes by operation.", "op", m.writes)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func gauge(w io.Writer, name, help string, v float64) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", name, help, name, name, v)
}

func counter(w io.Writer, name, help string, v float64) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %g\n", name, help, name, name, v)
}

func labelled(w io.Writer, name, help, label string, vs map[string]float64) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", name, help, name)
	keys := make([]string, 0, len(vs))
	for k := range vs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s{%s=%q} %g\n", name, label, k, vs[k])
	}
}
