// Command scengen builds and runs trend scenarios (testdata/trend) and
// leaves their snapshot series on disk, for running mapscope trend or
// pprof on them by hand:
//
//	go run ./internal/heap/heaptest/scengen -scenario cache -go go1.26.8 -out /tmp/x
//
// With one scenario, the binary and heap-0000.pb.gz, heap-0001.pb.gz, ...
// are written to -out itself; with several (a comma-separated list, or
// "all"), each goes to a directory of its own named after it. The
// toolchain is fetched through the module proxy when it is not the go
// command's own.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

func main() {
	scenarios := flag.String("scenario", "all", "comma-separated `scenarios` to run, or all: "+strings.Join(heaptest.ScenarioNames, ", "))
	toolchain := flag.String("go", "", "`toolchain` to build with, e.g. go1.23.12; empty for the go command's own")
	out := flag.String("out", "", "output `directory`")
	steps := flag.Int("steps", 0, "number of `steps` (snapshots); 0 for the scenario's default")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	names := heaptest.ScenarioNames
	if *scenarios != "all" {
		names = strings.Split(*scenarios, ",")
	}
	var args []string
	if *steps > 0 {
		args = append(args, "-steps", strconv.Itoa(*steps))
	}
	for _, name := range names {
		dir := *out
		if len(names) > 1 {
			dir = filepath.Join(*out, name)
		}
		s, err := heaptest.BuildScenario(context.Background(), strings.TrimSpace(name), *toolchain, dir, args...)
		if err != nil {
			fmt.Fprintln(os.Stderr, "scengen:", err)
			os.Exit(1)
		}
		fmt.Printf("%s: %d snapshots in %s (%s), binary %s, source %s\n", s, len(s.Heaps), s.Dir, s.RunTime.Round(1e6), s.Binary, s.Source)
	}
}
