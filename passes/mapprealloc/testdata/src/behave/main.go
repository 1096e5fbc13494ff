// Command behave prints maps built by loops that mapprealloc rewrites; the
// test runs it before and after the fixes and compares the output.
package main

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
)

type item struct {
	key   string
	value int
}

func byKey(items []item) map[string]int {
	m := make(map[string]int) // want `map m is made without a size hint`
	for _, it := range items {
		m[it.key] = it.value
	}
	return m
}

func runes(s string) map[rune]int {
	m := map[rune]int{} // want `map m is made without a size hint`
	for i, r := range s {
		m[r] = i
	}
	return m
}

func squares(n [10]int) map[int]int {
	var m = make(map[int]int) // want `map m is made without a size hint`
	for i := 0; i < len(n); i++ {
		m[i] = n[i] * n[i]
	}
	return m
}

func plusOne(src map[string]int) map[string]int {
	m := make(map[string]int) // want `map m is made without a size hint`
	for k, v := range src {
		m[k+"!"] = v + 1
	}
	return m
}

// decodePairs decodes "k=v" pairs into a map of the type rv points to,
// through reflection.
func decodePairs(rv reflect.Value, pairs []string) {
	t := rv.Type()
	rv.Set(reflect.MakeMap(t)) // want `map rv is made by reflect.MakeMap without a size hint`
	for i := 0; i < len(pairs); i++ {
		key := reflect.New(t.Key())
		val := reflect.New(t.Elem())
		fmt.Sscanf(pairs[i], "%c=%d", key.Interface(), val.Interface())
		rv.SetMapIndex(key.Elem(), val.Elem())
	}
}

// decodeSized reads one name per size from next, as a decoder reads a
// length-prefixed section.
func decodeSized(next func() string, sizes []int) map[string]int {
	m := make(map[string]int) // want `map m is made without a size hint`
	for i := range len(sizes) {
		k := next()
		m[k] = sizes[i]
	}
	return m
}

func show[K interface{ ~int | ~int32 | ~string }, V any](name string, m map[K]V) {
	fmt.Printf("%s len=%d nil=%t\n", name, len(m), m == nil)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Printf("  %v: %v\n", k, m[k])
	}
}

func main() {
	// Twice, from a loop: code that main runs once is not reported.
	for _, round := range []string{"first", "second"} {
		fmt.Println(round)
		items := []item{{"a", 1}, {"b", 2}, {"a", 3}}
		show("byKey", byKey(items))
		show("byKey(nil)", byKey(nil))
		show("runes", runes("héllo, wörld"))
		show("squares", squares([10]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}))
		show("plusOne", plusOne(map[string]int{"x": 1, "y": 2}))
		show("plusOne(nil)", plusOne(nil))
		var decoded map[rune]int
		decodePairs(reflect.ValueOf(&decoded).Elem(), []string{"a=1", "b=2", "a=3"})
		show("decodePairs", decoded)
		names := []string{"x", "y", "z"}
		show("decodeSized", decodeSized(func() string { n := names[0]; names = names[1:]; return n }, []int{7, 8, 9}))
	}
}
