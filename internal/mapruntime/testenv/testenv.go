// Package testenv is how mapscope's tests meet the world outside the
// process: the go command, older Go toolchains from the module proxy, and
// programs such as prometheus or chromium.
//
// Every module's tests follow one rule, written here once: a test whose
// outside requirement is missing skips on a developer's machine, but
// fails when MAPSCOPE_CI=1 (set by .ci/run after it installed them), so
// that CI never passes by skipping. The package lives in the dependency-
// free module every other mapscope module already requires; only tests
// import it.
package testenv

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// TB is the part of testing.TB the package uses.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
}

// InCI reports whether the tests run under .ci/run (MAPSCOPE_CI=1), where
// every outside requirement has been installed.
func InCI() bool { return os.Getenv("MAPSCOPE_CI") == "1" }

// Missing ends the test because something outside it is missing: a skip,
// or under MAPSCOPE_CI=1 a failure.
func Missing(t TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("MAPSCOPE_CI=1 and %s", msg)
		return
	}
	t.Skipf("%s", msg)
}

// NeedTool returns the path of the program name on PATH, or ends the test
// as Missing. hint says how to get it ("install Debian's prometheus").
func NeedTool(t TB, name, hint string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s is not on PATH (%s)", name, hint)
	}
	return p
}

// GoCommand returns the go command: the one on PATH, else the one of the
// toolchain that built the test, else ends the test as Missing.
func GoCommand(t TB) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		Missing(t, "the go command is not on PATH nor in GOROOT")
	}
	return p
}

var toolchains sync.Map // toolchain name -> error (nil when usable)

// NeedToolchain makes sure GOTOOLCHAIN=name works, fetching the toolchain
// through the module proxy once per test binary, or ends the test as
// Missing. "" and "local" mean the go command's own toolchain.
func NeedToolchain(t TB, name string) {
	t.Helper()
	if name == "" || name == "local" {
		return
	}
	v, ok := toolchains.Load(name)
	if !ok {
		cmd := exec.Command(GoCommand(t), "env", "GOVERSION")
		cmd.Env = GoEnv(name)
		cmd.Dir = os.TempDir() // outside any module, whose go.mod could pick the toolchain
		// Only stdout holds the version: the first use of a toolchain
		// also says "go: downloading go1.27.4 (linux/amd64)" on stderr.
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		got := strings.TrimSpace(string(out))
		switch {
		case err != nil:
			err = fmt.Errorf("%v: %s", err, bytes.TrimSpace(stderr.Bytes()))
		case got != name && !strings.HasPrefix(got, name+" "):
			err = fmt.Errorf("go env GOVERSION says %q", got)
		}
		v, _ = toolchains.LoadOrStore(name, err)
	}
	if err, _ := v.(error); err != nil {
		Missing(t, "toolchain %s cannot be fetched through the module proxy: %v", name, err)
	}
}

// GoEnv is the environment for a go command that builds a test program
// with toolchain ("" or "local" for the go command's own): the process's
// environment without the settings that would change what gets built (a
// workspace, GOFLAGS such as -race, a cross-compilation target, cgo, an
// experiment), plus extra.
func GoEnv(toolchain string, extra ...string) []string {
	if toolchain == "" {
		toolchain = "local"
	}
	var env []string
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		switch key {
		case "GOFLAGS", "GOTOOLCHAIN", "GOWORK", "GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT", "GOROOT":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "GOFLAGS=-buildvcs=false", "GOWORK=off", "CGO_ENABLED=0", "GOTOOLCHAIN="+toolchain)
	return append(env, extra...)
}
