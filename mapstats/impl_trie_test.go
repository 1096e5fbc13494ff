//go:build go1.26 || goexperiment.synchashtriemap

package mapstats_test

// sync.Map is the hash-trie of internal/sync: mapstats reads it.
const syncMapReadable = true
