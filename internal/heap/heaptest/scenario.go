package heaptest

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/mapscope/mapscope/internal/mapruntime/testenv"
)

// ScenarioNames lists the scenarios of testdata/trend, one directory each.
var ScenarioNames = []string{"cache", "goroutines", "jsoncache", "perrequest", "spike", "tenants"}

// scenarioTimeout bounds one run of a scenario. A run takes a few seconds
// on an idle machine, but was measured at 45 s on two cores shared with
// other builds and tests.
const scenarioTimeout = 5 * time.Minute

// A Scenario is one run of a trend scenario: the program and the series
// of snapshots it wrote.
type Scenario struct {
	Name      string
	GoVersion string // the toolchain that built it, e.g. go1.26.8
	// Dir holds the snapshots, heap-0000.pb.gz, heap-0001.pb.gz, ... and
	// for goroutines also goroutine-0000.pb.gz, ...
	Dir        string
	Heaps      []string // the heap snapshots in Dir, in order
	Goroutines []string // the goroutine profiles in Dir, in order; nil for most scenarios
	Binary     string   // the executable that wrote them
	Source     string   // the root of the program's module (testdata/trend)
	Wants      []TrendWant
	RunTime    time.Duration // how long the run took
}

// BuildScenario builds scenario name with toolchain ("" for the go
// command's own, else fetched through GOTOOLCHAIN) into outDir and runs
// it there, with args added to its command line (-steps 10, say). A
// toolchain that cannot be run is reported as a *ToolchainError.
func BuildScenario(ctx context.Context, name, toolchain, outDir string, args ...string) (Scenario, error) {
	src := TrendDir()
	if _, err := os.Stat(filepath.Join(src, name, "main.go")); err != nil {
		return Scenario{}, fmt.Errorf("no scenario %q in %s", name, src)
	}
	wants, err := trendWants()
	if err != nil {
		return Scenario{}, err
	}
	env := testenv.GoEnv(toolchain)
	goVersion, err := toolchainVersion(ctx, env, nil)
	if err != nil {
		return Scenario{}, &ToolchainError{Toolchain: displayToolchain(toolchain), Err: err}
	}
	outDir, err = filepath.Abs(outDir)
	if err != nil {
		return Scenario{}, err
	}
	if err := os.MkdirAll(outDir, 0o777); err != nil {
		return Scenario{}, err
	}

	binary := filepath.Join(outDir, name)
	bctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(bctx, goCommand(), "build", "-o", binary, "./"+name)
	cmd.Dir, cmd.Env = src, env
	if out, err := cmd.CombinedOutput(); err != nil {
		return Scenario{}, fmt.Errorf("building scenario %s with %s: %v\n%s", name, goVersion, err, out)
	}
	if info, err := buildinfo.ReadFile(binary); err != nil {
		return Scenario{}, fmt.Errorf("reading build info of %s: %w", binary, err)
	} else if info.GoVersion != goVersion {
		return Scenario{}, fmt.Errorf("scenario %s was built by %s, not %s", name, info.GoVersion, goVersion)
	}

	rctx, cancel := context.WithTimeout(ctx, scenarioTimeout)
	defer cancel()
	run := exec.CommandContext(rctx, binary, append([]string{"-out", outDir}, args...)...)
	run.Dir = outDir
	start := time.Now()
	if out, err := run.CombinedOutput(); err != nil {
		return Scenario{}, fmt.Errorf("running scenario %s: %v\n%s", name, err, out)
	}
	s := Scenario{
		Name:      name,
		GoVersion: goVersion,
		Dir:       outDir,
		Binary:    binary,
		Source:    src,
		Wants:     ScenarioWants(wants, name),
		RunTime:   time.Since(start),
	}
	if err := s.list(); err != nil {
		return Scenario{}, err
	}
	if err := restamp(s.Heaps, s.Goroutines); err != nil {
		return Scenario{}, err
	}
	return s, nil
}

// SnapshotInterval is the time between a scenario's snapshots, as the
// series carries it.
//
// A scenario does the same work in every step, as a service under steady
// load does in every interval between two snapshots of mapscope watch. Run
// on a busy machine, though, some steps take several times as long as
// others (a Go 1.23 map's doubling with the machine's two cores shared by
// four other processes took 470 ms, its neighbours 80), and a step's
// length grows with the heap the collection before each snapshot scans:
// a series stamped with the times the steps happened to end at bends the
// time axis under the rise, and a leak at a steady pace per step can read
// as growing mostly at one time, or as flat at the end. A service's
// snapshots come at a steady interval whatever the machine is doing, so
// restamp gives the snapshots the times such a service's would have.
const SnapshotInterval = time.Second

