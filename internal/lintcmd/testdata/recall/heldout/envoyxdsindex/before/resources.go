// Package cache reproduces, in its own words, the snapshot cache of
// Envoy's go-control-plane whose resource maps got size hints in
// https://github.com/envoyproxy/go-control-plane/pull/692 (commit
// f040a1a231d774f8cf66854dbd1c8288571aaaec; before/ is the code before
// the change, after/ as changed). A control plane builds a snapshot of
// every cluster, route and listener each time its configuration changes,
// indexing each resource list by name and, for delta xDS, hashing every
// resource into a version map; the maps were made empty although the
// number of resources was known.
package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Resource is one xDS resource (a cluster, a route, a listener...).
type Resource interface {
	GetName() string
	Marshal() ([]byte, error)
}

type ResourceWithTTL struct {
	Resource Resource
	TTL      *time.Duration
}

// ResponseType indexes the resource types of a snapshot.
type ResponseType int

const (
	Endpoint ResponseType = iota
	Cluster
	Route
	Listener
	Secret
	UnknownType
)

var typeURLs = [UnknownType]string{
	"type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
	"type.googleapis.com/envoy.config.cluster.v3.Cluster",
	"type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
	"type.googleapis.com/envoy.config.listener.v3.Listener",
	"type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret",
}

func GetResponseTypeURL(t ResponseType) (string, error) {
	if t < 0 || t >= UnknownType {
		return "", fmt.Errorf("unknown resource type %d", t)
	}
	return typeURLs[t], nil
}

// Resources is a versioned group of resources of one type.
type Resources struct {
	Version string
	Items   map[string]ResourceWithTTL
}

// IndexResourcesByName makes a map from resource name to resource.
func IndexResourcesByName(items []ResourceWithTTL) map[string]ResourceWithTTL {
	indexed := make(map[string]ResourceWithTTL) // want mapprealloc "."
	for _, item := range items {
		indexed[item.Resource.GetName()] = item
	}
	return indexed
}

// IndexRawResourcesByName makes a map from resource name to resource.
func IndexRawResourcesByName(items []Resource) map[string]Resource {
	indexed := make(map[string]Resource) // want mapprealloc "."
	for _, item := range items {
		indexed[item.GetName()] = item
	}
	return indexed
}

// NewResources makes a resource group without TTLs.
func NewResources(version string, items []Resource) Resources {
	withTTL := []ResourceWithTTL{}
	for _, item := range items {
		withTTL = append(withTTL, ResourceWithTTL{Resource: item})
	}
	return NewResourcesWithTTL(version, withTTL)
}

func NewResourcesWithTTL(version string, items []ResourceWithTTL) Resources {
	return Resources{Version: version, Items: IndexResourcesByName(items)}
}

// Snapshot is a consistent set of resources of every type.
type Snapshot struct {
	Resources [UnknownType]Resources

	// VersionMap holds the hash of every resource by type URL and name;
	// it is built on first use, by delta xDS only.
	VersionMap map[string]map[string]string
}

// NewSnapshot makes a snapshot from resources by type.
func NewSnapshot(version string, resources map[ResponseType][]Resource) (*Snapshot, error) {
	out := &Snapshot{}
	for typ, items := range resources {
		if typ < 0 || typ >= UnknownType {
			return nil, errors.New("unknown resource type")
		}
		out.Resources[typ] = NewResources(version, items)
	}
	return out, nil
}

// HashResource returns the version of a marshaled resource.
func HashResource(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ConstructVersionMap builds the version map of the snapshot.
func (s *Snapshot) ConstructVersionMap() error {
	if s == nil {
		return errors.New("missing snapshot")
	}
	// The resources of a snapshot never change: build once.
	if s.VersionMap != nil {
		return nil
	}
	s.VersionMap = make(map[string]map[string]string)
	for i, resources := range s.Resources {
		typeURL, err := GetResponseTypeURL(ResponseType(i))
		if err != nil {
			return err
		}
		if _, ok := s.VersionMap[typeURL]; !ok {
			s.VersionMap[typeURL] = make(map[string]string) // want mapprealloc "."
		}
		for _, r := range resources.Items {
			b, err := r.Resource.Marshal()
			if err != nil {
				return err
			}
			v := HashResource(b)
			if v == "" {
				return fmt.Errorf("failed to build the version of %s", r.Resource.GetName())
			}
			s.VersionMap[typeURL][r.Resource.GetName()] = v
		}
	}
	return nil
}
