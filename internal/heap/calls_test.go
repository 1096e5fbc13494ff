package heap

import (
	"strings"
	"testing"

	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

// callsProgram grows maps on lines that also call functions. The calls
// allocate in their own frames, so -source alone must name these lines'
// bytes as map growth; lines that also build a value of their own (&T{},
// the any of fmt.Sprint's argument) are left to the block size or unknown.
const callsProgram = `package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"
)

type T struct{ a, b, c int64 }

var (
	byF    = map[int]int64{}
	byTime = map[int]time.Time{}
	byItoa = map[int]string{}
	byPtr  = map[int]*T{}
	bySpr  = map[int]string{}
	keep   []string
)

//go:noinline
func f(i int) int64 { return int64(i) * 3 }

func main() {
	runtime.MemProfileRate = 1
	for i := 0; i < 20000; i++ {
		byF[i] = f(i)                // MARK:calls
		byTime[i] = time.Now()       // MARK:calls
		byItoa[i] = strconv.Itoa(i)  // MARK:calls
		byPtr[i] = &T{a: int64(i)}   // MARK:mixed
		bySpr[i] = fmt.Sprint(i)     // MARK:mixed
	}
	runtime.GC()
	out, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	pprof.WriteHeapProfile(out)
	out.Close()
}
`

func TestSourceCallsOnTheLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and profiles a program")
	}
	for _, toolchain := range []string{"local", "go1.23.12"} {
		t.Run(toolchain, func(t *testing.T) {
			prog := heaptest.WriteProgram(t, "module example.com/calls\n\ngo 1.21\n", "", callsProgram)
			exe := prog.Build(t, toolchain, "", nil)
			p := heaptest.RunForProfile(t, exe, nil)
			fig, err := heapprof.Select(p, "inuse")
			if err != nil {
				t.Fatal(err)
			}
			attr := func(cfg Config) *Result {
				an, err := Open(cfg, Profile{Name: "calls", Profile: p})
				if err != nil {
					t.Fatal(err)
				}
				defer an.Close()
				res, err := an.Attribute(p, fig)
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			bySource, byBinary := attr(Config{Source: prog.Dir}), attr(Config{Binary: exe})
			lines := strings.Split(callsProgram, "\n")
			for i, l := range lines {
				_, mark, ok := strings.Cut(l, "// MARK:")
				if !ok {
					continue
				}
				line := i + 1
				src, bin := kindsAt(bySource, line), kindsAt(byBinary, line)
				if bin[Grow] == 0 {
					t.Fatalf("line %d: the binary finds no growth: %v", line, bin)
				}
				for k, b := range src {
					if k != Unknown && k != NonMap && k != Grow {
						t.Errorf("line %d: source says %s for %d bytes", line, k, b)
					}
				}
				switch mark {
				case "calls":
					// All the growth is named; what the callees allocated
					// (strconv's strings) is theirs, unknown without their
					// source, never called map storage of this line.
					if src[Grow] != bin[Grow] {
						t.Errorf("line %d (%s): -source found %d bytes of growth, the binary %d", line, strings.TrimSpace(l), src[Grow], bin[Grow])
					}
				case "mixed":
					// Never more growth than there is, never growth called
					// something else: what the size cannot split stays unknown.
					if src[Grow] > bin[Grow] || src[NonMap] > bin[NonMap] {
						t.Errorf("line %d (%s): -source %v, binary %v", line, strings.TrimSpace(l), src, bin)
					}
				}
			}
		})
	}
}

func kindsAt(r *Result, line int) map[Kind]int64 {
	out := map[Kind]int64{}
	for _, s := range r.Sites {
		if s.Line == line && strings.HasSuffix(s.File, "main.go") {
			out[s.Kind] += s.Bytes
		}
	}
	return out
}
