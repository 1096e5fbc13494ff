// Command behave empties long-lived maps with the range-delete idiom; the
// test runs it before and after mapclear's fixes and compares the output.
package main

import "fmt"

var sessions = map[string]int{"a": 1, "b": 2, "c": 3}

type registry struct {
	byName map[string][]int
}

func resetSessions() {
	for k := range sessions { // want `deleting every key of sessions keeps its memory`
		delete(sessions, k)
	}
}

func (r *registry) reset() {
	for name := range r.byName { // want `deleting every key of r.byName keeps its memory`
		delete(r.byName, name)
	}
}

func main() {
	alias := sessions
	resetSessions()
	fmt.Println("sessions", len(sessions), sessions == nil, len(alias))
	sessions["d"] = 4
	fmt.Println("alias sees", alias["d"])

	r := &registry{byName: map[string][]int{"x": {1}, "y": {2, 3}}}
	r.reset()
	fmt.Println("registry", len(r.byName), r.byName == nil)

	var empty registry
	empty.reset() // ranging over and clearing a nil map are both no-ops
	fmt.Println("empty", len(empty.byName), empty.byName == nil)
}
