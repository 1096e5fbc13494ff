// Command maploads runs map workloads whose costs mapscope's CPU and trace
// analyses must find, writing a CPU profile and an execution trace of
// them: maploads CPU TRACE ROUNDS. Each line the analyses must find
// carries a "// site:" comment that tests look for.
package main

import (
	"os"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
)

var sink int

const n = 1 << 20

// unhinted fills a map made without a size hint: it doubles (buckets)
// or splits its tables (Swiss tables) about twenty times on the way.
func unhinted() map[int]int {
	m := make(map[int]int)
	for i := 0; i < n; i++ {
		m[i] = i // site: unhinted
	}
	return m
}

// presized fills a map made with the size it ends at: no growth.
func presized() map[int]int {
	m := make(map[int]int, n) // site: make
	for i := 0; i < n; i++ {
		m[i] = i // site: presized
	}
	return m
}

func lookups(m map[int]int) {
	for r := 0; r < 2; r++ {
		for i := 0; i < n; i++ {
			sink += m[i*7] // site: lookup
		}
	}
}

// clears reuses a map that once held many entries: every clear walks
// all the tables it grew to, whatever it holds now.
func clears(rounds int) {
	m := make(map[int]int)
	for i := 0; i < 1<<14; i++ {
		m[i] = i // site: clear-fill
	}
	for r := 0; r < rounds; r++ {
		for i := 0; i < 16; i++ {
			m[i] = r // site: clear-refill
		}
		clear(m) // site: clear
	}
}

func main() {
	cpu, err := os.Create(os.Args[1])
	check(err)
	tr, err := os.Create(os.Args[2])
	check(err)
	rounds, err := strconv.Atoi(os.Args[3])
	check(err)
	check(pprof.StartCPUProfile(cpu))
	check(trace.Start(tr))
	for r := 0; r < rounds; r++ {
		a := unhinted()
		b := presized()
		lookups(a)
		sink += len(a) + len(b)
	}
	clears(20000)
	trace.Stop()
	pprof.StopCPUProfile()
	check(cpu.Close())
	check(tr.Close())
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
