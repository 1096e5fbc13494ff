// Package model holds the registry types of istioseinstances (see
// package serviceentry).
package model

// Event is what happened to an object.
type Event int

const (
	EventAdd Event = iota
	EventUpdate
	EventDelete
)

// NamespacedName names an object.
type NamespacedName struct {
	Namespace, Name string
}

// Endpoint is an address serving a workload.
type Endpoint struct {
	Address string            `json:"address"`
	Port    int               `json:"port"`
	Labels  map[string]string `json:"labels"`
}

// WorkloadInstance is a workload (a pod) another registry reports.
type WorkloadInstance struct {
	Name      string    `json:"name"`
	Namespace string    `json:"namespace"`
	Endpoint  *Endpoint `json:"endpoint"`
}

// ServiceEntry is a service declared by configuration whose endpoints
// are the workloads its selector picks.
type ServiceEntry struct {
	Name, Namespace string
	Hosts           []string
	Port            int
	Selector        map[string]string
}

// ServiceInstance is one endpoint of one host of a service entry.
type ServiceInstance struct {
	Host     string
	Endpoint *Endpoint
}

// Selects reports whether sel's labels are all in labels.
func Selects(sel, labels map[string]string) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}
