// Package servertest supports tests (its name ends in test): not reported.
package servertest

func Index(names []string) map[string]int {
	m := make(map[string]int)
	for i, n := range names {
		m[n] = i
	}
	return m
}
