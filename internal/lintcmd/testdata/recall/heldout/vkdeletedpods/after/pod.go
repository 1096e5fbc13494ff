// Package node reproduces, in its own words, the deleted-pods leak fixed
// in Virtual Kubelet: https://github.com/virtual-kubelet/virtual-kubelet/issues/1045
// (commit c58763ab5125101c59b27d8fdb2772b9b94f2fa6; before/ is the code
// before the fix, after/ as fixed). For providers without status
// notifications a wrapper remembers the pods it was asked to delete,
// under "namespace/name", so that its polling loop does not mark them
// failed; the controller's cleanup, once the pod is gone from the API
// server, removed the key it dequeued, "namespace/name/uid", which was
// never stored, so every deleted pod stayed in the wrapper for good.
package node

import (
	"context"
	"errors"
	"strings"
	"time"
)

var ErrNotFound = errors.New("not found")

type Pod struct {
	Namespace string
	Name      string
	UID       string
	Phase     string
	Created   time.Time
}

type PodStatus struct {
	Phase  string
	Reason string
}

// PodLifecycleHandler is what a provider implements.
type PodLifecycleHandler interface {
	CreatePod(ctx context.Context, pod *Pod) error
	DeletePod(ctx context.Context, pod *Pod) error
	GetPodStatus(ctx context.Context, namespace, name string) (*PodStatus, error)
}

// PodNotifier is implemented by providers that push status changes.
type PodNotifier interface {
	NotifyPods(ctx context.Context, notify func(*Pod))
}

// APIServer is the part of the Kubernetes API the controller uses.
type APIServer interface {
	ListPods() ([]*Pod, error)
	GetPod(namespace, name string) (*Pod, error)
	DeletePod(ctx context.Context, namespace, name, uid string) error
	UpdateStatus(ctx context.Context, pod *Pod) error
}

func metaKey(pod *Pod) string { return pod.Namespace + "/" + pod.Name }

// queueKey is the key of the deletion queue: the meta key and the UID.
func queueKey(pod *Pod) string { return metaKey(pod) + "/" + pod.UID }

func splitQueueKey(key string) (uid, meta string) {
	i := strings.LastIndexByte(key, '/')
	return key[i+1:], key[:i]
}

// PodController runs the pods scheduled on the virtual node.
type PodController struct {
	provider PodLifecycleHandler
	api      APIServer
	deletes  chan string
}

func NewPodController(p PodLifecycleHandler, api APIServer) *PodController {
	pc := &PodController{api: api, deletes: make(chan string, 1024)}
	if _, ok := p.(PodNotifier); ok {
		pc.provider = p
	} else {
		pc.provider = &syncProviderWrapper{PodLifecycleHandler: p, list: api.ListPods}
	}
	return pc
}

// Run starts the status loop and handles deletions until ctx is done.
func (pc *PodController) Run(ctx context.Context) {
	notify := func(p *Pod) { pc.api.UpdateStatus(ctx, p) }
	if n, ok := pc.provider.(PodNotifier); ok {
		n.NotifyPods(ctx, notify)
	}
	if w, ok := pc.provider.(*syncProviderWrapper); ok {
		w.notify = notify
		go w.run(ctx)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case key := <-pc.deletes:
			if err := pc.deletePodsFromKubernetesHandler(ctx, key); err != nil {
				time.AfterFunc(time.Second, func() { pc.deletes <- key })
			}
		}
	}
}

// PodDeleted is called by the informer when a pod is marked for deletion.
func (pc *PodController) PodDeleted(ctx context.Context, pod *Pod) error {
	if err := pc.provider.DeletePod(ctx, pod); err != nil {
		return err
	}
	pc.deletes <- queueKey(pod)
	return nil
}

// deletePodsFromKubernetesHandler removes the pod from the API server once
// the provider has deleted it.
func (pc *PodController) deletePodsFromKubernetesHandler(ctx context.Context, key string) (retErr error) {
	uid, meta := splitQueueKey(key)
	namespace, name, ok := strings.Cut(meta, "/")
	if !ok {
		return nil // malformed key: drop it
	}
	defer func() {
		if retErr == nil {
			if w, ok := pc.provider.(syncWrapper); ok {
				// The wrapper stored the pod under its meta key.
				w.deletePodKey(ctx, meta)
			}
		}
	}()

	pod, err := pc.api.GetPod(namespace, name)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if pod.UID != uid {
		return nil // the name now belongs to a new pod
	}
	return pc.api.DeletePod(ctx, namespace, name, uid)
}
