package lintcmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/rogpeppe/go-internal/testscript"
)

// runLint does for "mapscope lint ARGS" what cmd/mapscope's main does for
// every subcommand: parse flags, run, print the error, pick the exit code.
// (cmd/mapscope is the lead's; its own script tests cover the wiring.)
func runLint(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "lint" {
		fmt.Fprintln(stderr, "mapscope: this test binary only runs lint")
		return base.ExitUsage
	}
	Cmd.Stdout, Cmd.Stderr = stdout, stderr
	if err := Cmd.Flags.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			Cmd.Usage(stdout)
			return base.ExitOK
		}
		fmt.Fprintf(stderr, "mapscope lint: %v\nusage: mapscope %s\n", err, Cmd.UsageLine)
		return base.ExitUsage
	}
	err := Cmd.Run(context.Background(), Cmd, Cmd.Flags.Args())
	if err != nil {
		if msg := base.Message(err); msg != "mapscope: " {
			fmt.Fprintln(stderr, msg)
		}
	}
	return base.ExitCode(err)
}

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mapscope": func() { os.Exit(runLint(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the behaviours in testdata/script, one .txtar each.
func TestScript(t *testing.T) {
	if testing.Short() {
		t.Skip("loads packages with the go command")
	}
	goEnv := goEnv(t, "GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT")
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			env.Setenv("GOFLAGS", "-mod=mod")
			env.Setenv("GOPROXY", "off")
			env.Setenv("GOTOOLCHAIN", "local")
			env.Setenv("GOWORK", "off")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": exitcode,
		},
	})
}

// exitcode N mapscope ARGS... runs the lint command in this process and
// fails unless it exits with status N. Output goes to the script's stdout
// and stderr, for the usual stdout/stderr/cmp checks.
func exitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || args[1] != "mapscope" {
		ts.Fatalf("usage: exitcode N mapscope ARGS...")
	}
	bin := lookPath(ts, "mapscope")
	cmd := exec.Command(bin, args[2:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = scriptEnv(ts)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	got := 0
	if ee, ok := err.(*exec.ExitError); ok {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("running mapscope: %v", err)
	}
	fmt.Fprint(ts.Stdout(), stdout.String())
	fmt.Fprint(ts.Stderr(), stderr.String())
	if fmt.Sprint(got) != args[0] {
		ts.Fatalf("mapscope %s: exit status %d, want %s\nstderr:\n%s", strings.Join(args[2:], " "), got, args[0], stderr.String())
	}
}

func scriptEnv(ts *testscript.TestScript) []string {
	var env []string
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT", "GOFLAGS", "GOPROXY", "GOTOOLCHAIN", "GOWORK", "HOME", "TMPDIR", "PATH"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	return env
}

// lookPath finds name in the script's PATH, where testscript.Main put the
// test binary under the command's name.
func lookPath(ts *testscript.TestScript, name string) string {
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		p := filepath.Join(dir, name)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p
		}
	}
	ts.Fatalf("%s not found in $PATH", name)
	return ""
}

func goEnv(t *testing.T, names ...string) map[string]string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	env := make(map[string]string)
	for i, name := range names {
		if i < len(lines) {
			env[name] = lines[i]
		}
	}
	if env["GOROOT"] != "" {
		env["PATH"] = filepath.Join(env["GOROOT"], "bin") + string(os.PathListSeparator) + os.Getenv("PATH")
	}
	return env
}
