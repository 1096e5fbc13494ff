package binfile

import (
	"testing"

	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

// genericProgram fills a cache of a generic library (fetched through the
// module proxy) and a generic type of its own, then writes a heap profile:
// Go 1.21-1.23 name such functions with their shapes in profiles
// ("(*LRU[go.shape.string,...]).Add") where the binary's printed names
// elide them ("(*LRU[...]).Add"); the binary must match all the same.
const genericProgram = `package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"

	lru "github.com/hashicorp/golang-lru/v2"
)

type set[K comparable] struct{ m map[K]struct{} }

func (s *set[K]) add(k K) { s.m[k] = struct{}{} }

var (
	keep  *lru.Cache[string, []byte]
	names = &set[string]{m: map[string]struct{}{}}
)

func main() {
	runtime.MemProfileRate = 1
	keep, _ = lru.New[string, []byte](5000)
	for i := 0; i < 20000; i++ {
		k := strconv.Itoa(i)
		keep.Add(k, make([]byte, 64))
		names.add(k)
	}
	runtime.GC()
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	f.Close()
}
`

const genericGoMod = `module example.com/generic

go 1.21

require github.com/hashicorp/golang-lru/v2 v2.0.7
`

const genericGoSum = `github.com/hashicorp/golang-lru/v2 v2.0.7 h1:a+bsQ5rvGLjzHuww6tVxozPZFVghXaHOwFs4luLUK2k=
github.com/hashicorp/golang-lru/v2 v2.0.7/go.mod h1:QeFd9opnmA6QUJc5vARoKUSoFhyfM2/ZepoAG6RGpeM=
`

// TestMatchGenericLibrary builds a program using a generic library with
// the old, the current and the newest toolchain, with and without
// -trimpath, and checks that Match accepts the right binary; unless
// -short, also with Go 1.21 and 1.22, whose profiles name generic
// functions by their shapes as 1.23's do. Binaries of Go 1.23 and before
// have no GNU build ID, so symbolization alone decides.
func TestMatchGenericLibrary(t *testing.T) {
	requireAmd64Linux(t)
	prog := heaptest.WriteProgram(t, genericGoMod, genericGoSum, genericProgram)
	toolchains := []string{oldToolchain, "local", newToolchain}
	if !testing.Short() {
		toolchains = append(toolchains, "go1.21.13", "go1.22.12")
	}
	for _, toolchain := range toolchains {
		for _, flags := range [][]string{nil, {"-trimpath"}} {
			t.Run(toolchain+" "+fmtFlags(flags), func(t *testing.T) {
				exe := prog.Build(t, toolchain, "", nil, flags...)
				p := heaptest.RunForProfile(t, exe, nil)
				shapes := false
				for _, fn := range p.Function {
					shapes = shapes || containsShape(fn.Name)
				}
				f, err := Open(exe)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if err := f.Match(p); err != nil {
					t.Errorf("Match with the right binary (profile names shapes: %v): %v", shapes, err)
				}
			})
		}
	}
}

func containsShape(fn string) bool {
	for i := 0; i+9 <= len(fn); i++ {
		if fn[i:i+9] == "go.shape." {
			return true
		}
	}
	return false
}

func fmtFlags(flags []string) string {
	if len(flags) == 0 {
		return "default"
	}
	return flags[0]
}
