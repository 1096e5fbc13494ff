//go:build go1.24 && !go1.25 && goexperiment.swissmap

package maptest_test

// Go 1.24's Swiss tables never prune tombstones: a 64-entry FIFO's tables
// grow (128 -> 256 -> 512 slots) at points that depend on the hash seed,
// within the default 640 calls about two runs in three.
const (
	fifoGrows = true
	fifoNote  = "on Go 1.24 a map under insert/delete churn keeps growing at a fixed length"
)
