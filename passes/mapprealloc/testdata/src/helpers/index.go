package helpers

// Near miss: a file of the same package that does not import "testing"
// is production code, and reported.
func Positions(names []string) map[string]int {
	m := make(map[string]int) // want `map m is made without a size hint but the loop below fills it len\(names\) times`
	for i, n := range names {
		m[n] = i
	}
	return m
}
