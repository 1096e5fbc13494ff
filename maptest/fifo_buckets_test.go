//go:build go1.24 && !go1.26 && !goexperiment.swissmap

package maptest_test

// Bucket maps (GOEXPERIMENT=noswissmap) pile up overflow buckets under a
// FIFO's churn over its first few hundred calls, then pack them.
const (
	fifoGrows = true
	fifoNote  = "with GOEXPERIMENT=noswissmap a map under insert/delete churn allocates overflow buckets"
)
