package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mapscope/mapscope/internal/corpus"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mapscope": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the behaviours in testdata/script, one .txtar each.
// $CORPUS and $CORPUSSRC point at the checked-in corpus of real profiles
// (internal/corpus), $EXAMPLE at examples/sessions.
func TestScript(t *testing.T) {
	goEnv := goCacheEnv()
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			for _, kv := range goEnv {
				k, v, _ := strings.Cut(kv, "=")
				env.Setenv(k, v)
			}
			env.Setenv("CORPUS", corpus.OutDir())
			env.Setenv("CORPUSSRC", corpus.SrcDir())
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

// goCacheEnv returns GOCACHE, GOMODCACHE and GOPATH as the go command sees
// them, as KEY=VALUE, so that scripts whose commands run the go command
// ("mapscope lab" builds its child) use the caches of the machine although
// testscript sets HOME to /no-home. Without a go command it returns nothing.
func goCacheEnv() []string {
	names := []string{"GOCACHE", "GOMODCACHE", "GOPATH"}
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	if err != nil {
		return nil
	}
	var env []string
	for i, v := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if i < len(names) && v != "" {
			env = append(env, names[i]+"="+v)
		}
	}
	return env
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
