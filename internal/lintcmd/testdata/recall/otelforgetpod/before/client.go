// Package kube reproduces, in its own words, the pod-identifier leak fixed
// in the OpenTelemetry Collector's k8sattributes processor:
// https://github.com/open-telemetry/opentelemetry-collector-contrib/pull/48987
// (before/ is the code before the fix, after/ as fixed). A pod is stored
// under every identifier of the full object, and forgotten under the
// identifiers of the delete event's object, which may lack its IP.
package kube

import "sync"

type PodIdentifier string

type Pod struct {
	UID string
	IP  string
}

type WatchClient struct {
	m    sync.RWMutex
	Pods map[PodIdentifier]*Pod
}

func identifiers(p *Pod) []PodIdentifier {
	ids := []PodIdentifier{PodIdentifier("uid:" + p.UID)}
	if p.IP != "" {
		ids = append(ids, PodIdentifier("ip:"+p.IP))
	}
	return ids
}

func (c *WatchClient) addOrUpdatePod(p *Pod) {
	c.m.Lock()
	defer c.m.Unlock()
	for _, id := range identifiers(p) {
		c.Pods[id] = p // want growonly "only grows|never removed|different"
	}
}

func (c *WatchClient) forgetPod(tombstone *Pod) {
	c.m.Lock()
	defer c.m.Unlock()
	for _, id := range identifiers(tombstone) {
		if p, ok := c.Pods[id]; ok && p.UID == tombstone.UID {
			delete(c.Pods, id)
		}
	}
}
