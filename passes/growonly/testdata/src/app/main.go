// Package main is imported by nobody: exported names are reported too.
package main

import _ "net" // a network service

var Seen = map[string]bool{}

type Tracker struct {
	Hits map[string]int
}

var tracker Tracker

func main() {
	Seen["x"] = true    // want `map Seen only grows`
	tracker.Hits["x"]++ // want `map field Tracker.Hits only grows`
}
