// Package tracecmd implements "mapscope trace": what map code cost a
// program in time, from an execution trace.
package tracecmd

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/cpuprof"
	"github.com/mapscope/mapscope/internal/fetch"
	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/report"
	"github.com/mapscope/mapscope/internal/traceprof"
)

// Cmd is the "trace" subcommand.
var Cmd = &base.Command{
	Name:      "trace",
	UsageLine: "trace [-source DIR] [-focus RE] [-json] [-html FILE] [-top N] TRACE|URL|-",
	Short:     "what map growth costs in GC pauses, assists and CPU, from an execution trace",
	Long: `
Trace reads an execution trace (runtime/trace, go test -trace, or
/debug/pprof/trace; of Go 1.22 to 1.27, gzip-compressed or not) and tells
what map code cost the program in time:

  - the GC cycles, the stop-the-world pauses and the mark assists: a map
    that grows allocates its new tables, and the allocator charges mark
    assists to the goroutine that allocates; each assist is charged to
    the map site it began in, with its stack;
  - the CPU samples in map code, per site and operation (lookup, assign,
    grow, delete, clear, iterate, hash, make, clone; see mapscope help
    cpu), when CPU profiling ran during the trace;
  - the heap and its goal over time.

Sites and operations are those of mapscope cpu: a site is the first frame
above the map call in your module (the go.mod of -source, else package
main) or matching -focus. The sites are listed by CPU time, then by assist
time.

A trace has CPU samples only when a CPU profile ran during it: call
pprof.StartCPUProfile before trace.Start, or run go test with both
-cpuprofile and -trace. For a URL, trace asks for /debug/pprof/profile
over the same seconds as /debug/pprof/trace (-cpu=false does not), so that
the trace has them. A sample stands for one period of the profile: -hz
says the rate if it was not runtime/pprof's 100 Hz.

-html FILE writes one self-contained page: the heap and its goal over
time with the GC cycles behind it, the GC, pause and assist spans, and
the sites.

The trace is a file, - for standard input, or a URL: http://host:port
alone means /debug/pprof/trace; -seconds N (default 5, or the URL's own
seconds=N) is how long the program is traced, -H 'Name: value' adds a
header whose value is never printed, and -save FILE keeps what was
fetched.

Exit status is 0 on success and 2 for bad flags or unreadable input.
`,
	Flags: flags,
	Run:   run,
}

var (
	flags      = base.NewFlagSet("trace")
	flagSource = flags.String("source", "", "the module root `directory` of the program's source")
	flagFocus  = flags.String("focus", "", "attribute to the first frame above the map call whose function matches this `regexp`")
	flagJSON   = flags.Bool("json", false, "print JSON (schema in docs/json.md)")
	flagHTML   = flags.String("html", "", "also write the report as a self-contained HTML page to `file`")
	flagTop    = flags.Int("top", 10, "show at most `n` sites in the text report")
	flagHZ     = flags.Int("hz", 100, "the `rate` of the CPU profile that ran during the trace")
	flagCPU    = flags.Bool("cpu", true, "for a URL: profile the CPU during the trace, so that it has CPU samples")
	flagFetch  fetch.Flags
)

func init() {
	flagFetch.Register(flags, "trace", 5, "trace for `n` seconds")
}

