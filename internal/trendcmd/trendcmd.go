// Package trendcmd implements "mapscope trend": which map sites leak, from
// a series of heap profile snapshots.
package trendcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/report"
	"github.com/mapscope/mapscope/internal/snapshot"
	"github.com/mapscope/mapscope/internal/trend"
)

// Cmd is the "trend" subcommand.
var Cmd = &base.Command{
	Name:      "trend",
	UsageLine: "trend [-binary EXE] [-source DIR] [-focus RE] [-json] [-html FILE] [-fail-on-leak] DIR|PROFILE...",
	Short:     "tell which map sites leak, from a series of heap profiles",
	Long: `
Trend reads a series of heap profiles of one program (a directory that
"mapscope watch" filled, a directory of profiles fetched with curl from
/debug/pprof/heap, or the files named) and gives every map site a verdict:

  leak       keeps climbing at a steady pace to the end of the series
  growing    rises, but slowly or slowing down (a bounded cache's creep)
  plateau    rose, in a jump or early on, and then stayed flat
  stable     no trend beyond sampling noise
  shrinking  falls

with a score (the confidence in the verdict, 0 to 100), a one-line reason
with the figures that decided it, the growth rate and a sparkline. The
rate is a Theil-Sen slope and the trend a Mann-Kendall test, which the
noise of sampled profiles and the churn of caches do not fool
(docs/trend-method.md).

Snapshots are ordered by profile time. Where the program restarted
(another build, the executable mapped elsewhere, the allocation total
falling) the series is split and the verdicts are over the last run.
Profiles of another program are refused; an unreadable snapshot is
reported and skipped.

Each site is attributed as "mapscope heap" does, with the same evidence:
-binary EXE and -source DIR name the program's executable and module root,
-focus picks the frame that counts as the user's. Goroutine profiles in
the series (watch -goroutines writes them) show maps held by goroutines
that never exit.

-json prints the report as JSON (docs/json.md); -html FILE writes one
self-contained HTML page with a chart per leaking or growing site.

Exit status is 0, 2 for bad flags or unusable input, and with
-fail-on-leak 3 when a map site's verdict is leak (for CI soak tests).
`,
	Flags: flags,
	Run:   run,
}

var (
	flags      = base.NewFlagSet("trend")
	flagBinary = flags.String("binary", "", "the `executable` that wrote the profiles")
	flagSource = flags.String("source", "", "the module root `directory` of the program's source")
	flagFocus  = flags.String("focus", "", "attribute to the first frame whose function matches this `regexp`")
	flagJSON   = flags.Bool("json", false, "print JSON (schema in docs/json.md)")
	flagHTML   = flags.String("html", "", "write an HTML report to `file`")
	flagFail   = flags.Bool("fail-on-leak", false, "exit with status 3 when a map site's verdict is leak")
	flagTop    = flags.Int("top", 10, "show at most `n` map sites in the text report")
)

func run(ctx context.Context, cmd *base.Command, args []string) error {
	// Each snapshot's profile is garbage once attributed, and the series
	// kept are small: trade a little memory for much less collecting.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	if len(args) == 0 {
		return base.Usagef("trend: name a directory of snapshots or the profiles")
	}
	if *flagTop < 0 {
		return base.Usagef("trend: -top must not be negative")
	}
	cfg := heap.Config{Binary: *flagBinary, Source: *flagSource,
		Progress: func(msg string) { fmt.Fprintf(cmd.Stderr, "mapscope trend: %s\n", msg) }}
	focus, err := base.Focus("trend", *flagFocus)
	if err != nil {
		return err
	}
	cfg.Focus = focus
	entries, storeSkipped, err := listInputs(args)
	if err != nil {
		return err
	}
	in, err := Read(ctx, entries, cfg, progress(cmd.Stderr, len(entries)))
	if err != nil {
		return err
	}
	defer in.Close()
	in.Skipped = append(storeSkipped, in.Skipped...)
	rep := report.NewTrend(report.TrendInput{
		Command:    "trend",
		Target:     strings.Join(args, " "),
		Evidence:   in.Analyzer.Evidence(),
		Result:     in.Series.Sorted(),
		Goroutines: in.Goroutines,
		Skipped:    in.Skipped,
		Warnings:   in.Analyzer.Warnings(),
	})
	return Write(cmd.Stdout, rep, Output{JSON: *flagJSON, HTML: *flagHTML, Top: *flagTop, FailOnLeak: *flagFail})
}

// Output says how to write a trend report.
type Output struct {
	JSON       bool
	HTML       string // file, "" for none
	Top        int
	FailOnLeak bool
}

// Write writes rep as out says, and returns the exit status a leak asks
// for under FailOnLeak. Watch ends with it too.
func Write(w io.Writer, rep *report.Trend, out Output) error {
	if out.HTML != "" {
		if err := base.WriteFileAtomic(out.HTML, rep.WriteHTML); err != nil {
			return err
		}
	}
	var err error
	if out.JSON {
		err = rep.WriteJSON(w)
	} else {
		err = rep.WriteText(w, out.Top)
	}
	if err != nil {
		return err
	}
	if out.FailOnLeak {
		for _, s := range rep.Sites {
			if s.Map && s.Verdict == trend.Leak {
				return &base.ExitError{Code: base.ExitLeak}
			}
		}
	}
	return nil
}

