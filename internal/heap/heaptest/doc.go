// Package heaptest gives the tests of heap analysis real programs to
// check it against: the corpus of profiled programs, a way to build and
// profile any other test program with a given toolchain, and the
// "// want:" annotations every test program is written with.
//
// The corpus is one small Go module, testdata/corpus/src, whose program
// allocates map memory in every way mapscope tells apart (growth, initial
// sizing, maps.Clone, reflect and encoding/json, sync.Map, goroutines,
// generics) next to plain non-map allocations, and writes a heap and an
// allocs profile with runtime.MemProfileRate = 1. Each allocating line
// carries a trailing annotation saying what a correct classifier reports:
//
//	m[i] = i * 2   // want: grow "m" "map[int]int"
//	m[i] = &T{}    // want: grow "m" "map[int]*T"; nonmap
//	p := &T{}      // want: nonmap
//	m[i] = i       // want: none
//
// "none" marks a line that must not allocate at all (a presized map being
// filled). [Wants] parses the annotations; [ReadAnnotations] reads them
// for tests with words of their own (srcline's operations).
//
// The program is built with several toolchains and flags by the generator,
// and the binaries and profiles are checked in under testdata/corpus/out,
// one directory per variant (go1.26-default, go1.26-trimpath, ...); see
// [Variants]. Regenerate them after changing the corpus code, from the
// repository root:
//
//	go run ./internal/heap/heaptest/gen
//
// It needs the toolchains named by its -go flag (fetched through the module
// proxy by GOTOOLCHAIN) and takes about a minute. Each variant directory
// holds a manifest.json recording the hash of the code it was built from
// ([SrcHash]; comments do not count), and this package's tests fail when
// the checked-in variants are stale.
//
// Live tests build and run the corpus with [BuildCorpus] instead, and
// other programs with [Program].
//
// The trend scenarios, testdata/trend, are programs of another kind: each
// runs in steps and writes a heap profile after every step, so that one
// run is a series of snapshots with one known map problem and the same
// decoys in every scenario (see testdata/trend/README.md). [RunScenario]
// builds and runs one with a given toolchain for a test, [BuildScenario]
// for the generator scengen, and [TrendWants] reads their annotations,
// which name the verdict trend must give each line rather than a kind.
package heaptest
