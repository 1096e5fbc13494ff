// Package watchcmd implements "mapscope watch": the trend of a live
// service's map sites, from heap profiles fetched as it runs.
package watchcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/fetch"
	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/report"
	"github.com/mapscope/mapscope/internal/snapshot"
	"github.com/mapscope/mapscope/internal/trendcmd"
)

// Cmd is the "watch" subcommand.
var Cmd = &base.Command{
	Name:      "watch",
	UsageLine: "watch [-interval D] [-duration D] [-dir DIR] [-binary EXE] [-source DIR] [-goroutines] [-H 'Name: value'] [-json] [-html FILE] [-fail-on-leak] URL",
	Short:     "watch a live service and tell which of its map sites leak",
	Long: `
Watch fetches the heap profile of a running service (its
/debug/pprof/heap, from net/http/pprof) every -interval, keeps every
snapshot, and shows which map sites leak as the series grows: the verdicts
of "mapscope trend", redrawn on a terminal after each snapshot, one line
per snapshot when the output is not a terminal. At the end (-duration, or
Ctrl-C) it prints the final report, as trend does, with -json and -html.

URL is the service's address, http://host:port (the heap profile's path
is added) or the profile's URL. Profiles are fetched with gc=1, so that
each shows the heap after a collection and not the garbage of the moment
(-gc=false to leave the service's collector alone). -H adds a request
header (an Authorization, say); header values are never printed or saved.
With -goroutines, the goroutine profile is fetched too, to tell maps held
by goroutines that never exit.

Snapshots are kept in -dir (default ./mapscope-data/HOST_PORT): each is
written to a temporary file and renamed, and listed in the directory's
index, so a killed watch loses at most the snapshot it was fetching, and a
new watch on the same directory goes on with the series. "mapscope trend
DIR" reads the directory again at any time.

Watch survives the service restarting (the series is split there, and the
verdicts are over the last run), not answering, or answering garbage: it
says so, waits longer before the next try, and goes on. Evidence flags
(-binary, -source, -focus) are those of heap and trend.

Exit status is 0, 2 for bad flags or when no snapshot could be taken at
all, and with -fail-on-leak 3 when a map site's verdict is leak.
`,
	Flags: flags,
	Run:   run,
}

var (
	flags        = base.NewFlagSet("watch")
	flagInterval = flags.Duration("interval", 10*time.Second, "fetch a snapshot every `duration`")
	flagDuration = flags.Duration("duration", 0, "stop after `duration` (0: at Ctrl-C)")
	flagTimeout  = flags.Duration("timeout", 10*time.Second, "give up a fetch after `duration` without an answer")
	flagGC       = flags.Bool("gc", true, "ask the service to collect garbage before each profile (gc=1)")
	flagGor      = flags.Bool("goroutines", false, "also fetch /debug/pprof/goroutine with each snapshot")
	flagDir      = flags.String("dir", "", "keep snapshots in `directory` (default ./mapscope-data/HOST_PORT)")
	flagBinary   = flags.String("binary", "", "the service's `executable`")
	flagSource   = flags.String("source", "", "the module root `directory` of the service's source")
	flagFocus    = flags.String("focus", "", "attribute to the first frame whose function matches this `regexp`")
	flagJSON     = flags.Bool("json", false, "print the final report as JSON (schema in docs/json.md)")
	flagHTML     = flags.String("html", "", "write the final report as HTML to `file`")
	flagFail     = flags.Bool("fail-on-leak", false, "exit with status 3 when a map site's verdict is leak")
	flagTop      = flags.Int("top", 10, "show at most `n` map sites")
	flagHeader   base.HeaderFlag
)

func init() {
	flags.Var(&flagHeader, "H", "an extra request `header` 'Name: value' (repeatable)")
}

// Live is how watch shows progress: redrawn in place on a terminal, or a
// line per snapshot. Tests and demo set it.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}

