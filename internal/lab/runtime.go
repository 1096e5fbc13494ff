package lab

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/pprof/profile"
)

// concurrentWritesFatal is what the runtime prints when it stops a program
// for concurrent map writes (runtime/map.go before Go 1.24,
// internal/runtime/maps since).
const concurrentWritesFatal = "fatal error: concurrent map writes"

var recoverCatchesConcurrentWrites = &Experiment{
	Name:     "recover-catches-concurrent-writes",
	Claim:    "recover() catches concurrent map writes",
	Predicts: "two goroutines writing one map, each with a deferred recover, recover and the program goes on",
	Method:   "two goroutines write one map[int]int in a loop, each with a deferred recover(); the child reports whether recover caught anything, or dies",
	Rule:     "holds when a goroutine recovered; a child that dies with \"" + concurrentWritesFatal + "\" is the result that the claim is false",
	needs:    []string{"recovered", "fatal"},
	measure:  measureConcurrentWrites,
	holds:    func(f Figures) bool { return f["recovered"] == 1 },
	summary: func(f Figures) string {
		switch {
		case f["fatal"] == 1:
			return "process died: " + concurrentWritesFatal + " (not recoverable)"
		}
		return "recover() caught the runtime's panic"
	},
}

// measureConcurrentWrites reads the child of recover-catches-concurrent-writes:
// a fatal error naming concurrent map writes is a result; any other death
// is a failure of the experiment.
func measureConcurrentWrites(r *childRun) (Figures, error) {
	if r.exitCode != 0 && !r.timedOut && bytes.Contains(r.stderr, []byte(concurrentWritesFatal)) {
		return Figures{"recovered": 0, "fatal": 1, "exit_code": float64(r.exitCode)}, nil
	}
	f, err := readFigures(r)
	if err != nil {
		return nil, err
	}
	// The runtime's check is a best effort: a run in which it never fired
	// says nothing about recover, so it is no verdict either way.
	if f["detected"] == 0 {
		return nil, errors.New("inconclusive: the runtime detected no concurrent write in 10 s")
	}
	return f, nil
}

var heapProfileShowsMapassign = &Experiment{
	Name:     "heap-profile-shows-mapassign",
	Claim:    "/debug/pprof/heap shows runtime.mapassign frames",
	Predicts: "samples of a heap profile taken after filling a map have runtime.mapassign* in their stacks",
	Method:   "with runtime.MemProfileRate = 1, fill a map[int]int with 1e5 entries and write the heap profile with pprof.WriteHeapProfile (what /debug/pprof/heap serves); the lab reads the profile. For contrast the child counts raw runtime.MemProfile records with a runtime.mapassign frame",
	Rule:     "holds when at least one sample of the profile has a runtime.mapassign* frame",
	needs:    []string{"raw_mapassign_records", "samples", "mapassign_samples", "fill_samples", "fill_bytes"},
	measure:  measureHeapProfile,
	holds:    func(f Figures) bool { return f["mapassign_samples"] > 0 },
	summary: func(f Figures) string {
		return fmt.Sprintf("%.0f of %.0f samples with mapassign; %s at the fill line itself; raw MemProfile: %.0f records with mapassign",
			f["mapassign_samples"], f["samples"], fmtBytes(f["fill_bytes"]), f["raw_mapassign_records"])
	},
}

// fillFunction is the child's function that fills the profiled map.
const fillFunction = "main.fillProfiled"

func measureHeapProfile(r *childRun) (Figures, error) {
	f, err := readFigures(r)
	if err != nil {
		return nil, err
	}
	name := filepath.Join(r.dir, "heap.pb.gz")
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("child wrote no heap profile: %v", err)
	}
	p, err := profile.ParseData(data)
	if err != nil {
		return nil, fmt.Errorf("child's heap profile: %v", err)
	}
	inuse := -1
	for i, st := range p.SampleType {
		if st.Type == "inuse_space" {
			inuse = i
		}
	}
	if inuse < 0 {
		return nil, fmt.Errorf("child's heap profile has no inuse_space")
	}
	var mapassign, fill, fillBytes float64
	for _, s := range p.Sample {
		if sampleHas(s, func(fn string) bool { return strings.HasPrefix(fn, "runtime.mapassign") }) {
			mapassign++
		}
		if leaf := leafFunction(s); leaf == fillFunction {
			fill++
			fillBytes += float64(s.Value[inuse])
		}
	}
	f["samples"] = float64(len(p.Sample))
	f["mapassign_samples"] = mapassign
	f["fill_samples"] = fill
	f["fill_bytes"] = fillBytes
	return f, nil
}

func sampleHas(s *profile.Sample, match func(string) bool) bool {
	for _, loc := range s.Location {
		for _, ln := range loc.Line {
			if ln.Function != nil && match(ln.Function.Name) {
				return true
			}
		}
	}
	return false
}

// leafFunction is the innermost function of a sample's stack.
func leafFunction(s *profile.Sample) string {
	if len(s.Location) == 0 || len(s.Location[0].Line) == 0 || s.Location[0].Line[0].Function == nil {
		return ""
	}
	return s.Location[0].Line[0].Function.Name
}

var churnSteadyBytes = &Experiment{
	Name:     "churn-steady-bytes",
	Claim:    "a map held at a steady length under insert/delete churn stays flat in bytes",
	Predicts: "a 40,000-entry cache that inserts a random key and evicts one per step holds the bytes it held when first filled",
	Method:   "fill map[int]int with 40,000 random keys, then 2e6 steps of: insert a random new key, delete the first key a range yields; heap held by the map after GC, fresh and at the end",
	Rule:     "holds when after_bytes <= 1.25 x fresh_bytes",
	needs:    []string{"fresh_bytes", "after_bytes", "steps"},
	// A map's bytes move in whole tables, so "flat" allows the noise of a
	// few splits, not the 1.5-3x creep measured in map-runtime-facts.md
	// (tombstones and the overflow buckets of Go <= 1.23 alike).
	holds: func(f Figures) bool { return f["after_bytes"] <= 1.25*f["fresh_bytes"] },
	summary: func(f Figures) string {
		return fmt.Sprintf("%s fresh, %s after %gM insert+delete steps (%.2fx)",
			fmtBytes(f["fresh_bytes"]), fmtBytes(f["after_bytes"]), f["steps"]/1e6, ratio(f["after_bytes"], f["fresh_bytes"]))
	},
}

var hashMethodCollides = &Experiment{
	Name:     "hash-method-collides",
	Claim:    "a key type's Hash() method decides its bucket",
	Predicts: "Hash() is called, and a constant Hash() makes lookups orders of magnitude slower",
	Method:   "maps of 1e5 struct keys with and without a Hash() uint64 method returning 0 (which counts its calls); best-of-5 time to look up every key",
	Rule:     "holds when Hash was called at all, or lookups with the method are >= 100x slower",
	needs:    []string{"hash_calls", "method_ns_per_op", "plain_ns_per_op"},
	// If the method chose the bucket, 1e5 keys in one bucket would make
	// each lookup a scan of 1e5 keys: 1000x slower or more. Timing noise
	// on a shared machine stays within 100x: 12x was measured at load
	// average 20 on two cores (307 ns against 25), which a 10x rule read
	// as the claim holding.
	holds: func(f Figures) bool {
		return f["hash_calls"] > 0 || f["method_ns_per_op"] >= 100*f["plain_ns_per_op"]
	},
	summary: func(f Figures) string {
		return fmt.Sprintf("Hash called %.0f times; lookup %.0f ns with the method, %.0f ns without",
			f["hash_calls"], f["method_ns_per_op"], f["plain_ns_per_op"])
	},
}
