package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"debug/macho"
	"debug/pe"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mapscope/mapscope/internal/heap/heaptest"
	"github.com/mapscope/mapscope/internal/mapruntime/testenv"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mapscope": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the behaviours of every subcommand in testdata/script,
// one .txtar each, through main's own run. $CORPUS and $CORPUSSRC point
// at the checked-in corpus of real profiles (internal/heap/heaptest),
// $EXAMPLE at examples/sessions. The go command that lint and heap -source
// start inside a script uses the test's build and module caches, and never
// the network.
func TestScript(t *testing.T) {
	goEnv := goEnv(t, "GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT")
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			env.Setenv("GOPROXY", "off")
			env.Setenv("GOTOOLCHAIN", "local")
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
			"truncate":     truncate,
			"gzip":         gzipFile,
			"cpuprofile":   cpuprofile,
			"mapprofile":   mapprofile,
			"traceversion": traceversion,
			"exitcode":     exitcode,
			"textheap":     textheap,
			"serve":        serve,
			"crossprof":    crossprof,
		},
	})
}

// gzip SRC DST writes SRC gzip-compressed to DST.
func gzipFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: gzip SRC DST")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	ts.Check(zw.Close())
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), buf.Bytes(), 0o644))
}

// truncate SRC N DST writes the first N bytes of SRC to DST; a negative N
// leaves out the last -N. N must cut SRC short: a test of a cut file must
// not pass on a whole one.
func truncate(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: truncate SRC N DST")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	if n < 0 {
		n += len(data) // from the end
	}
	if n < 0 || n >= len(data) {
		ts.Fatalf("truncate: %s has %d bytes, cannot cut it to %s", args[0], len(data), args[1])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), data[:n], 0o644))
}

// profiling serializes the commands that profile the test process: CPU
// profiling and tracing are one per process, and scripts run in parallel.
var profiling sync.Mutex

// cpuprofile DST writes a real CPU profile of a short busy loop.
func cpuprofile(ts *testscript.TestScript, neg bool, args []string) {
	profiling.Lock()
	defer profiling.Unlock()
	var buf bytes.Buffer
	ts.Check(pprof.StartCPUProfile(&buf))
	for end := time.Now().Add(20 * time.Millisecond); time.Now().Before(end); {
	}
	pprof.StopCPUProfile()
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), buf.Bytes(), 0o644))
}

// mapprofile CPU TRACE writes a real CPU profile and a real execution
// trace (with CPU samples) of this process filling maps: scriptUnhinted
// grows a map made without a size hint, scriptPresized fills one made
// with its final size, scriptLookups reads. The sites are in package main
// of the test binary. The recording is made once per test run and copied
// into every script that asks.
func mapprofile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mapprofile CPU TRACE")
	}
	rec, err := mapRecording()
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), rec.cpu, 0o644))
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), rec.trace, 0o644))
}

type recording struct{ cpu, trace []byte }

var mapRecording = sync.OnceValues(func() (recording, error) {
	profiling.Lock()
	defer profiling.Unlock()
	var cpu, tr bytes.Buffer
	if err := pprof.StartCPUProfile(&cpu); err != nil {
		return recording{}, err
	}
	if err := trace.Start(&tr); err != nil {
		pprof.StopCPUProfile()
		return recording{}, err
	}
	// Enough CPU time for some forty samples however busy the machine,
	// and at most ten seconds.
	start, deadline := cpuTime(), time.Now().Add(10*time.Second)
	for r := 0; r < 3 || cpuTime()-start < 400*time.Millisecond && time.Now().Before(deadline); r++ {
		m := scriptUnhinted()
		scriptLookups(m)
		scriptSink += len(scriptPresized())
	}
	trace.Stop()
	pprof.StopCPUProfile()
	return recording{cpu.Bytes(), tr.Bytes()}, nil
})

// cpuTime returns the CPU time the process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

const scriptN = 1 << 17

var scriptSink int

func scriptUnhinted() map[int]int {
	m := make(map[int]int)
	for i := range scriptN {
		m[i] = i
	}
	return m
}

