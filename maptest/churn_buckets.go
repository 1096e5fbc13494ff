//go:build go1.24 && !go1.26 && !goexperiment.swissmap

package maptest

// The bucket maps of GOEXPERIMENT=noswissmap allocate overflow buckets
// under insert/delete churn until a same-size grow packs them again.
const churnNote = "with GOEXPERIMENT=noswissmap a map under insert/delete churn allocates overflow buckets at a fixed length until a same-size grow packs them (docs/maptest.md). Not necessarily a leak: check with more Iterations, or without noswissmap"
