//go:build !(go1.24 && !go1.25 && goexperiment.swissmap) && !(go1.24 && !go1.26 && !goexperiment.swissmap)

package maptest_test

// Go 1.25+ prunes tombstones: a 64-entry FIFO's map memory stays bounded
// over the default 640 calls.
const (
	fifoGrows = false
	fifoNote  = ""
)
