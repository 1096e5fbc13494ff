// Package populator reproduces, in its own words, the processed-pods leak
// fixed in the kubelet's volume manager:
// https://github.com/kubernetes/kubernetes/pull/116833 (issue #116831;
// before/ is the code before the fix, after/ as fixed). Pods are marked
// processed, and forgotten only for volumes still in the desired state
// of the world, which may have dropped the pod already.
package populator

import "sync"

type UniquePodName string

type desiredStateOfWorld interface {
	PodsWithVolumes() []UniquePodName
}

type podStateProvider interface {
	ShouldPodRuntimeBeRemoved(UniquePodName) bool
}

type processedPods struct {
	sync.RWMutex
	pods map[UniquePodName]bool
}

type populator struct {
	dsw       desiredStateOfWorld
	podState  podStateProvider
	processed processedPods
}

func (p *populator) markPodProcessed(name UniquePodName) {
	p.processed.Lock()
	defer p.processed.Unlock()
	p.processed.pods[name] = true
}

func (p *populator) deleteProcessedPod(name UniquePodName) {
	p.processed.Lock()
	defer p.processed.Unlock()
	delete(p.processed.pods, name)
}

func (p *populator) findAndRemoveDeletedPods() {
	for _, name := range p.dsw.PodsWithVolumes() {
		p.deleteProcessedPod(name)
	}
	p.processed.Lock()
	for name := range p.processed.pods {
		if p.podState.ShouldPodRuntimeBeRemoved(name) {
			delete(p.processed.pods, name)
		}
	}
	p.processed.Unlock()
}

func (p *populator) processPod(name UniquePodName) {
	p.markPodProcessed(name)
}
