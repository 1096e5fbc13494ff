// Package pick lives under internal/testutils: test support, not reported.
package pick

func Index(names []string) map[string]int {
	m := make(map[string]int)
	for i, n := range names {
		m[n] = i
	}
	return m
}
