package node

import (
	"context"
	"errors"
	"sync"
	"time"
)

// syncProviderWrapper gives a provider without notifications a polling
// loop that reports pod statuses.
type syncProviderWrapper struct {
	PodLifecycleHandler
	notify func(*Pod)
	list   func() ([]*Pod, error)

	// deletedPods keeps the polling loop from reporting "not found" for
	// pods whose deletion was requested.
	deletedPods sync.Map
}

// syncWrapper lets the controller clean the wrapper's deletion cache once
// a pod is gone from the API server.
type syncWrapper interface {
	deletePodKey(ctx context.Context, key string)
}

func (p *syncProviderWrapper) deletePodKey(ctx context.Context, key string) {
	p.deletedPods.Delete(key)
}

func (p *syncProviderWrapper) DeletePod(ctx context.Context, pod *Pod) error {
	key := metaKey(pod)
	p.deletedPods.Store(key, pod) // want growonly "."
	if err := p.PodLifecycleHandler.DeletePod(ctx, pod); err != nil {
		// The controller retries; do not keep the pod meanwhile.
		p.deletedPods.Delete(key)
		return err
	}
	done := *pod
	done.Phase = "Succeeded"
	if p.notify != nil {
		p.notify(&done)
	}
	return nil
}

func (p *syncProviderWrapper) run(ctx context.Context) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p.syncPodStatuses(ctx)
	}
}

func (p *syncProviderWrapper) syncPodStatuses(ctx context.Context) {
	pods, err := p.list()
	if err != nil {
		return
	}
	for _, pod := range pods {
		if pod.Phase == "Succeeded" || pod.Phase == "Failed" {
			continue
		}
		p.updatePodStatus(ctx, pod)
	}
}

func (p *syncProviderWrapper) updatePodStatus(ctx context.Context, pod *Pod) error {
	st, err := p.GetPodStatus(ctx, pod.Namespace, pod.Name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if st != nil {
		updated := *pod
		updated.Phase = st.Phase
		p.notify(&updated)
		return nil
	}
	if _, deleted := p.deletedPods.Load(metaKey(pod)); deleted {
		return nil
	}
	if pod.Phase != "Running" && time.Since(pod.Created) <= time.Minute {
		return err
	}
	failed := *pod
	failed.Phase = "Failed"
	p.notify(&failed)
	return nil
}