// listInputs expands the arguments into the snapshots to read: the
// entries of a directory "mapscope watch" filled (checked against its
// index), the profiles of a plain directory in name order, or the files
// named. It returns what a store reported it could not use.
func listInputs(args []string) ([]snapshot.Entry, []string, error) {
	var entries []snapshot.Entry
	var skipped []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, nil, base.Inputf(a, "%v", err)
		}
		if !fi.IsDir() {
			entries = append(entries, snapshot.Entry{File: filepath.Base(a), Path: a})
			continue
		}
		var es []snapshot.Entry
		if snapshot.IsStore(a) {
			st, err := snapshot.OpenReadOnly(a)
			if err != nil {
				return nil, nil, err
			}
			es = st.List()
			skipped = append(skipped, st.Skipped()...)
			st.Close()
		} else if es, err = snapshot.ReadDir(a); err != nil {
			return nil, nil, err
		}
		if len(es) == 0 {
			return nil, nil, base.Inputf(a, "no profiles in the directory")
		}
		entries = append(entries, es...)
	}
	return entries, skipped, nil
}

// Input is a series of snapshots with the evidence it is attributed
// with, fed one snapshot at a time: by Read from files, by watch as it
// fetches them.
type Input struct {
	Analyzer   *heap.Analyzer
	Series     *trend.Series
	Goroutines *trend.Goroutines
	Skipped    []string

	cfg      heap.Config
	firstErr error
}

// NewInput returns an empty series attributed with cfg's evidence.
func NewInput(cfg heap.Config) *Input {
	return &Input{Goroutines: &trend.Goroutines{}, cfg: cfg}
}

// Close releases the evidence.
func (in *Input) Close() {
	if in.Analyzer != nil {
		in.Analyzer.Close()
	}
}

// Skip records a snapshot that could not be used, and why.
func (in *Input) Skip(name string, err error) {
	if in.firstErr == nil {
		in.firstErr = &base.InputError{Name: name, Err: err}
	}
	msg := err.Error()
	if !strings.Contains(msg, name) {
		msg = name + ": " + msg
	}
	in.Skipped = append(in.Skipped, msg)
}

// Add adds one decoded profile: a goroutine profile, or a heap profile
// attributed with the evidence, which is opened with the first one. A
// snapshot the binary does not match (another build, after a deploy) is
// skipped with a note; an error is returned only for what makes the whole
// series unusable (another program, a source tree that does not match).
func (in *Input) Add(name string, l *heapprof.Lean) error {
	p := l.Profile
	if heapprof.IsGoroutine(p) {
		in.Goroutines.Add(p)
		return nil
	}
	if in.Analyzer == nil {
		// Opened without profiles: each snapshot is matched against the
		// binary as it comes, and one of another build skipped.
		an, err := heap.Open(in.cfg)
		if err != nil {
			return err
		}
		an.Preload(heap.Profile{Name: name, Profile: p})
		in.Analyzer, in.Series = an, trend.NewSeries(an)
	}
	if err := in.Series.Add(name, l); err != nil {
		var ie *base.InputError
		if errors.As(err, &ie) && in.cfg.Binary != "" && ie.Name == in.cfg.Binary {
			in.Skip(name, err)
			return nil
		}
		return base.Inputf(name, "%v", err)
	}
	return nil
}

// Decode decodes a snapshot's bytes: a heap profile, or a goroutine
// profile (watch -goroutines stores them beside the heap profiles).
func Decode(data []byte) (*heapprof.Lean, error) {
	l, err := heapprof.ParseLean(data)
	if err != nil {
		if g, gerr := heapprof.Decode(data); gerr == nil && heapprof.IsGoroutine(g) {
			return &heapprof.Lean{Profile: g}, nil
		}
		return nil, err
	}
	return l, nil
}

// Read reads every file once, in order, attributing each heap profile as
// it goes: only the per-site series stay in memory. A file that cannot be
// read, or a snapshot the binary does not match, is skipped with a note;
// it is an error only when no heap profile is left.
//
// Files are read and decoded by a second goroutine while the first
// attributes the one before: on two cores that hides most of the decoding.
func Read(ctx context.Context, files []snapshot.Entry, cfg heap.Config, tick func(i int)) (*Input, error) {
	in := NewInput(cfg)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	decoded := make(chan decodedFile, 2)
	go decodeFiles(ctx, files, decoded)
	i := 0
	for d := range decoded {
		if tick != nil {
			tick(i)
		}
		i++
		if d.err != nil {
			in.Skip(d.name, d.err)
			continue
		}
		if err := in.Add(d.name, d.p); err != nil {
			in.Close()
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		in.Close()
		return nil, err
	}
	if in.Series == nil || in.Series.Len() == 0 {
		in.Close()
		if in.firstErr != nil {
			return nil, in.firstErr
		}
		return nil, base.Usagef("trend: no heap profiles among the %d files", len(files))
	}
	return in, nil
}

// A decodedFile is one input, decoded, or why it could not be.
type decodedFile struct {
	name string
	p    *heapprof.Lean
	err  error
}

// decodeFiles reads and decodes files in order into out, and closes it.
func decodeFiles(ctx context.Context, files []snapshot.Entry, out chan<- decodedFile) {
	defer close(out)
	for _, e := range files {
		d := decodedFile{name: e.Path}
		data, err := e.Read()
		switch {
		case err != nil:
			d.err = err
		default:
			d.p, d.err = Decode(data)
		}
		select {
		case out <- d:
		case <-ctx.Done():
			return
		}
	}
}

// progress returns a tick that prints a progress line on stderr when
// reading takes longer than a second.
func progress(w io.Writer, total int) func(int) {
	start := time.Now()
	last := start
	return func(i int) {
		now := time.Now()
		if now.Sub(start) < time.Second || now.Sub(last) < time.Second {
			return
		}
		last = now
		fmt.Fprintf(w, "mapscope trend: read %d of %d snapshots\n", i, total)
	}
}