func run(ctx context.Context, cmd *base.Command, args []string) error {
	if len(args) != 1 {
		return base.Usagef("watch: want exactly one URL, got %d arguments", len(args))
	}
	target := args[0]
	if !strings.HasPrefix(target, "http://") && !strings.HasPrefix(target, "https://") {
		return base.Usagef("watch: %s is not a URL: want http://host:port", fetch.Redact(target))
	}
	if _, err := url.Parse(target); err != nil {
		return base.Usagef("watch: bad URL %s", fetch.Redact(target))
	}
	switch {
	case *flagInterval <= 0:
		return base.Usagef("watch: -interval must be positive")
	case *flagDuration < 0:
		return base.Usagef("watch: -duration must not be negative")
	case *flagTimeout <= 0:
		return base.Usagef("watch: -timeout must be positive")
	case *flagTop < 0:
		return base.Usagef("watch: -top must not be negative")
	}
	cfg := heap.Config{Binary: *flagBinary, Source: *flagSource,
		Progress: func(msg string) { fmt.Fprintf(cmd.Stderr, "mapscope watch: %s\n", msg) }}
	focus, err := base.Focus("watch", *flagFocus)
	if err != nil {
		return err
	}
	cfg.Focus = focus
	dir := *flagDir
	if dir == "" {
		dir = snapshot.TargetDir("mapscope-data", target)
	}
	w := &Watch{
		Target:     target,
		Dir:        dir,
		Interval:   *flagInterval,
		Duration:   *flagDuration,
		Timeout:    *flagTimeout,
		GC:         *flagGC,
		Goroutines: *flagGor,
		Header:     flagHeader.Header,
		Evidence:   cfg,
		Top:        *flagTop,
		Out:        cmd.Stderr,
		Live:       isTerminal(cmd.Stderr),
	}
	rep, err := w.Run(ctx)
	if err != nil {
		return err
	}
	return trendcmd.Write(cmd.Stdout, rep, trendcmd.Output{JSON: *flagJSON, HTML: *flagHTML, Top: *flagTop, FailOnLeak: *flagFail})
}

// A Watch fetches a service's snapshots into a store and keeps the trend
// of its map sites up to date. demo runs one too.
type Watch struct {
	Target   string // the service's URL
	Dir      string // the store
	Interval time.Duration
	Duration time.Duration // 0: until ctx is done
	// Snapshots, when not 0, ends the watch once it has taken that many
	// (besides any already in the store), even before Duration is over.
	Snapshots  int
	Timeout    time.Duration
	GC         bool
	Goroutines bool
	Header     map[string][]string
	Evidence   heap.Config
	Top        int
	Out        io.Writer // progress
	Live       bool      // redraw the table in place
}

// maxBackoff bounds the wait between tries at a service that does not
// answer.
const maxBackoff = time.Minute

// Run watches until the duration is over or ctx is done (Ctrl-C), and
// returns the final report. It is an error only when no snapshot could be
// taken or kept at all.
func (w *Watch) Run(ctx context.Context) (*report.Trend, error) {
	// Each snapshot's profile is garbage once attributed.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	if err := os.MkdirAll(w.Dir, 0o777); err != nil {
		return nil, base.Inputf(w.Dir, "cannot create the snapshot directory: %v", err)
	}
	st, err := snapshot.Open(w.Dir)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	for _, r := range st.Repairs() {
		fmt.Fprintf(w.Out, "mapscope watch: %s: %s\n", w.Dir, r)
	}
	in := trendcmd.NewInput(w.Evidence)
	defer in.Close()
	if old := st.List(); len(old) > 0 {
		fmt.Fprintf(w.Out, "mapscope watch: %s: going on with the %d snapshots already there\n", w.Dir, len(old))
		for _, e := range old {
			if err := w.addEntry(in, e); err != nil {
				return nil, err
			}
		}
	}
	for _, s := range st.Skipped() {
		in.Skip(w.Dir, errors.New(s))
	}

	if w.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.Duration)
		defer cancel()
	}
	var lastErr error
	wait := time.Duration(0)
	failures, taken := 0, 0
	for {
		select {
		case <-ctx.Done():
			return w.finish(in, lastErr)
		case <-time.After(wait):
		}
		err := w.snap(ctx, st, in)
		switch {
		case err == nil:
			failures, lastErr = 0, nil
			wait = w.Interval
			w.show(in)
			if taken++; w.Snapshots > 0 && taken >= w.Snapshots {
				return w.finish(in, nil)
			}
		case ctx.Err() != nil:
			return w.finish(in, lastErr)
		default:
			var fatal *fatalError
			if errors.As(err, &fatal) {
				return nil, fatal.err
			}
			failures++
			lastErr = err
			// Back off while the service is down, restarting or
			// overloaded, up to a minute between tries.
			wait = min(w.Interval<<min(failures-1, 6), max(maxBackoff, w.Interval))
			fmt.Fprintf(w.Out, "mapscope watch: %v; trying again in %s\n", err, roundWait(wait))
		}
	}
}

