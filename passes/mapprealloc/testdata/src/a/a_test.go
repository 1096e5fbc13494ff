package a

import "testing"

// Test files are not analyzed: a benchmark of insertion grows the map on
// purpose.
func BenchmarkFill(b *testing.B) {
	for range b.N {
		m := make(map[int]int)
		for i := range 1000 {
			m[i] = i
		}
	}
}
