// Package main is imported by nobody: exported names are reported too.
package main

import (
	_ "net" // a network service
	"os"
)

var Seen = map[string]bool{}

type Tracker struct {
	Hits map[string]int
}

var tracker Tracker

func main() {
	Seen[os.Args[0]] = true    // want `map Seen only grows`
	tracker.Hits[os.Args[0]]++ // want `map field Tracker.Hits only grows`
}