// fatalError is an error that ends the watch: the series is unusable.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }

// snap fetches one snapshot (and the goroutine profile with -goroutines),
// keeps it in the store and adds it to the series. A response that is not
// a heap profile is reported and not kept.
func (w *Watch) snap(ctx context.Context, st *snapshot.Store, in *trendcmd.Input) error {
	now := time.Now()
	data, from, err := fetch.Open(ctx, w.Target, fetch.Options{
		DefaultPath: "/debug/pprof/heap", GC: w.GC, Timeout: w.Timeout, Header: w.Header,
	})
	if err != nil {
		return err
	}
	p, err := trendcmd.Decode(data)
	if err != nil {
		return base.Inputf(from.Name, "answered, but not with a heap profile: %v", err)
	}
	e, err := st.Add(snapshot.Snapshot{Kind: snapshot.Heap, Time: now, Target: w.Target, Data: data})
	if err != nil {
		return &fatalError{err}
	}
	if err := in.Add(e.Path, p); err != nil {
		return &fatalError{err}
	}
	if w.Goroutines {
		gdata, _, err := fetch.Open(ctx, goroutineURL(w.Target), fetch.Options{Timeout: w.Timeout, Header: w.Header})
		if err == nil {
			if g, gerr := trendcmd.Decode(gdata); gerr == nil {
				if _, err := st.Add(snapshot.Snapshot{Seq: e.Seq, Kind: snapshot.Goroutine, Time: now, Target: w.Target, Data: gdata}); err == nil {
					in.Add(e.Path, g)
				}
			}
		}
	}
	return nil
}

// addEntry adds a snapshot kept by an earlier watch.
func (w *Watch) addEntry(in *trendcmd.Input, e snapshot.Entry) error {
	data, err := e.Read()
	if err != nil {
		in.Skip(e.Path, err)
		return nil
	}
	p, err := trendcmd.Decode(data)
	if err != nil {
		in.Skip(e.Path, err)
		return nil
	}
	return in.Add(e.Path, p)
}

// goroutineURL is the goroutine profile beside the heap profile.
func goroutineURL(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	u.RawQuery = ""
	u.Path = "/debug/pprof/goroutine"
	return u.String()
}

// show prints the state after a snapshot.
func (w *Watch) show(in *trendcmd.Input) {
	rep := w.report(in, nil)
	if w.Live {
		fmt.Fprint(w.Out, "\x1b[H\x1b[2J") // home, clear
		rep.WriteText(w.Out, w.Top)
		return
	}
	fmt.Fprintln(w.Out, rep.Line())
}

func (w *Watch) report(in *trendcmd.Input, lastErr error) *report.Trend {
	rep := report.NewTrend(report.TrendInput{
		Command:    "watch",
		Target:     fetch.Redact(w.Target),
		Evidence:   in.Analyzer.Evidence(),
		Result:     in.Series.Sorted(),
		Goroutines: in.Goroutines,
		Skipped:    in.Skipped,
		Warnings:   in.Analyzer.Warnings(),
	})
	if lastErr != nil {
		rep.Warnings = append(rep.Warnings, "the last fetch failed: "+lastErr.Error())
	}
	return rep
}

// finish returns the final report, or the reason there is none.
func (w *Watch) finish(in *trendcmd.Input, lastErr error) (*report.Trend, error) {
	if in.Series == nil || in.Series.Len() == 0 {
		if lastErr != nil {
			return nil, fmt.Errorf("no snapshot of %s could be taken: %w", fetch.Redact(w.Target), lastErr)
		}
		return nil, base.Inputf(fetch.Redact(w.Target), "no snapshot taken before the end")
	}
	if w.Live {
		fmt.Fprint(w.Out, "\x1b[H\x1b[2J")
	}
	return w.report(in, lastErr), nil
}

// roundWait shows a wait as a person reads it: seconds, or milliseconds
// under a second.
func roundWait(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Second)
}