func scriptPresized() map[int]int {
	m := make(map[int]int, scriptN)
	for i := range scriptN {
		m[i] = i
	}
	return m
}

func scriptLookups(m map[int]int) {
	for i := range scriptN {
		scriptSink += m[i*3]
	}
}

// traceversion SRC N DST copies the trace SRC to DST with its header
// saying Go 1.N: a trace of a version the reader does not know.
func traceversion(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: traceversion SRC N DST")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	old := regexp.MustCompile(`^go 1\.\d+ trace`)
	if !old.Match(data) {
		ts.Fatalf("%s is not a Go execution trace", args[0])
	}
	data = old.ReplaceAll(data, []byte("go 1."+args[1]+" trace"))
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), data, 0o644))
}

// exitcode N mapscope ARGS... runs mapscope and fails unless it exits with
// status N (testscript's "!" tells only zero from non-zero; lint's 1 and
// 2 mean different things). Its output goes to the script's stdout and
// stderr, for the usual checks.
func exitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || args[1] != "mapscope" {
		ts.Fatalf("usage: exitcode N mapscope ARGS...")
	}
	err := ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("running mapscope: %v", err)
	}
	if strconv.Itoa(got) != args[0] {
		ts.Fatalf("mapscope %s: exit status %d, want %s", strings.Join(args[2:], " "), got, args[0])
	}
}

// goEnv returns the go command's settings of the named variables, and
// PATH with the go command of GOROOT first.
func goEnv(t *testing.T, names ...string) map[string]string {
	t.Helper()
	out, err := exec.Command(testenv.GoCommand(t), append([]string{"env"}, names...)...).Output()
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

// textheap DST writes the test process's heap profile as ?debug=1 text.
func textheap(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: textheap DST")
	}
	var buf bytes.Buffer
	ts.Check(pprof.Lookup("heap").WriteTo(&buf, 1))
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), buf.Bytes(), 0o644))
}

// serve PATH=WHAT... starts an HTTP server on 127.0.0.1 for the rest of
// the script and sets $SERVER to its URL. WHAT is a file to serve, or
// !404, !500 (an error with a text body), !html (a web page), !empty, !slow
// (no answer for a minute), !auth=FILE (FILE only with the header
// Authorization: Bearer s3cret), !seconds=N=FILE (FILE only when the query
// says seconds=N).
func serve(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: serve PATH=WHAT...")
	}
	mux := http.NewServeMux()
	for _, a := range args {
		path, what, ok := strings.Cut(a, "=")
		if !ok {
			ts.Fatalf("serve: %q is not PATH=WHAT", a)
		}
		switch {
		case what == "!404":
			mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "404 page not found", http.StatusNotFound) })
		case what == "!500":
			mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "profiling is disabled", http.StatusInternalServerError)
			})
		case what == "!html":
			mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, "<!doctype html><html><body>login</body></html>")
			})
		case what == "!empty":
			mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {})
		case what == "!slow":
			mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(time.Minute):
				}
			})
		case strings.HasPrefix(what, "!seconds="):
			n, file, _ := strings.Cut(strings.TrimPrefix(what, "!seconds="), "=")
			data, err := os.ReadFile(ts.MkAbs(file))
			ts.Check(err)
			mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
				if got := r.URL.Query().Get("seconds"); got != n {
					http.Error(w, "asked for seconds="+got+", want "+n, http.StatusBadRequest)
					return
				}
				w.Write(data)
			})
		case strings.HasPrefix(what, "!auth="):
			data, err := os.ReadFile(ts.MkAbs(strings.TrimPrefix(what, "!auth=")))
			ts.Check(err)
			mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "Bearer s3cret" {
					http.Error(w, "unauthorized", http.StatusUnauthorized)
					return
				}
				w.Write(data)
			})
		default:
			data, err := os.ReadFile(ts.MkAbs(what))
			ts.Check(err)
			mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { w.Write(data) })
		}
	}
	srv := httptest.NewServer(mux)
	ts.Defer(srv.Close)
	ts.Setenv("SERVER", srv.URL)
}

