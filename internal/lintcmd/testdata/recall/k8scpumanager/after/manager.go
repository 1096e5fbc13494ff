// Package cpumanager reproduces, in its own words, the container-map leak
// fixed in the kubelet: https://github.com/kubernetes/kubernetes/pull/109103
// (before/ is the code before the fix, after/ as fixed; the wrapper type
// lives in its own package, as upstream). Containers are recorded for
// every policy, but removed only when the policy removes them, which the
// "none" policy never does.
package cpumanager

import (
	"errors"
	"sync"

	"recall/k8scpumanager/after/containermap"
)

type Policy interface {
	Name() string
	RemoveContainer(podUID, name string) error
}

type nonePolicy struct{}

func (nonePolicy) Name() string { return "none" }

func (nonePolicy) RemoveContainer(string, string) error { return errors.New("not tracked") }

type manager struct {
	mu           sync.Mutex
	policy       Policy
	containerMap containermap.ContainerMap
	active       func(id string) bool
}

func (m *manager) AddContainer(podUID, name, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.containerMap.Add(podUID, name, id)
}

func (m *manager) policyRemoveContainerByID(id string) error {
	podUID, name, ok := m.containerMap.GetContainerRef(id)
	if !ok {
		return nil
	}
	err := m.policy.RemoveContainer(podUID, name)
	if err == nil {
		m.containerMap.RemoveByContainerID(id)
	}
	return err
}

func (m *manager) removeStaleState() {
	m.mu.Lock()
	defer m.mu.Unlock()
	var stale []string
	m.containerMap.Visit(func(_, _, id string) {
		if !m.active(id) {
			stale = append(stale, id)
		}
	})
	for _, id := range stale {
		m.containerMap.RemoveByContainerID(id)
	}
}

// RemoveContainer is called when a container goes away.
func (m *manager) RemoveContainer(id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.policyRemoveContainerByID(id)
}
