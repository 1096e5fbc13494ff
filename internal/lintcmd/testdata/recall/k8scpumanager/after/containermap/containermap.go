// Package containermap is the small wrapper type of k8scpumanager.
package containermap

// ContainerMap maps a container ID to its pod and name.
type ContainerMap map[string]struct{ PodUID, Name string }

func NewContainerMap() ContainerMap { return make(ContainerMap) }

// Add records a container.
func (cm ContainerMap) Add(podUID, name, id string) {
	cm[id] = struct{ PodUID, Name string }{podUID, name}
}

// RemoveByContainerID forgets a container.
func (cm ContainerMap) RemoveByContainerID(id string) { delete(cm, id) }

// GetContainerRef returns the pod and name of a container.
func (cm ContainerMap) GetContainerRef(id string) (string, string, bool) {
	r, ok := cm[id]
	return r.PodUID, r.Name, ok
}

// Visit calls f for every container.
func (cm ContainerMap) Visit(f func(podUID, name, id string)) {
	for id, r := range cm {
		f(r.PodUID, r.Name, id)
	}
}
