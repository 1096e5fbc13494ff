//go:build !(go1.24 && !go1.25 && goexperiment.swissmap) && !(go1.24 && !go1.26 && !goexperiment.swissmap)

package maptest

// Go 1.25+ prunes tombstones in full tables, but a churned map still
// creeps (map-runtime-facts.md).
const churnNote = "a map under insert/delete churn creeps upward at a fixed length (tombstones; docs/maptest.md). Not necessarily a leak: rebuild the map now and then"
