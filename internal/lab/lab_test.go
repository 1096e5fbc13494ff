package lab

import (
	"context"
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mapscope/mapscope/internal/mapruntime/testenv"
)

// requireToolchain stops a test whose toolchain cannot be had: a go
// command missing from PATH, or a toolchain the go command cannot fetch.
// It is testenv.Missing: a skip, except in CI, where it fails. Any other
// error is left to the caller.
func requireToolchain(t *testing.T, err error) {
	t.Helper()
	var te *ToolchainError
	if errors.As(err, &te) || errors.Is(err, ErrNoGo) {
		testenv.Missing(t, "%v", err)
	}
}

// testToolchain is the toolchain of the Go running the tests, so that the
// expectations below, chosen by runtime.Version(), are about the runtime
// the children are built with. A development toolchain is the go command's
// own.
func testToolchain() string {
	name, err := ParseToolchain(runtime.Version())
	if err != nil {
		return ""
	}
	return name
}

// goMinor returns the minor version of a go1.N[.P] version, or 0.
func goMinor(version string) int {
	m := toolchainName.FindStringSubmatch(version)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

var (
	buildOnce sync.Once
	built     *toolchain
	buildErr  error
	buildDir  string
)

// localChild builds the child once for the whole test binary with the
// toolchain of the Go running the tests.
func localChild(t *testing.T) *toolchain {
	t.Helper()
	buildOnce.Do(func() {
		gocmd, err := goCommand()
		if err != nil {
			buildErr = err
			return
		}
		if buildDir, err = os.MkdirTemp("", "mapscope-lab-test-"); err != nil {
			buildErr = err
			return
		}
		built, buildErr = prepare(context.Background(), gocmd, testToolchain(), buildDir)
	})
	requireToolchain(t, buildErr)
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// expected is the verdict each experiment must reach on Go 1.minor, with
// the fact it rests on. A failure here means the runtime changed: update
// the expectation and the advice that relies on it (docs/facts.md).
var expected = map[string]func(minor int) bool{
	// No Go version shrinks a map: deletes empty slots but keep the
	// tables (buckets before 1.24, Swiss tables since).
	"delete-all-frees": func(int) bool { return false },
	// clear zeroes the tables in place (runtime mapclear / Map.Clear).
	"clear-frees": func(int) bool { return false },
	// An unreachable map is garbage like any other object.
	"remake-frees": func(int) bool { return true },
	// Go 1.21-1.24 clone by inserting into a map sized for len(src)
	// (mapclone2 / a fresh Swiss map); Go 1.25 and later copy the
	// source's tables as they are, so the clone is as bloated as the
	// source (measured on 1.23.12, 1.24.13, 1.25.14, 1.26.8, 1.27.4).
	"clone-compacts": func(minor int) bool { return minor < 25 },
	// A hinted map is allocated at its final size; bucket maps still add
	// overflow buckets while filling (about 5% of the unhinted bytes).
	"hint-avoids-growth": func(int) bool { return true },
	// Concurrent map writes are a fatal error, not a panic.
	"recover-catches-concurrent-writes": func(int) bool { return false },
	// runtime/pprof drops leading runtime frames (and internal/runtime
	// frames since 1.24) from heap profiles.
	"heap-profile-shows-mapassign": func(int) bool { return false },
	// Tombstones (1.24+) and overflow buckets (<= 1.23) make a churned map
	// grow: 1.5x on 1.23, 3.3x on 1.24, about 1.8x on 1.25+.
	"churn-steady-bytes": func(int) bool { return false },
	// The runtime hashes keys with its own hash function; methods are
	// never consulted.
	"hash-method-collides": func(int) bool { return false },
	// A non-escaping map with a small hint lives on the stack: the hmap
	// and first bucket before 1.24, the map and its one group since.
	"small-map-in-handler": func(int) bool { return false },
	// clear keeps the tables, so the pooled value keeps its peak.
	"pool-clear-keeps-peak": func(int) bool { return true },
	// There is no shared pool of buckets in any version.
	"reflect-zero-hint-pollutes": func(int) bool { return false },
	// sync.Map boxes keys and values and adds an entry per key: about 3x
	// a map[int]int before 1.24 (read map + entries), 5x since (hash-trie).
	"syncmap-bytes-per-entry": func(int) bool { return false },
	// Since Go 1.16 the runtime returns freed pages with MADV_DONTNEED on
	// Linux, which lowers RSS at once.
	"freeosmemory-after-rebuild": func(int) bool { return true },
}

func TestEveryExperimentHasAnExpectation(t *testing.T) {
	for _, e := range Experiments() {
		if expected[e.Name] == nil {
			t.Errorf("%s: no expected verdict", e.Name)
		}
		if e.Claim == "" || e.Predicts == "" || e.Method == "" || e.Rule == "" || e.holds == nil || e.summary == nil {
			t.Errorf("%s: incomplete definition", e.Name)
		}
	}
	if len(expected) != len(Experiments()) {
		t.Errorf("%d expectations for %d experiments", len(expected), len(Experiments()))
	}
}

// TestExperiments runs every experiment on the Go running the tests and
// checks its verdict against the expectation for that version.
//
// It runs in parallel with TestOlderToolchain: every child is a process of
// its own, whose heap and RSS figures the other's children cannot touch.
func TestExperiments(t *testing.T) {
	t.Parallel()
	tc := localChild(t)
	minor := goMinor(tc.version)
	if minor == 0 {
		t.Skipf("no expectations for %s", tc.version)
	}
	for _, e := range Experiments() {
		t.Run(e.Name, func(t *testing.T) {
			if e.Name == "freeosmemory-after-rebuild" && runtime.GOOS != "linux" {
				t.Skip("reads RSS from /proc")
			}
			res := runOne(context.Background(), tc, e, buildDir)
			if res.Err != nil {
				t.Fatalf("%v\n%s", res.Err, res.Output)
			}
			t.Logf("%s: %s (%v)", tc.version, res.Measured, res.Duration.Round(time.Millisecond))
			if want := expected[e.Name](minor); res.Holds != want {
				t.Errorf("%s on %s: holds = %v, want %v; figures %v", e.Name, tc.version, res.Holds, want, res.Figures)
			}
		})
	}
}

// TestOlderToolchain runs the lab on Go 1.23, the last Go with bucket maps,
// through GOTOOLCHAIN, and checks the verdicts expected there.
func TestOlderToolchain(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every experiment with another toolchain")
	}
	t.Parallel()
	const old = "go1.23.12"
	rep, err := Run(context.Background(), Options{Toolchains: []string{old}})
	requireToolchain(t, err)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Go) != 1 || rep.Go[0] != old {
		t.Fatalf("report is for %v, want [%s]", rep.Go, old)
	}
	for _, row := range rep.Rows {
		res := row.Results[0]
		if res.Err != nil {
			t.Errorf("%s: %v\n%s", row.Experiment.Name, res.Err, res.Output)
			continue
		}
		t.Logf("%s: %s", row.Experiment.Name, res.Measured)
		if want := expected[row.Experiment.Name](23); res.Holds != want {
			t.Errorf("%s on %s: holds = %v, want %v; figures %v", row.Experiment.Name, old, res.Holds, want, res.Figures)
		}
	}
}

