// Command quietmain: code that main runs once is not reported.
package main

import (
	"fmt"
	"os"
)

func main() {
	m := make(map[string]int)
	for i, a := range os.Args {
		m[a] = i
	}
	fmt.Println(len(m), len(index(os.Args)))
	for _, a := range os.Args {
		fmt.Println(len(perArg(a)))
	}
	handle(func() {
		fmt.Println(len(inCallback(os.Args)))
	})
}

var handlers []func()

// handle keeps f to run later, as often as its caller wants.
func handle(f func()) { handlers = append(handlers, f) }

// index runs once: main calls it, outside any loop.
func index(args []string) map[string]int {
	m := make(map[string]int)
	for i, a := range args {
		m[a] = i
	}
	return m
}

// Near misses: called from a loop, and from a callback main registers.
func perArg(a string) map[rune]int {
	m := make(map[rune]int) // want `map m is made without a size hint but the loop below fills it len\(a\) times`
	for i, r := range a {
		m[r] = i
	}
	return m
}

func inCallback(args []string) map[string]int {
	m := make(map[string]int) // want `map m is made without a size hint but the loop below fills it len\(args\) times`
	for i, a := range args {
		m[a] = i
	}
	return m
}
