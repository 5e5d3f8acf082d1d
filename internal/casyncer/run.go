package casyncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	"k8s.io/client-go/tools/record"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// Leader election timings: a replica that dies is replaced within about
// leaseDuration; a clean shutdown releases the lease at once.
const (
	leaseDuration = 15 * time.Second
	renewDeadline = 10 * time.Second
	retryPeriod   = 2 * time.Second
)

// Run runs the syncer until ctx ends: the Vault loop on every replica (so a
// standby is ready to take over), the controller only on the leader.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	kube, err := kubeClient(cfg)
	if err != nil {
		return err
	}
	m := newMetrics()
	broadcaster := record.NewBroadcaster(record.WithContext(ctx))
	broadcaster.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: kube.CoreV1().Events("")})
	defer broadcaster.Shutdown()
	recorder := broadcaster.NewRecorder(scheme.Scheme, corev1.EventSource{Component: ManagedByValue})
	ctrl, err := newController(kube, log, m, recorder)
	if err != nil {
		return err
	}
	s := &syncer{cfg: cfg, log: log, metrics: m, session: &session{cfg: cfg}, ctrl: ctrl}

	srv, err := s.serve(cfg.Listen)
	if err != nil {
		return err
	}
	defer func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown) // a failed graceful close only drops scrapes in flight
	}()
	go s.vaultLoop(ctx)
	return s.lead(ctx, kube)
}

// kubeClient connects from KUBECONFIG when set, else in-cluster.
func kubeClient(cfg Config) (kubernetes.Interface, error) {
	var rc *rest.Config
	var err error
	if cfg.Kubeconfig != "" {
		rc, err = clientcmd.BuildConfigFromFlags("", cfg.Kubeconfig)
	} else {
		rc, err = rest.InClusterConfig()
	}
	if err != nil {
		return nil, fmt.Errorf("kubernetes client configuration: %w", err)
	}
	rc.UserAgent = ManagedByValue
	// client-go's default of 5 requests a second made 200 new namespaces
	// wait 40 s for their targets; the API server's own priority and
	// fairness still protects it from a syncer gone wrong.
	rc.QPS, rc.Burst = 50, 100
	return kubernetes.NewForConfig(rc)
}

// syncer ties the Vault loop, the controller and the HTTP endpoints.
type syncer struct {
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	session *session
	ctrl    *controller

	pending atomic.Pointer[Published] // last accepted, for a controller that starts later
	leading atomic.Bool
}

// lead campaigns for the Lease and runs the controller while leading.
func (s *syncer) lead(ctx context.Context, kube kubernetes.Interface) error {
	if s.cfg.LeaseNamespace == "" {
		return errors.New("VAULTBOOT_SYNC_LEASE_NAMESPACE is empty and the pod's namespace is unknown: set it to the syncer's namespace")
	}
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Namespace: s.cfg.LeaseNamespace, Name: s.cfg.LeaseName},
		Client:     kube.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: s.cfg.Identity},
	}
	le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock: lock, LeaseDuration: leaseDuration, RenewDeadline: renewDeadline, RetryPeriod: retryPeriod,
		ReleaseOnCancel: true, Name: s.cfg.LeaseName,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: s.startLeading,
			OnStoppedLeading: func() { s.leading.Store(false); s.metrics.setLeader(false); s.log.Info("stopped leading") },
			OnNewLeader:      func(id string) { s.log.Info("leader", "identity", id) },
		},
	})
	if err != nil {
		return err
	}
	le.Run(ctx) // returns when ctx ends or the lease is lost
	if ctx.Err() == nil {
		return errors.New("lost the leader lease: exiting so a fresh start campaigns again")
	}
	return nil
}

// startLeading runs the controller with what the Vault loop accepted so far.
func (s *syncer) startLeading(ctx context.Context) {
	s.log.Info("started leading", "identity", s.cfg.Identity)
	s.leading.Store(true)
	s.metrics.setLeader(true)
	go func() {
		if err := s.ctrl.run(ctx); err != nil {
			s.log.Error("controller stopped", "error", err)
		}
	}()
	if p := s.pending.Load(); p != nil {
		s.publish(ctx, p)
	}
}

// publish hands an accepted state to the controller, when leading.
func (s *syncer) publish(ctx context.Context, p *Published) {
	s.pending.Store(p)
	if !s.leading.Load() {
		return
	}
	if err := s.ctrl.publish(ctx, p); err != nil {
		s.metrics.error("kubernetes")
		s.log.Error("publishing failed", "error", err)
	}
}

// vaultLoop reads the document every poll interval and after a failure
// with backoff, keeping what is published until a document passes.
func (s *syncer) vaultLoop(ctx context.Context) {
	failures := 0
	for {
		wait := s.cfg.Poll
		if err := s.readOnce(ctx); err != nil {
			failures++
			wait = backoff(failures, s.cfg.Poll)
			s.log.Warn("keeping what is published", "error", err, "retry_in", wait.String())
		} else {
			failures = 0
		}
		s.ctrl.enqueueAll()
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// readOnce logs in if needed, reads and checks the document, and publishes
// it. Errors name the stage; a refused document changes nothing.
func (s *syncer) readOnce(ctx context.Context) error {
	if err := s.session.ensure(ctx); err != nil {
		s.metrics.error("vault_login")
		s.session.drop()
		return fmt.Errorf("vault login: %w", err)
	}
	data, err := s.session.readDocument(ctx)
	if err != nil {
		s.metrics.error("vault_read")
		s.session.drop() // a revoked token or a long outage: log in afresh next time
		return fmt.Errorf("reading the document: %w", err)
	}
	doc, err := naming.ParseCASyncDocument(data) // refuses an unknown schema_version
	if err == nil {
		_, err = s.cfg.Trust.Check(doc, time.Now())
	}
	if err != nil {
		s.metrics.refused()
		return fmt.Errorf("refusing the document at %s: %w", s.cfg.Document, err)
	}
	pending := false
	if doc.Source.ReadPath != "" {
		live, err := s.session.liveFingerprint(ctx, doc.Source)
		switch {
		case err != nil:
			s.log.Debug("the live CA source could not be read", "path", doc.Source.ReadPath, "error", err)
		case live != doc.CA.FingerprintSHA256:
			pending = true
			s.log.Info("the CA source holds another CA than the document: a rotation waits for terraform apply",
				"source", doc.Source.ReadPath, "document_fingerprint", doc.CA.FingerprintSHA256, "live_fingerprint", live)
		}
	}
	s.metrics.read(time.Now(), pending)
	s.publish(ctx, newPublished(doc))
	return nil
}

// serve starts /healthz (the process is alive), /readyz (the document was
// read and accepted within three polls) and /metrics.
func (s *syncer) serve(addr string) (*http.Server, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		last := s.metrics.lastSuccessfulRead()
		if last.IsZero() || time.Since(last) > 3*s.cfg.Poll+vaultRetry {
			http.Error(w, "the CA sync document has not been read and accepted recently", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		s.metrics.write(w)
	})
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }() // Serve returns ErrServerClosed on Shutdown
	s.log.Info("serving /healthz, /readyz and /metrics", "address", l.Addr().String())
	return srv, nil
}