// A child that dies or hangs is a failed row; the rows after it still run.
func TestChildFailures(t *testing.T) {
	tc := localChild(t)
	panics := &Experiment{Name: "selftest-panic", child: "selftest-panic", needs: []string{"x"},
		holds: func(Figures) bool { return true }, summary: func(Figures) string { return "" }}
	res := runOne(context.Background(), tc, panics, buildDir)
	if res.Err == nil || !strings.Contains(res.Err.Error(), "died unexpectedly") {
		t.Errorf("panicking child: err = %v", res.Err)
	}
	if !strings.Contains(res.Output, "selftest-panic: dying on purpose") || !strings.Contains(res.Output, "goroutine") {
		t.Errorf("panicking child: output lacks the panic:\n%s", res.Output)
	}
	if res.Holds {
		t.Error("a failed experiment holds")
	}

	hangs := &Experiment{Name: "selftest-hang", child: "selftest-hang", timeout: 500 * time.Millisecond,
		holds: func(Figures) bool { return true }, summary: func(Figures) string { return "" }}
	res = runOne(context.Background(), tc, hangs, buildDir)
	if res.Err == nil || !strings.Contains(res.Err.Error(), "did not finish in 500ms") {
		t.Errorf("hanging child: err = %v", res.Err)
	}

	// A figure the verdict needs but the child did not print.
	missing := &Experiment{Name: "hint-avoids-growth", needs: []string{"no_such_figure"},
		holds: func(Figures) bool { return true }, summary: func(Figures) string { return "" }}
	res = runOne(context.Background(), tc, missing, buildDir)
	if res.Err == nil || !strings.Contains(res.Err.Error(), "did not report no_such_figure") {
		t.Errorf("missing figure: err = %v", res.Err)
	}
}

// Run goes on after a failed child and reports it.
func TestRunReportsFailures(t *testing.T) {
	_, err := goCommand()
	requireToolchain(t, err)
	panics := &Experiment{Name: "selftest-panic", child: "selftest-panic",
		holds: func(Figures) bool { return true }, summary: func(Figures) string { return "" }}
	rep, err := Run(context.Background(), Options{
		Toolchains:  []string{testToolchain()},
		Experiments: []*Experiment{panics, Lookup("hint-avoids-growth")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rep.Rows))
	}
	if failed := rep.Failed(); len(failed) != 1 || rep.Rows[0].Results[0].Err == nil {
		t.Errorf("failed = %v, want the panicking child only", failed)
	}
	if res := rep.Rows[1].Results[0]; res.Err != nil || !res.Holds {
		t.Errorf("the experiment after the failed one: %+v", res)
	}
}

func TestUnavailableToolchain(t *testing.T) {
	_, err := goCommand()
	requireToolchain(t, err)
	// A version that will never exist, with the proxy off so that the
	// test needs no network: the go command cannot fetch it.
	t.Setenv("GOPROXY", "off")
	_, err = Run(context.Background(), Options{Toolchains: []string{"go1.999.1"}})
	var te *ToolchainError
	if !errors.As(err, &te) || te.Toolchain != "go1.999.1" {
		t.Fatalf("err = %v, want a ToolchainError for go1.999.1", err)
	}
	if strings.Contains(te.Error(), "\n") {
		t.Errorf("toolchain error is not one line: %q", te.Error())
	}
}

func TestParseToolchain(t *testing.T) {
	for in, want := range map[string]string{
		"go1.23.12":   "go1.23.12",
		"1.23.12":     "go1.23.12",
		" go1.26.8 ":  "go1.26.8",
		"go1.24":      "go1.24",
		"go1.25rc1":   "go1.25rc1",
		"local":       "",
		"go1.21.0":    "go1.21.0",
		"go1.27beta1": "go1.27beta1",
	} {
		got, err := ParseToolchain(in)
		if err != nil || got != want {
			t.Errorf("ParseToolchain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "go", "go1.20.14", "go1.9", "gotip", "go1.23.x", "go2.0", "1.23.12;rm", "-x"} {
		if got, err := ParseToolchain(in); err == nil {
			t.Errorf("ParseToolchain(%q) = %q, want an error", in, got)
		}
	}
}
