// An example program, under examples/: not reported.
package main

import "fmt"

func index(names []string) map[string]int {
	m := make(map[string]int)
	for i, n := range names {
		m[n] = i
	}
	return m
}

func main() {
	for _, names := range [][]string{{"a"}, {"b", "c"}} {
		fmt.Println(len(index(names)))
	}
}
