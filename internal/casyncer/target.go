package casyncer

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
)

// resync makes every informer replay its cache now and then, so a missed
// event cannot leave a target wrong for long.
const resync = 10 * time.Minute

// observed is a target object as the informer cache holds it.
type observed struct {
	meta metav1.Object
	obj  runtime.Object
	data map[string]string
}

// targets reads and writes the objects of one kind and name in every
// namespace. It watches only objects of that name (a field selector), which
// is what the syncer's RBAC (resourceNames) allows: it can never list the
// cluster's other Secrets.
type targets struct {
	kind    string
	name    string
	kube    kubernetes.Interface
	factory informers.SharedInformerFactory
	get     func(ns string) (*observed, error)
	stop    chan struct{}
}

// newTargets sets up the informer for kind/name; onChange gets the
// namespace of every added, changed or deleted object.
func newTargets(kube kubernetes.Interface, p *Published, onChange func(ns string)) (*targets, error) {
	byName := informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.FieldSelector = fields.OneTermEqualSelector("metadata.name", p.Name).String()
	})
	t := &targets{kind: p.Kind, name: p.Name, kube: kube, stop: make(chan struct{}),
		factory: informers.NewSharedInformerFactoryWithOptions(kube, resync, byName)}
	var informer cache.SharedIndexInformer
	if p.Kind == naming.TargetKindSecret {
		inf := t.factory.Core().V1().Secrets()
		informer = inf.Informer()
		t.get = func(ns string) (*observed, error) {
			s, err := inf.Lister().Secrets(ns).Get(p.Name)
			if err != nil {
				return nil, err
			}
			data := make(map[string]string, len(s.Data))
			for k, v := range s.Data {
				data[k] = string(v)
			}
			return &observed{meta: s, obj: s, data: data}, nil
		}
	} else {
		inf := t.factory.Core().V1().ConfigMaps()
		informer = inf.Informer()
		t.get = func(ns string) (*observed, error) {
			cm, err := inf.Lister().ConfigMaps(ns).Get(p.Name)
			if err != nil {
				return nil, err
			}
			return &observed{meta: cm, obj: cm, data: cm.Data}, nil
		}
	}
	_, err := informer.AddEventHandler(eventHandler(metav1.Object.GetNamespace, onChange))
	return t, err
}

// start runs the informer until close and waits for its first list.
func (t *targets) start(ctx context.Context) bool {
	t.factory.Start(t.stop)
	for _, ok := range t.factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return false
		}
	}
	return true
}

func (t *targets) close() {
	close(t.stop)
	t.factory.Shutdown()
}

// lookup returns the cached object in ns, or nil.
func (t *targets) lookup(ns string) (*observed, error) {
	o, err := t.get(ns)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return o, err
}

// create writes the target into ns.
func (t *targets) create(ctx context.Context, ns string, p *Published) error {
	var err error
	if t.kind == naming.TargetKindSecret {
		_, err = t.kube.CoreV1().Secrets(ns).Create(ctx, p.secret(ns), metav1.CreateOptions{FieldManager: ManagedByValue})
	} else {
		_, err = t.kube.CoreV1().ConfigMaps(ns).Create(ctx, p.configMap(ns), metav1.CreateOptions{FieldManager: ManagedByValue})
	}
	return err
}

// update restores an owned object: the bundle alone under the key, every
// wanted label and annotation. It sends the cached resourceVersion, so a
// write racing another (a second replica, a human) fails and is retried on
// fresh data instead of overwriting it blindly.
func (t *targets) update(ctx context.Context, o *observed, p *Published) error {
	var err error
	switch cur := o.obj.(type) {
	case *corev1.Secret:
		s := cur.DeepCopy()
		s.Labels, s.Annotations = merged(s.Labels, p.Labels), merged(s.Annotations, p.Annotations)
		s.Data, s.StringData = map[string][]byte{p.Key: []byte(p.PEM)}, nil
		_, err = t.kube.CoreV1().Secrets(s.Namespace).Update(ctx, s, metav1.UpdateOptions{FieldManager: ManagedByValue})
	case *corev1.ConfigMap:
		cm := cur.DeepCopy()
		cm.Labels, cm.Annotations = merged(cm.Labels, p.Labels), merged(cm.Annotations, p.Annotations)
		cm.Data, cm.BinaryData = map[string]string{p.Key: p.PEM}, nil
		_, err = t.kube.CoreV1().ConfigMaps(cm.Namespace).Update(ctx, cm, metav1.UpdateOptions{FieldManager: ManagedByValue})
	}
	return err
}

// remove deletes an owned object, only if it is still the one observed.
func (t *targets) remove(ctx context.Context, o *observed) error {
	uid, rv := o.meta.GetUID(), o.meta.GetResourceVersion()
	opts := metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid, ResourceVersion: &rv}}
	var err error
	if t.kind == naming.TargetKindSecret {
		err = t.kube.CoreV1().Secrets(o.meta.GetNamespace()).Delete(ctx, t.name, opts)
	} else {
		err = t.kube.CoreV1().ConfigMaps(o.meta.GetNamespace()).Delete(ctx, t.name, opts)
	}
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// reference is what an Event about o points at.
func (t *targets) reference(o *observed) *corev1.ObjectReference {
	return &corev1.ObjectReference{
		Kind: t.kind, APIVersion: "v1", Namespace: o.meta.GetNamespace(), Name: o.meta.GetName(),
		UID: types.UID(o.meta.GetUID()), ResourceVersion: o.meta.GetResourceVersion(),
	}
}

// eventHandler calls f with key(object) for every added, changed or
// deleted object.
func eventHandler(key func(metav1.Object) string, f func(string)) cache.ResourceEventHandlerFuncs {
	call := func(obj any) {
		if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			obj = d.Obj
		}
		if m, err := apimeta.Accessor(obj); err == nil {
			f(key(m))
		}
	}
	return cache.ResourceEventHandlerFuncs{AddFunc: call, UpdateFunc: func(_, n any) { call(n) }, DeleteFunc: call}
}
