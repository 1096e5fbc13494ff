// Package metrics is a registry of tagged metrics on top of an untagged
// metrics library: a metric's name and tags are folded into one ID for
// the library, and the registry remembers which name and tags each ID
// stands for so that Each can report them.
//
// The fixed shape of palantir/pkg's metrics package after
// https://github.com/palantir/pkg/pull/145 (commit ddb09eb2, "Fix memory
// leak in Unregister"): Unregister also deletes the ID's entry, after the
// underlying registry dropped it, and Each skips IDs unregistered while
// it runs.
package metrics

import (
	"strings"
	"sync"

	"recall/heldout/palantirmetricids/after/gometrics"
)

// MetricVisitor receives each metric Each reports.
type MetricVisitor func(name string, tags Tags, value any)

// Registry creates and reports tagged metrics.
type Registry interface {
	Counter(name string, tags ...Tag) *gometrics.Counter
	Gauge(name string, tags ...Tag) *gometrics.Gauge
	// Each calls f for every metric, in ID order.
	Each(f MetricVisitor)
	// Unregister drops the metric with the given name and tags.
	Unregister(name string, tags ...Tag)
}

// RootRegistry is the registry of a whole program; Subregistry derives
// registries that prefix names and add tags.
type RootRegistry interface {
	Registry
	Subregistry(prefix string, tags ...Tag) Registry
}

// NewRootMetricsRegistry returns an empty root registry.
func NewRootMetricsRegistry() RootRegistry {
	return &rootRegistry{
		registry:  gometrics.NewRegistry(),
		idToNamed: make(map[metricID]namedMetric),
	}
}

type rootRegistry struct {
	registry *gometrics.Registry

	mu        sync.RWMutex
	idToNamed map[metricID]namedMetric
}

// namedMetric is the name and sorted tags an ID stands for.
type namedMetric struct {
	name string
	tags Tags
}

// metricID is "name|k1:v1|k2:v2" with the tags sorted.
type metricID string

func toMetricID(name string, sorted Tags) metricID {
	var b strings.Builder
	b.WriteString(name)
	for _, t := range sorted {
		b.WriteByte('|')
		b.WriteString(t.keyValue)
	}
	return metricID(b.String())
}

func (r *rootRegistry) register(name string, tags Tags) string {
	sorted := sortedCopy(tags)
	id := toMetricID(name, sorted)
	r.mu.Lock()
	r.idToNamed[id] = namedMetric{name: name, tags: sorted}
	r.mu.Unlock()
	return string(id)
}

func (r *rootRegistry) Counter(name string, tags ...Tag) *gometrics.Counter {
	return gometrics.GetOrRegisterCounter(r.register(name, tags), r.registry)
}

func (r *rootRegistry) Gauge(name string, tags ...Tag) *gometrics.Gauge {
	return gometrics.GetOrRegisterGauge(r.register(name, tags), r.registry)
}

func (r *rootRegistry) Each(f MetricVisitor) {
	r.registry.Each(func(id string, metric any) {
		r.mu.RLock()
		nm, ok := r.idToNamed[metricID(id)]
		r.mu.RUnlock()
		if !ok {
			if r.registry.Get(id) == nil {
				// Unregistered since Each began.
				return
			}
			// Registered on the underlying registry directly.
			f(id, nil, metric)
			return
		}
		f(nm.name, append(Tags(nil), nm.tags...), metric)
	})
}

func (r *rootRegistry) Unregister(name string, tags ...Tag) {
	id := toMetricID(name, sortedCopy(tags))
	r.registry.Unregister(string(id))
	// After the underlying registry, so that Each never sees the metric
	// without its name and tags.
	r.mu.Lock()
	delete(r.idToNamed, id)
	r.mu.Unlock()
}

func (r *rootRegistry) Subregistry(prefix string, tags ...Tag) Registry {
	if prefix != "" && !strings.HasSuffix(prefix, ".") {
		prefix += "."
	}
	return &childRegistry{prefix: prefix, tags: tags, root: r}
}

type childRegistry struct {
	prefix string
	tags   Tags
	root   *rootRegistry
}

func (c *childRegistry) all(tags []Tag) Tags {
	return append(append(Tags(nil), c.tags...), tags...)
}

func (c *childRegistry) Counter(name string, tags ...Tag) *gometrics.Counter {
	return c.root.Counter(c.prefix+name, c.all(tags)...)
}

func (c *childRegistry) Gauge(name string, tags ...Tag) *gometrics.Gauge {
	return c.root.Gauge(c.prefix+name, c.all(tags)...)
}

func (c *childRegistry) Each(f MetricVisitor) {
	c.root.Each(func(name string, tags Tags, value any) {
		f(strings.TrimPrefix(name, c.prefix), tags, value)
	})
}

func (c *childRegistry) Unregister(name string, tags ...Tag) {
	c.root.Unregister(c.prefix+name, c.all(tags)...)
}
