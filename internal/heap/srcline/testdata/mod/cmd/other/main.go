// Command other is a second package main with a main.go, so that frames
// naming "main.go" need more than the base name to be resolved.
package main

import "fmt"

func main() {
	m := map[string]int{} // want: mapliteral "m" "map[string]int"
	m["x"] = 1            // want: mapassign "m" "map[string]int"
	fmt.Println(len(m))
}
