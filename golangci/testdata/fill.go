// Package gclfill has one finding for each of two mapscope analyzers, for
// bench/golangci-plugin.sh.
package gclfill

var registry = map[string]int{}

// Index returns the position of each name.
func Index(names []string) map[string]int {
	pos := make(map[string]int)
	for i, n := range names {
		pos[n] = i
	}
	return pos
}

// Reset empties the registry.
func Reset() {
	for k := range registry {
		delete(registry, k)
	}
}
