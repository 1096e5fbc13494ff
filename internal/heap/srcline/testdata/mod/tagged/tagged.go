//go:build never

// Package tagged is excluded by its build constraint: Lookup falls back to
// syntax alone.
package tagged

func Fill(keys []string) map[string]int {
	m := make(map[string]int, len(keys)) // want: mapmake "m" "map[string]int" hint "len(keys)" untyped
	for _, k := range keys {
		m[k] = 1 // want: none; loop "" untyped
	}
	return m
}