var (
	objdumpFunc = regexp.MustCompile(`^TEXT (\S+)\(SB\) (\S+)$`)
	objdumpCall = regexp.MustCompile(`^\s+(\S+):(\d+)\s+0x([0-9a-f]+)\s+([0-9a-f]+)\s+(?:CALL|BL)\s+(runtime\.(?:mapassign|makemap|newobject|mallocgc)\S*)\(SB\)`)
)

// crossprof EXE DST writes the heap profile runtime/pprof would write on
// darwin or windows for a run of EXE, a Mach-O or PE executable the script
// cross-compiled: 64 bytes in use from every call of a main.* function to
// a runtime allocator, as `go tool objdump` finds them, each at its return
// address - 1 in the executable's mapping as that system records it (the
// slid __TEXT segment; the image at its load address, with its path and
// modification time for build ID).
func crossprof(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: crossprof EXE DST")
	}
	exe := ts.MkAbs(args[0])
	m := &profile.Mapping{ID: 1, File: exe, HasFunctions: true}
	var toProfile func(uint64) uint64
	if mf, err := macho.Open(exe); err == nil {
		seg := mf.Segment("__TEXT")
		mf.Close()
		if seg == nil {
			ts.Fatalf("%s: no __TEXT segment", exe)
		}
		const slide = 0x2d4c000
		m.Start, m.Limit = seg.Addr+slide, seg.Addr+slide+seg.Memsz
		toProfile = func(a uint64) uint64 { return a + slide }
	} else {
		pf, err := pe.Open(exe)
		ts.Check(err)
		oh := pf.OptionalHeader.(*pe.OptionalHeader64)
		pf.Close()
		st, err := os.Stat(exe)
		ts.Check(err)
		const base = 0x7ff74c2a0000
		m.Start, m.Limit, m.BuildID = base, base+uint64(oh.SizeOfImage), exe+st.ModTime().String()
		toProfile = func(a uint64) uint64 { return a - oh.ImageBase + base }
	}
	out, err := exec.Command(filepath.Join(ts.Getenv("GOROOT"), "bin", "go"), "tool", "objdump", "-s", `^main\.`, exe).Output()
	ts.Check(err)
	p := &profile.Profile{
		SampleType:        []*profile.ValueType{{Type: "alloc_objects", Unit: "count"}, {Type: "alloc_space", Unit: "bytes"}, {Type: "inuse_objects", Unit: "count"}, {Type: "inuse_space", Unit: "bytes"}},
		DefaultSampleType: "inuse_space",
		PeriodType:        &profile.ValueType{Type: "space", Unit: "bytes"},
		Period:            512 * 1024,
		Mapping:           []*profile.Mapping{m},
	}
	var fn *profile.Function
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if f := objdumpFunc.FindStringSubmatch(sc.Text()); f != nil {
			fn = &profile.Function{ID: uint64(len(p.Function) + 1), Name: f[1], SystemName: f[1], Filename: f[2]}
			p.Function = append(p.Function, fn)
			continue
		}
		// objdump shows the base name of the call's file; the function's
		// full name is that of its first line, which for package
		// initializers is <autogenerated>: those calls are left out.
		c := objdumpCall.FindStringSubmatch(sc.Text())
		if c == nil || fn == nil || filepath.Base(fn.Filename) != c[1] {
			continue
		}
		line, _ := strconv.ParseInt(c[2], 10, 64)
		addr, _ := strconv.ParseUint(c[3], 16, 64)
		end := addr + uint64(len(c[4])/2)
		loc := &profile.Location{ID: uint64(len(p.Location) + 1), Mapping: m, Address: toProfile(end - 1), Line: []profile.Line{{Function: fn, Line: line}}}
		p.Location = append(p.Location, loc)
		p.Sample = append(p.Sample, &profile.Sample{Location: []*profile.Location{loc}, Value: []int64{1, 64, 1, 64}})
	}
	if len(p.Sample) == 0 {
		ts.Fatalf("go tool objdump found no allocator calls in main.* of %s", exe)
	}
	f, err := os.Create(ts.MkAbs(args[1]))
	ts.Check(err)
	ts.Check(p.Write(f))
	ts.Check(f.Close())
}
