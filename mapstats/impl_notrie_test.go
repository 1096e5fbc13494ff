//go:build !go1.26 && !goexperiment.synchashtriemap

package mapstats_test

// GOEXPERIMENT=nosynchashtriemap (Go 1.24, 1.25): sync.Map is two builtin
// maps again, which mapstats does not read.
const syncMapReadable = false
