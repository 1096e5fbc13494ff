// Package gometrics stands in for rcrowley/go-metrics: a registry of
// named counters and gauges.
package gometrics

import (
	"sort"
	"sync"
	"sync/atomic"
)

// Counter counts up and down.
type Counter struct{ n atomic.Int64 }

// Inc adds d.
func (c *Counter) Inc(d int64) { c.n.Add(d) }

// Count returns the current count.
func (c *Counter) Count() int64 { return c.n.Load() }

// Gauge holds the last value set.
type Gauge struct{ v atomic.Int64 }

// Update sets the value.
func (g *Gauge) Update(v int64) { g.v.Store(v) }

// Value returns the value.
func (g *Gauge) Value() int64 { return g.v.Load() }

// Registry holds metrics by name.
type Registry struct {
	mu      sync.Mutex
	metrics map[string]any
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{metrics: make(map[string]any)}
}

func (r *Registry) getOrRegister(name string, mk func() any) any {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := r.metrics[name]; ok {
		return m
	}
	m := mk()
	r.metrics[name] = m
	return m
}

// GetOrRegisterCounter returns the counter named name, registering it
// if needed.
func GetOrRegisterCounter(name string, r *Registry) *Counter {
	return r.getOrRegister(name, func() any { return new(Counter) }).(*Counter)
}

// GetOrRegisterGauge returns the gauge named name, registering it if
// needed.
func GetOrRegisterGauge(name string, r *Registry) *Gauge {
	return r.getOrRegister(name, func() any { return new(Gauge) }).(*Gauge)
}

// Get returns the metric named name, or nil.
func (r *Registry) Get(name string) any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.metrics[name]
}

// Unregister drops the metric named name.
func (r *Registry) Unregister(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.metrics, name)
}

// Each calls f for every metric, in name order.
func (r *Registry) Each(f func(name string, metric any)) {
	r.mu.Lock()
	names := make([]string, 0, len(r.metrics))
	snapshot := make(map[string]any, len(r.metrics))
	for n, m := range r.metrics {
		names = append(names, n)
		snapshot[n] = m
	}
	r.mu.Unlock()
	sort.Strings(names)
	for _, n := range names {
		f(n, snapshot[n])
	}
}
