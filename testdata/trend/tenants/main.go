// Command tenants is the trend scenario of nested per-tenant maps: usage
// counters kept per tenant in a map of maps, keyed by a label that
// includes the request's object ID. The set of tenants is fixed, but each
// tenant's inner map gains a key with every new object and never loses
// one.
package main

import (
	"math/rand"
	"strconv"

	"example.com/trend/internal/decoy"
	"example.com/trend/internal/snap"
)

// Over 40 steps the inner maps gain 480,000 keys in all, about 20 MB of
// map storage and 15 MB of keys. Tenants get unequal shares of the
// traffic, as in life, so their inner maps grow at different paces and
// (with Go 1.23's bucket maps) double at different times.
const (
	tenants         = 40
	requestsPerStep = 12000
)

var methods = []string{"GET", "PUT", "POST", "DELETE"}

// Usage counts requests per tenant and per label.
type Usage struct {
	byTenant map[string]map[string]int64
}

func NewUsage() *Usage { return &Usage{byTenant: make(map[string]map[string]int64)} }

func (u *Usage) Record(tenant, label string, n int64) {
	counts, ok := u.byTenant[tenant]
	if !ok {
		counts = make(map[string]int64)
		u.byTenant[tenant] = counts
	}
	counts[label] += n // want: leak "counts" "map[string]int64"
}

func main() {
	series := snap.Start()
	decoys := decoy.Start()
	usage := NewUsage()
	names := make([]string, tenants)
	for i := range names {
		names[i] = "tenant-" + strconv.Itoa(i)
	}
	rng := rand.New(rand.NewSource(3))
	object := 0
	series.Run(func(step int) {
		decoys.Step(step)
		for i := 0; i < requestsPerStep; i++ {
			object++
			r := rng.Float64()
			tenant := names[int(r*r*tenants)] // the first tenants get most of the traffic
			usage.Record(tenant, label(methods[object%len(methods)], object), 1)
		}
	})
}

// label names what a request did, with the ID of the object it touched: a
// label of unbounded cardinality.
func label(method string, object int) string {
	return method + " /v1/objects/" + strconv.Itoa(object) // want: nonmap-leak
}
