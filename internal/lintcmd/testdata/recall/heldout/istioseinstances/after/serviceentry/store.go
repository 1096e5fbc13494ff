package serviceentry

import "recall/heldout/istioseinstances/after/model"

type configKey struct {
	kind      string
	name      string
	namespace string
}

const podConfigType = "pod"

// serviceInstancesStore holds the instances of service entries.
type serviceInstancesStore struct {
	ip2instance map[string][]*model.ServiceInstance
	// instancesBySE holds, for each service entry, its instances by the
	// workload they came from.
	instancesBySE map[model.NamespacedName]map[configKey][]*model.ServiceInstance
}

func newServiceInstancesStore() *serviceInstancesStore {
	return &serviceInstancesStore{
		ip2instance:   map[string][]*model.ServiceInstance{},
		instancesBySE: map[model.NamespacedName]map[configKey][]*model.ServiceInstance{},
	}
}

func (s *serviceInstancesStore) getByIP(ip string) []*model.ServiceInstance {
	return s.ip2instance[ip]
}

func (s *serviceInstancesStore) deleteInstances(instances []*model.ServiceInstance) {
	for _, i := range instances {
		delete(s.ip2instance, i.Endpoint.Address)
	}
}

func (s *serviceInstancesStore) updateInstances(instances []*model.ServiceInstance) {
	for _, i := range instances {
		delete(s.ip2instance, i.Endpoint.Address)
	}
	for _, i := range instances {
		s.ip2instance[i.Endpoint.Address] = append(s.ip2instance[i.Endpoint.Address], i)
	}
}

func (s *serviceInstancesStore) getServiceEntryInstances(se model.NamespacedName) map[configKey][]*model.ServiceInstance {
	return s.instancesBySE[se]
}

func (s *serviceInstancesStore) updateServiceEntryInstancesPerConfig(se model.NamespacedName, ck configKey, instances []*model.ServiceInstance) {
	if s.instancesBySE[se] == nil {
		s.instancesBySE[se] = map[configKey][]*model.ServiceInstance{}
	}
	s.instancesBySE[se][ck] = instances
}

func (s *serviceInstancesStore) deleteServiceEntryInstances(se model.NamespacedName, ck configKey) {
	delete(s.instancesBySE[se], ck)
}

func (s *serviceInstancesStore) deleteAllServiceEntryInstances(se model.NamespacedName) {
	delete(s.instancesBySE, se)
}
