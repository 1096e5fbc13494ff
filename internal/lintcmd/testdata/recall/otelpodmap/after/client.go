// Package kube reproduces, in its own words, the pod map compaction added
// to the OpenTelemetry Collector's k8sattributes processor:
// https://github.com/open-telemetry/opentelemetry-collector-contrib/pull/47357
// (issue #47337; before/ is the code before the fix, after/ as fixed).
// Pods churn through the map, which the delete loop empties entry by
// entry: the tables of its largest size stay, about 500 MB a day there.
package kube

import (
	"sync"
	"time"
)

type PodIdentifier string

type Pod struct {
	Name      string
	DeletedAt time.Time
}

type deleteRequest struct {
	id PodIdentifier
	ts time.Time
}

type WatchClient struct {
	m           sync.RWMutex
	Pods        map[PodIdentifier]*Pod
	deleteQueue []deleteRequest
	stop        chan struct{}
}

func (c *WatchClient) addOrUpdatePod(id PodIdentifier, p *Pod) {
	c.m.Lock()
	defer c.m.Unlock()
	c.Pods[id] = p
}

func (c *WatchClient) forgetPod(id PodIdentifier) {
	c.m.Lock()
	defer c.m.Unlock()
	c.deleteQueue = append(c.deleteQueue, deleteRequest{id: id, ts: time.Now()})
}

func (c *WatchClient) deleteLoop(interval, grace time.Duration) {
	for {
		select {
		case <-time.After(interval):
			c.m.Lock()
			cutoff := 0
			for i, d := range c.deleteQueue {
				if d.ts.Add(grace).After(time.Now()) {
					break
				}
				cutoff = i + 1
				delete(c.Pods, d.id)
			}
			c.deleteQueue = c.deleteQueue[cutoff:]
			c.compactPodMap()
			c.m.Unlock()
		case <-c.stop:
			return
		}
	}
}

func (c *WatchClient) compactPodMap() {
	pods := make(map[PodIdentifier]*Pod, len(c.Pods))
	for k, v := range c.Pods {
		pods[k] = v
	}
	c.Pods = pods
}