// restamp sets the time of snapshot i of each series (heap profiles, and
// goroutine profiles taken at the same steps) to the first one's time
// plus i intervals.
func restamp(series ...[]string) error {
	var start int64
	for _, files := range series {
		for i, name := range files {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			p, err := profile.Parse(f)
			f.Close()
			if err != nil {
				return fmt.Errorf("restamping %s: %v", name, err)
			}
			if start == 0 {
				start = p.TimeNanos
			}
			p.TimeNanos = start + int64(i)*int64(SnapshotInterval)
			var buf bytes.Buffer
			if err := p.Write(&buf); err != nil {
				return fmt.Errorf("restamping %s: %v", name, err)
			}
			if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// list fills in Heaps and Goroutines from Dir.
func (s *Scenario) list() error {
	var err error
	if s.Heaps, err = filepath.Glob(filepath.Join(s.Dir, "heap-*.pb.gz")); err != nil {
		return err
	}
	if len(s.Heaps) == 0 {
		return fmt.Errorf("scenario %s wrote no heap snapshots in %s", s.Name, s.Dir)
	}
	if s.Goroutines, err = filepath.Glob(filepath.Join(s.Dir, "goroutine-*.pb.gz")); err != nil {
		return err
	}
	sort.Strings(s.Heaps) // Glob sorts already; the order is the contract
	sort.Strings(s.Goroutines)
	return nil
}

var (
	wantsOnce   sync.Once
	wantsCached []TrendWant
	wantsErr    error
)

func trendWants() ([]TrendWant, error) {
	wantsOnce.Do(func() { wantsCached, wantsErr = TrendWants(TrendDir()) })
	return wantsCached, wantsErr
}

// scenarioRuns caches one run per scenario and toolchain for the life of
// the test binary, in memory (a binary of a few MB and the snapshots), so
// that nothing outlives the tests' own temporary directories. A run takes
// seconds; tests that look at the same series in several ways (with
// -binary, with -source) share it.
var scenarioRuns sync.Map // name@toolchain -> *scenarioRun

type scenarioRun struct {
	once  sync.Once
	s     Scenario
	files map[string][]byte // the binary and the snapshots, by base name
	err   error
}

// RunScenario builds scenario name with toolchain ("" for the go command's
// own; others such as go1.23.12 are fetched through the module proxy, or
// the test is testenv.Missing) and runs it into t.TempDir(). The first
// call for a scenario and toolchain builds and runs it; later calls in the
// same test binary get a copy of the same series in their own directory.
func RunScenario(t testing.TB, name, toolchain string) Scenario {
	t.Helper()
	testenv.NeedToolchain(t, toolchain)
	v, _ := scenarioRuns.LoadOrStore(name+"@"+toolchain, new(scenarioRun))
	r := v.(*scenarioRun)
	r.once.Do(func() { r.do(t.TempDir(), name, toolchain) })
	var te *ToolchainError
	if errors.As(r.err, &te) {
		testenv.Missing(t, "scenario %s: %v", name, r.err)
	}
	if r.err != nil {
		t.Fatalf("scenario %s: %v", name, r.err)
	}
	s := r.s
	s.Dir = t.TempDir()
	for base, data := range r.files {
		mode := os.FileMode(0o644)
		if base == name {
			mode = 0o755
		}
		if err := os.WriteFile(filepath.Join(s.Dir, base), data, mode); err != nil {
			t.Fatal(err)
		}
	}
	s.Binary = filepath.Join(s.Dir, name)
	if err := s.list(); err != nil {
		t.Fatal(err)
	}
	s.Wants = append([]TrendWant(nil), r.s.Wants...)
	return s
}

func (r *scenarioRun) do(dir, name, toolchain string) {
	r.s, r.err = BuildScenario(context.Background(), name, toolchain, dir)
	if r.err != nil {
		return
	}
	r.files = map[string][]byte{}
	for _, f := range append(append([]string{r.s.Binary}, r.s.Heaps...), r.s.Goroutines...) {
		data, err := os.ReadFile(f)
		if err != nil {
			r.err = err
			return
		}
		r.files[filepath.Base(f)] = data
	}
}

// String names the run for messages: cache (go1.26.8).
func (s Scenario) String() string {
	return fmt.Sprintf("%s (%s)", s.Name, s.GoVersion)
}
