// Package serviceentry reproduces, in its own words, the service entry
// registry of Istio's control plane (istiod) as it was before
// https://github.com/istio/istio/pull/36674 (commit
// f2e05be5fcc600e129fcb30cf37f6be0d35ddeaf; before/ is the code before
// the change, after/ as changed). Pods selected by a service entry become
// its instances, kept per service entry by the pod they came from. When
// the Kubernetes registry reported a pod's deletion, the handler stored
// the deleted pod's instances under its key again instead of removing
// them, so every pod a service entry had ever selected stayed in its map
// until the service entry itself was deleted.
package serviceentry

import (
	"sync"

	"recall/heldout/istioseinstances/after/model"
)

// ServiceEntryStore is the registry of service entries.
type ServiceEntryStore struct {
	mu                sync.Mutex
	serviceEntries    map[model.NamespacedName]*model.ServiceEntry
	workloadInstances map[model.NamespacedName]*model.WorkloadInstance
	serviceInstances  *serviceInstancesStore
	edsUpdate         func(instances []*model.ServiceInstance)
}

// NewServiceEntryStore returns an empty registry that reports endpoint
// changes to edsUpdate.
func NewServiceEntryStore(edsUpdate func([]*model.ServiceInstance)) *ServiceEntryStore {
	return &ServiceEntryStore{
		serviceEntries:    map[model.NamespacedName]*model.ServiceEntry{},
		workloadInstances: map[model.NamespacedName]*model.WorkloadInstance{},
		serviceInstances:  newServiceInstancesStore(),
		edsUpdate:         edsUpdate,
	}
}

// ServiceEntryHandler applies a change of a service entry.
func (s *ServiceEntryStore) ServiceEntryHandler(se *model.ServiceEntry, event model.Event) {
	k := model.NamespacedName{Namespace: se.Namespace, Name: se.Name}
	s.mu.Lock()
	defer s.mu.Unlock()
	if event == model.EventDelete {
		delete(s.serviceEntries, k)
		s.serviceInstances.deleteAllServiceEntryInstances(k)
		return
	}
	s.serviceEntries[k] = se
}

func convert(wi *model.WorkloadInstance, se *model.ServiceEntry) []*model.ServiceInstance {
	out := make([]*model.ServiceInstance, 0, len(se.Hosts))
	for _, h := range se.Hosts {
		ep := *wi.Endpoint
		if ep.Port == 0 {
			ep.Port = se.Port
		}
		out = append(out, &model.ServiceInstance{Host: h, Endpoint: &ep})
	}
	return out
}

// WorkloadInstanceHandler applies a change of a workload reported by
// another registry (the Kubernetes controller's pods).
func (s *ServiceEntryStore) WorkloadInstanceHandler(wi *model.WorkloadInstance, event model.Event) {
	key := configKey{kind: podConfigType, name: wi.Name, namespace: wi.Namespace}
	k := model.NamespacedName{Namespace: wi.Namespace, Name: wi.Name}
	redundant := false
	var addressToDelete string

	s.mu.Lock()
	switch event {
	case model.EventDelete:
		if s.workloadInstances[k] == nil {
			redundant = true
		} else {
			delete(s.workloadInstances, k)
		}
	default:
		if old := s.workloadInstances[k]; old != nil && old.Endpoint.Address != wi.Endpoint.Address {
			addressToDelete = old.Endpoint.Address
		}
		s.workloadInstances[k] = wi
	}
	if redundant {
		s.mu.Unlock()
		return
	}

	var instances, instancesDeleted []*model.ServiceInstance
	for seName, se := range s.serviceEntries {
		if se.Namespace != wi.Namespace || se.Selector == nil || !model.Selects(se.Selector, wi.Endpoint.Labels) {
			continue
		}
		instance := convert(wi, se)
		instances = append(instances, instance...)
		if addressToDelete != "" {
			for _, i := range instance {
				ep := *i.Endpoint
				ep.Address = addressToDelete
				instancesDeleted = append(instancesDeleted, &model.ServiceInstance{Host: i.Host, Endpoint: &ep})
			}
			s.serviceInstances.deleteServiceEntryInstances(seName, key)
		} else if event == model.EventDelete {
			s.serviceInstances.deleteServiceEntryInstances(seName, key)
		} else {
			s.serviceInstances.updateServiceEntryInstancesPerConfig(seName, key, instance)
		}
	}
	if len(instancesDeleted) > 0 {
		s.serviceInstances.deleteInstances(instancesDeleted)
	}
	if event == model.EventDelete {
		s.serviceInstances.deleteInstances(instances)
	} else {
		s.serviceInstances.updateInstances(instances)
	}
	s.mu.Unlock()

	s.edsUpdate(instances)
}

// InstancesByIP returns the instances at address ip.
func (s *ServiceEntryStore) InstancesByIP(ip string) []*model.ServiceInstance {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.serviceInstances.getByIP(ip)
}

// Endpoints returns the instances of the service entry se.
func (s *ServiceEntryStore) Endpoints(se model.NamespacedName) []*model.ServiceInstance {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*model.ServiceInstance
	for _, is := range s.serviceInstances.getServiceEntryInstances(se) {
		out = append(out, is...)
	}
	return out
}
