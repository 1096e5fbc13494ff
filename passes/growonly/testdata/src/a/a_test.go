package main

import "testing"

func TestX(t *testing.T) {
	clear(clearedInTest) // test-only clean-up does not bound production
	testOnly["x"] = 1    // insertions in tests do not count
}

var testOnly = map[string]int{}
