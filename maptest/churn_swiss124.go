//go:build go1.24 && !go1.25 && goexperiment.swissmap

package maptest

// Go 1.24's Swiss tables never prune tombstones: a map under insert/delete
// churn grows at a fixed length (map-runtime-facts.md, golang/go#70886).
const churnNote = "on Go 1.24 a map under insert/delete churn keeps growing at a fixed length (tombstones are pruned only from Go 1.25, golang/go#70886; docs/maptest.md). Not necessarily a leak: rebuild the map now and then, or run the test on a newer Go"
