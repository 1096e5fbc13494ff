package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mapscope": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the behaviours in testdata/script, one .txtar each.
// $CORPUS and $CORPUSSRC point at the checked-in corpus of real profiles
// (internal/heap/heaptest), $EXAMPLE at examples/sessions.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("CORPUS", heaptest.OutDir())
			env.Setenv("CORPUSSRC", heaptest.SrcDir())
			root, err := filepath.Abs("../..") // tests run in cmd/mapscope
			if err != nil {
				return err
			}
			env.Setenv("ROOT", root)
			env.Setenv("EXAMPLE", filepath.Join(root, "examples", "sessions"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"truncate":   truncate,
			"cpuprofile": cpuprofile,
		},
	})
}

// truncate SRC N DST writes the first N bytes of SRC to DST.
func truncate(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: truncate SRC N DST")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), data[:min(n, len(data))], 0o644))
}

// cpuprofile DST writes a real CPU profile of a short busy loop.
func cpuprofile(ts *testscript.TestScript, neg bool, args []string) {
	var buf bytes.Buffer
	ts.Check(pprof.StartCPUProfile(&buf))
	for end := time.Now().Add(20 * time.Millisecond); time.Now().Before(end); {
	}
	pprof.StopCPUProfile()
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), buf.Bytes(), 0o644))
}
