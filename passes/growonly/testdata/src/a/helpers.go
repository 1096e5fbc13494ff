package main

// Maps handed to the package's own functions: what those do counts.

var perPath = map[string]int{}

func bump(m map[string]int, k string) { m[k]++ }

func total(m map[string]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
}

func serve(path string) int {
	bump(perPath, path+"/") // want `map perPath only grows`
	return total(perPath)
}

var readTwice = map[string]int{}

func addRead(k string) int {
	readTwice[k+"!"] = 1 // want `map readTwice only grows`
	return total(readTwice) + total(readTwice)
}

// A helper that deletes, reached through mutual recursion.
var recursive = map[string]int{}

func walkA(m map[string]int, n int) {
	if n > 0 {
		walkB(m, n-1)
	}
}

func walkB(m map[string]int, n int) {
	walkA(m, n)
	delete(m, "x")
}

func addRecursive(k string) {
	recursive[k+"?"] = 1
	walkA(recursive, 3)
}

// Methods of a map type.
type set map[string]struct{}

func (s set) add(k string)      { s[k] = struct{}{} }
func (s set) has(k string) bool { _, ok := s[k]; return ok }
func (s set) remove(k string)   { delete(s, k) }

type tracker struct {
	seen set
	live set
}

var theTracker = &tracker{seen: set{}, live: set{}}

func see(id string) bool {
	if theTracker.seen.has(id) {
		return true
	}
	theTracker.seen.add(id + "#") // want `map field tracker.seen only grows`
	theTracker.live.add(id)
	return false
}

func gone(id string) { theTracker.live.remove(id) }

// A helper that keeps the map somewhere: released.
var kept = map[string]int{}

var holder []map[string]int

func keep(m map[string]int) { holder = append(holder, m) }

func addKept(k string) {
	kept[k+"."] = 1
	keep(kept)
}
