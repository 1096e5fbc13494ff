package a

// Test files are not analyzed: a test's maps live as long as the test.
var fixtures = map[string]int{}

func resetFixtures() {
	for k := range fixtures {
		delete(fixtures, k)
	}
	clear(fixtures)
}