func run(ctx context.Context, cmd *base.Command, args []string) error {
	if len(args) != 1 {
		return base.Usagef("trace: want exactly one TRACE argument, got %d", len(args))
	}
	if *flagTop < 0 {
		return base.Usagef("trace: -top must not be negative")
	}
	if err := flagFetch.Check("trace"); err != nil {
		return err
	}
	if *flagHZ <= 0 || *flagHZ > 100000 {
		return base.Usagef("trace: -hz must be between 1 and 100000")
	}
	focus, err := base.Focus("trace", *flagFocus)
	if err != nil {
		return err
	}
	progress := func(msg string) { fmt.Fprintf(cmd.Stderr, "mapscope trace: %s\n", msg) }
	ev, err := heap.Open(heap.Config{Source: *flagSource, Focus: focus, Progress: progress})
	if err != nil {
		return err
	}
	defer ev.Close()

	opt := traceprof.Options{
		Options:      cpuprof.Options{Focus: focus, MainModule: ev.MainModule()},
		SamplePeriod: time.Second / time.Duration(*flagHZ),
	}
	var res *traceprof.Result
	var name string
	var warnings []string
	if f := regularFile(args[0]); f != nil && flagFetch.Save == "" {
		// A file streams through the reader: a trace of hundreds of MB
		// need not be in memory whole.
		defer f.Close()
		name = args[0]
		res, err = traceprof.ReadFrom(f, opt)
	} else {
		var data []byte
		if data, name, warnings, err = readTrace(ctx, args[0]); err != nil {
			return err
		}
		res, err = traceprof.Read(data, opt)
	}
	if err != nil {
		return base.Inputf(name, "%v", err)
	}
	if src := ev.Source(); src != nil {
		ev.Preload(heap.Profile{Name: name, Profile: siteFunctions(res.Sites)})
		cpuprof.Annotate(res.Sites, src)
		warnings = append(warnings, ev.Warnings()...)
	}
	if res.CPUSamples == 0 {
		warnings = append(warnings, "no CPU samples in the trace: only the mark assists tell the map sites apart; profile the CPU during the trace (pprof.StartCPUProfile before trace.Start) for CPU time per site")
	}
	rep := report.NewTrace(report.TraceInput{Trace: name, Result: res, Evidence: ev.Evidence(), Warnings: warnings, HZ: *flagHZ})
	if *flagHTML != "" {
		if err := base.WriteFileAtomic(*flagHTML, rep.WriteHTML); err != nil {
			return err
		}
	}
	if *flagJSON {
		return rep.WriteJSON(cmd.Stdout)
	}
	return rep.WriteText(cmd.Stdout, *flagTop)
}

// readTrace reads a trace from a file, stdin or a URL, saving what it
// read when asked. For a URL it also asks for a CPU profile over the same
// time, unless -cpu=false, so that the trace has CPU samples; a refusal
// is a warning.
func readTrace(ctx context.Context, src string) (data []byte, name string, warnings []string, err error) {
	opt := flagFetch.Options(src, "/debug/pprof/trace")
	opt.MaxBytes = 2 << 30
	var wg sync.WaitGroup
	var cpuErr error
	if profileURL, ok := cpuURL(src); ok && *flagCPU {
		wg.Add(1)
		go func() {
			defer wg.Done()
			popt := opt
			popt.DefaultPath = "/debug/pprof/profile"
			// A second longer than the trace, so that it covers all of it.
			popt.Seconds = opt.Seconds + 1
			_, _, cpuErr = fetch.Open(ctx, profileURL, popt)
		}()
		// Give the profile request a head start: samples begin to reach
		// the trace only once CPU profiling runs.
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
		}
	}
	data, from, err := fetch.Open(ctx, src, opt)
	wg.Wait()
	if err != nil {
		return nil, src, nil, err
	}
	if cpuErr != nil {
		warnings = append(warnings, "the CPU profile asked for with the trace failed, so the trace may lack CPU samples: "+strings.TrimPrefix(base.Message(cpuErr), "mapscope: "))
	}
	if _, err := traceprof.Version(data); err != nil && !isGzip(data) {
		// Refused before saving: -save keeps traces, not error pages.
		return nil, from.Name, nil, base.Inputf(from.Name, "%v", err)
	}
	if flagFetch.Save != "" {
		if err := fetch.Save(flagFetch.Save, data); err != nil {
			return nil, from.Name, nil, err
		}
	}
	return data, from.Name, warnings, nil
}

// regularFile opens src when it names a regular file, nil otherwise: a
// URL, stdin, or a file fetch must report on (missing, a directory).
func regularFile(src string) *os.File {
	if src == "-" || strings.Contains(src, "://") {
		return nil
	}
	f, err := os.Open(src)
	if err != nil {
		return nil
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
		f.Close()
		return nil
	}
	return f
}

func isGzip(data []byte) bool { return len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b }

// cpuURL returns the /debug/pprof/profile URL next to a trace URL: the
// same host, credentials and query, the path's last element "profile".
func cpuURL(src string) (string, bool) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		return "", false
	}
	u, err := url.Parse(src)
	if err != nil {
		return "", false
	}
	switch {
	case u.Path == "" || u.Path == "/":
		u.Path = "/debug/pprof/profile"
	case strings.HasSuffix(u.Path, "/trace"):
		u.Path = strings.TrimSuffix(u.Path, "/trace") + "/profile"
	default:
		return "", false
	}
	u.RawPath = ""
	return u.String(), true
}

// siteFunctions lists the sites' functions as a profile, for Preload.
func siteFunctions(sites []*cpuprof.Site) *profile.Profile {
	p := &profile.Profile{}
	for i, s := range sites {
		p.Function = append(p.Function, &profile.Function{ID: uint64(i + 1), Name: s.Function, Filename: s.File})
	}
	return p
}
