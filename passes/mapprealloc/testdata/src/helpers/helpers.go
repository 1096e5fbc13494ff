// Package helpers: this file imports "testing" and holds test helpers,
// which are not reported.
package helpers

import "testing"

func Index(t *testing.T, names []string) map[string]int {
	t.Helper()
	m := make(map[string]int)
	for i, n := range names {
		m[n] = i
	}
	return m
}
