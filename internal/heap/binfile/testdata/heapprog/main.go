// Command heapprog allocates at known source lines and writes a heap
// profile (every allocation sampled) to the file named by its argument.
// The binfile tests build it with several toolchains and flags and look up
// the lines marked "SITE:name".
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

type T struct{ a, b, c int }

var (
	keepMaps []map[int]int
	keepStr  map[string]int
	keepObjs []*T
	keepBoth map[int]*T
	keepFunc func(int) int
)

//go:noinline
func grow(n int) map[int]int {
	m := make(map[int]int) // SITE:makesmall
	for i := 0; i < n; i++ {
		m[i] = i // SITE:grow
	}
	return m
}

//go:noinline
func growStr(keys []string) map[string]int {
	m := map[string]int{}
	for i, k := range keys {
		m[k] = i // SITE:growstr
	}
	return m
}

//go:noinline
func sized() map[int]int {
	return make(map[int]int, 1000) // SITE:make
}

//go:noinline
func object(i int) *T {
	p := &T{a: i} // SITE:newobject
	return p
}

//go:noinline
func both(n int) map[int]*T {
	m := make(map[int]*T)
	for i := 0; i < n; i++ {
		m[i] = &T{a: i} // SITE:both
	}
	return m
}

// indirect calls a function value so that the binary has an indirect call
// for Callee to refuse.
//
//go:noinline
func indirect(f func(int) int) int {
	return f(3)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: heapprog out.pb.gz")
		os.Exit(2)
	}
	runtime.MemProfileRate = 1
	keys := make([]string, 2000)
	for i := range keys {
		keys[i] = fmt.Sprint("key", i)
	}
	keepMaps = append(keepMaps, grow(5000), sized())
	keepStr = growStr(keys)
	for i := 0; i < 100; i++ {
		keepObjs = append(keepObjs, object(i))
	}
	keepBoth = both(3000)
	keepFunc = func(i int) int { return i * 2 }
	_ = indirect(keepFunc)
	runtime.GC()
	out, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := pprof.Lookup("heap").WriteTo(out, 0); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := out.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
