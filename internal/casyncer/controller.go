package casyncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
)

// workers is how many namespaces are reconciled at once.
const workers = 4

// controller writes the published bundle into every selected namespace. It
// runs only on the leader; the Vault loop feeds it the published state.
type controller struct {
	kube     kubernetes.Interface
	log      *slog.Logger
	metrics  *metrics
	recorder record.EventRecorder
	queue    workqueue.TypedRateLimitingInterface[string]
	factory  informers.SharedInformerFactory // namespaces; started by run
	nsSynced cache.InformerSynced
	nsLister corelisters.NamespaceLister

	mu      sync.Mutex
	pub     *Published
	targets *targets
}

// newController sets up the namespace informer; nothing runs until run.
func newController(kube kubernetes.Interface, log *slog.Logger, m *metrics, recorder record.EventRecorder) (*controller, error) {
	c := &controller{
		kube: kube, log: log, metrics: m, recorder: recorder,
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[string](),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "namespaces"}),
		factory: informers.NewSharedInformerFactory(kube, resync),
	}
	nsInformer := c.factory.Core().V1().Namespaces()
	c.nsLister, c.nsSynced = nsInformer.Lister(), nsInformer.Informer().HasSynced
	_, err := nsInformer.Informer().AddEventHandler(eventHandler(metav1.Object.GetName, c.queue.Add))
	return c, err
}

// run watches namespaces and reconciles until ctx ends; publish calls made
// before or during it take effect at once.
func (c *controller) run(ctx context.Context) error {
	c.factory.Start(ctx.Done())
	defer c.factory.Shutdown()
	if !cache.WaitForCacheSync(ctx.Done(), c.nsSynced) {
		return errors.New("the namespace cache never synced")
	}
	defer c.queue.ShutDown()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c.next(ctx) {
			}
		})
	}
	c.log.Info("controller started: watching namespaces")
	<-ctx.Done()
	c.queue.ShutDown()
	wg.Wait()
	c.mu.Lock()
	if c.targets != nil {
		c.targets.close()
		c.targets = nil
	}
	c.mu.Unlock()
	return nil
}

// publish makes p the state to publish and reconciles every namespace. A
// new target kind or name starts watching those objects instead.
func (c *controller) publish(ctx context.Context, p *Published) error {
	c.mu.Lock()
	old, oldTargets := c.pub, c.targets
	c.mu.Unlock()
	if !p.sameTarget(old) || oldTargets == nil {
		t, err := newTargets(c.kube, p, c.queue.Add)
		if err != nil {
			return err
		}
		if !t.start(ctx) {
			t.close()
			return fmt.Errorf("the %s cache never synced", p.Kind)
		}
		if oldTargets != nil {
			oldTargets.close()
			c.log.Warn("target kind or name changed: objects of the old one are left as they are", "old", old.Kind+"/"+old.Name, "new", p.Kind+"/"+p.Name)
		}
		c.mu.Lock()
		c.targets = t
		c.mu.Unlock()
	}
	c.mu.Lock()
	c.pub = p
	c.mu.Unlock()
	c.enqueueAll()
	return nil
}

// enqueueAll queues every namespace: after a new document and every poll,
// so drift the watches missed is repaired within one poll. Before run (a
// standby) the cache is empty and nothing is queued.
func (c *controller) enqueueAll() {
	all, err := c.nsLister.List(labels.Everything())
	if err != nil {
		return
	}
	for _, ns := range all {
		c.queue.Add(ns.Name)
	}
}

func (c *controller) next(ctx context.Context) bool {
	ns, quit := c.queue.Get()
	if quit {
		return false
	}
	defer c.queue.Done(ns)
	if err := c.reconcile(ctx, ns); err != nil {
		c.metrics.error("kubernetes")
		c.log.Warn("reconcile failed, retrying with backoff", "namespace", ns, "error", err)
		c.queue.AddRateLimited(ns)
		return true
	}
	c.queue.Forget(ns)
	return true
}

// reconcile makes one namespace match the published state: the target when
// it is selected, none of ours when it is not; a foreign object of the
// target's name is never touched.
func (c *controller) reconcile(ctx context.Context, name string) error {
	c.mu.Lock()
	p, t := c.pub, c.targets
	c.mu.Unlock()
	if p == nil || t == nil {
		return nil // nothing accepted yet: touch nothing
	}
	ns, err := c.nsLister.Get(name)
	if apierrors.IsNotFound(err) {
		c.metrics.forgetNamespace(name)
		return nil
	}
	if err != nil {
		return err
	}
	cur, err := t.lookup(name)
	if err != nil {
		return err
	}
	selected := ns.Status.Phase != corev1.NamespaceTerminating && Selects(p.Selector, ns.Name, ns.Labels)
	state := nsState{selected: selected}
	defer func() { c.metrics.setNamespace(name, state) }()
	switch {
	case cur != nil && !owned(cur.meta):
		state.foreign = selected
		if selected {
			c.foreign(t, cur)
		}
		return nil
	case !selected && cur != nil:
		c.log.Info("namespace no longer selected: removing the target", "namespace", name, "kind", p.Kind, "name", p.Name)
		c.metrics.wrote("delete")
		return t.remove(ctx, cur)
	case !selected:
		return nil
	case cur == nil:
		c.log.Info("publishing the CA", "namespace", name, "kind", p.Kind, "name", p.Name, "fingerprint_sha256", p.Fingerprint)
		c.metrics.wrote("create")
		err = t.create(ctx, name, p)
	case !p.upToDate(cur.meta, cur.data):
		c.log.Info("restoring the target", "namespace", name, "kind", p.Kind, "name", p.Name, "fingerprint_sha256", p.Fingerprint)
		c.metrics.wrote("update")
		err = t.update(ctx, cur, p)
	}
	state.inSync = err == nil
	return err
}

// foreign records that the syncer leaves an object it does not own: a log
// line and a Warning Event on the object (the recorder folds repeats into
// one Event with a count).
func (c *controller) foreign(t *targets, o *observed) {
	c.log.Warn("leaving an object the syncer does not own", "namespace", o.meta.GetNamespace(), "kind", t.kind, "name", t.name)
	c.recorder.Eventf(t.reference(o), corev1.EventTypeWarning, "ForeignObject",
		"vaultboot-ca-syncer leaves this %s as it is: it lacks the label %s=%s. Rename or delete it, or exclude the namespace, to receive the CA.",
		t.kind, ManagedByLabel, ManagedByValue)
}

// backoff is the wait before retrying a failed Vault read: doubling from a
// second up to the poll interval, so the syncer catches up soon after Vault
// returns without hammering it while it is down.
func backoff(failures int, poll time.Duration) time.Duration {
	d := time.Second << min(failures, 10)
	return min(d, poll)
}
