// Package snap is the harness every trend scenario runs in: the scenario
// does its work in steps, and after each step snap writes a heap profile,
// so that one run leaves a series of snapshots like the ones mapscope
// watch collects from a live service.
//
// Each snapshot is what /debug/pprof/heap?gc=1 serves, the form watch
// fetches by default: runtime.GC() first, so that the in-use figures are
// those of this moment and not of whichever automatic collection ran
// last, then runtime/pprof.WriteHeapProfile. runtime.MemProfileRate is
// left at its default (one sample per 512 KiB allocated on average), as
// in a service nobody tuned for profiling, so a site's figures carry real
// sampling noise.
//
// Files are named heap-0000.pb.gz, heap-0001.pb.gz, ... in the -out
// directory, and, for scenarios that ask for them, goroutine-0000.pb.gz,
// ... (the goroutine profile in proto form). A short real pause follows
// each snapshot, so the profiles' times are distinct and increasing.
package snap

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// A Series writes the snapshots of one run.
type Series struct {
	out        string
	steps      int
	pause      time.Duration
	goroutines bool
	start      time.Time
}

// Start parses the command line (-out, -steps, -pause) and makes the
// output directory. Call it before the scenario allocates anything.
func Start() *Series {
	out := flag.String("out", ".", "`directory` to write the snapshots to")
	steps := flag.Int("steps", 40, "number of `steps`; one snapshot is written after each")
	pause := flag.Duration("pause", 25*time.Millisecond, "real `time` to sleep after each snapshot")
	flag.Parse()
	if *steps < 1 || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o777); err != nil {
		fail(err)
	}
	return &Series{out: *out, steps: *steps, pause: *pause, start: time.Now()}
}

// Steps returns the number of steps the run will have.
func (s *Series) Steps() int { return s.steps }

// WithGoroutines makes every snapshot include a goroutine profile.
func (s *Series) WithGoroutines() *Series {
	s.goroutines = true
	return s
}

// Run calls step(0), ..., step(Steps()-1) and writes the snapshots after
// each; then it reports the run on standard error.
func (s *Series) Run(step func(i int)) {
	for i := 0; i < s.steps; i++ {
		step(i)
		s.snapshot(i)
		time.Sleep(s.pause)
	}
	fmt.Fprintf(os.Stderr, "%s: %d snapshots in %s, %s\n", filepath.Base(os.Args[0]), s.steps,
		time.Since(s.start).Round(time.Millisecond), s.out)
}

func (s *Series) snapshot(i int) {
	runtime.GC()
	write(filepath.Join(s.out, fmt.Sprintf("heap-%04d.pb.gz", i)), pprof.WriteHeapProfile)
	if s.goroutines {
		write(filepath.Join(s.out, fmt.Sprintf("goroutine-%04d.pb.gz", i)), func(w io.Writer) error {
			return pprof.Lookup("goroutine").WriteTo(w, 0)
		})
	}
}

func write(name string, profile func(io.Writer) error) {
	f, err := os.Create(name)
	if err != nil {
		fail(err)
	}
	if err := profile(f); err != nil {
		fail(fmt.Errorf("writing %s: %v", name, err))
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
