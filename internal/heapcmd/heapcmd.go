// Package heapcmd implements "mapscope heap": map memory in a heap profile,
// attributed to source sites.
package heapcmd

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/fetch"
	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/report"
)

// Cmd is the "heap" subcommand.
var Cmd = &base.Command{
	Name:      "heap",
	UsageLine: "heap [-sample inuse|alloc] [-binary EXE] [-source DIR] [-base OLD] [-json] [-o FILE] PROFILE|URL|-",
	Short:     "attribute map memory in a heap profile to source sites",
	Long: `
Heap reads a heap or allocs profile (as /debug/pprof/heap and
/debug/pprof/allocs serve it, gzip or plain, from Go 1.21 on) and tells
which of its bytes are map storage, at which source line, of which kind,
and for which map.

The profile is a file, - for standard input, or a URL, fetched as go tool
pprof fetches it: http://host:port alone means /debug/pprof/heap;
-seconds N asks for a delta profile over N seconds; -H 'Name: value' adds
a header (an Authorization, say), whose value is never printed or saved;
-save FILE keeps what was fetched. Nothing else is ever downloaded: the
source of -source and its dependencies must be in the module cache.

runtime/pprof removes the runtime frames from heap profiles, so map storage
appears as anonymous bytes at a line of your code. Heap decides what each
sample is from the evidence it has, strongest first:

  stack   map frames still present (reflect, maps.clone, sync.Map, package
          map literals; every frame in profiles written by mapwatch or
          godeltaprof)
  binary  with -binary EXE: the function the code calls just before the
          frame's return address (runtime.mapassign_fast64 is growth,
          runtime.newobject is not map storage); EXE is the executable
          that wrote the profile, ELF, Mach-O or PE, amd64 or arm64
  source  with -source DIR: the line parsed and type-checked, which also
          names the map (s.sessions) and its type

Each site says which evidence decided its kind. Without -binary or -source
most samples are "unknown": heap does not guess. Both together give the
exact kind and the map's name.

Kinds: grow (an assignment that grew the map), make (initial sizing by make
or a literal), clone (maps.Clone), reflect (built through reflect or a
decoder such as encoding/json), syncmap (sync.Map), nonmap, unknown.

A site is the first frame of your module (the main module, as recorded in
the binary or the go.mod of -source, else package main), or the first frame
matching -focus.

With -sample alloc (the default for an allocs profile) the figures are
bytes allocated since the program started: growth sites then rank the work
a size hint would have saved.

With -base OLD, figures are the change from OLD to PROFILE, per site.

-o FILE writes a pprof profile holding only the map samples, labelled with
map_kind, map_expr, map_type and map_site, for go tool pprof or Pyroscope:

	go tool pprof -tagfocus map_kind=grow -top FILE

Exit status is 0 on success and 2 for bad flags or unreadable input.
`,
	Flags: flags,
	Run:   run,
}

var (
	flags      = base.NewFlagSet("heap")
	flagSample = flags.String("sample", "", "`inuse` or alloc figures (default: the profile's own default)")
	flagBinary = flags.String("binary", "", "the `executable` that wrote the profile (must be the same build)")
	flagSource = flags.String("source", "", "the module root `directory` of the program's source")
	flagBase   = flags.String("base", "", "an older `profile` of the same program to compare with")
	flagFocus  = flags.String("focus", "", "attribute to the first frame whose function matches this `regexp`")
	flagJSON   = flags.Bool("json", false, "print JSON (schema in docs/json.md)")
	flagOut    = flags.String("o", "", "write the map samples as a labelled pprof profile to `file`")
	flagTop    = flags.Int("top", 10, "show at most `n` sites in the text report")
	flagFetch  fetch.Flags
)

func init() {
	flagFetch.Register(flags, "profile", 0, "a delta profile over `n` seconds")
}

func run(ctx context.Context, cmd *base.Command, args []string) error {
	// Nearly everything heap allocates stays live to the end (the profile,
	// read once into a few large arrays, and the sites): a collection
	// finds little garbage and scans all of it, so collect rarely. The
	// peak is what is allocated, about 1.3 times what stays live.
	defer debug.SetGCPercent(debug.SetGCPercent(1000))
	if len(args) != 1 {
		return base.Usagef("heap: want exactly one PROFILE argument, got %d", len(args))
	}
	if *flagTop < 0 {
		return base.Usagef("heap: -top must not be negative")
	}
	focus, err := base.Focus("heap", *flagFocus)
	if err != nil {
		return err
	}
	if err := flagFetch.Check("heap"); err != nil {
		return err
	}
	name := args[0]
	cl, name, err := readProfile(ctx, name, flagFetch.Save)
	if err != nil {
		return err
	}
	p := cl.Profile
	fig, err := heapprof.Select(p, *flagSample)
	if err != nil {
		if *flagSample != "inuse" && *flagSample != "alloc" && *flagSample != "" {
			return base.Usagef("heap: bad -sample: %v", err)
		}
		return base.Inputf(name, "%v", err)
	}

	cur := heap.Profile{Name: name, Profile: p}
	profiles := []heap.Profile{cur}
	var old heap.Profile
	var oldLean *heapprof.Lean
	if *flagBase != "" {
		bl, bname, err := readProfile(ctx, *flagBase, "")
		if err != nil {
			return err
		}
		old, oldLean = heap.Profile{Name: bname, Profile: bl.Profile}, bl
		if err := heap.SameProgram(cur, old); err != nil {
			return err
		}
		profiles = append(profiles, old)
	}

	progress := func(msg string) { fmt.Fprintf(cmd.Stderr, "mapscope heap: %s\n", msg) }
	ev, err := heap.Open(heap.Config{Binary: *flagBinary, Source: *flagSource, Focus: focus, Progress: progress, SampleSites: *flagOut != ""}, profiles...)
	if err != nil {
		return err
	}
	defer ev.Close()

	res, err := ev.AttributeLean(cl, fig)
	if err != nil {
		return err
	}
	in := report.HeapInput{Profile: name, Result: res, Evidence: ev.Evidence(), Warnings: ev.Warnings()}
	if old.Profile != nil {
		bfig, err := heapprof.Select(old.Profile, fig.Sample)
		if err != nil {
			return base.Inputf(old.Name, "%v", err)
		}
		in.Base, in.BaseRes = old.Name, heap.AttributeLean(oldLean, ev.Options(bfig))
		if !sameBuildKnown(p, old.Profile) {
			in.Warnings = append(in.Warnings, fmt.Sprintf("neither %s nor %s records a build ID: they are compared as profiles of the same build of %s", name, old.Name, heap.ProgramOf(p)))
		}
	}
	rep := report.NewHeap(in)

	if *flagOut != "" {
		if err := writeMapProfile(*flagOut, p, res, old.Profile, in.BaseRes); err != nil {
			return err
		}
	}
	if *flagJSON {
		return rep.WriteJSON(cmd.Stdout)
	}
	return rep.WriteText(cmd.Stdout, *flagTop)
}

// readProfile reads a heap profile from a file, stdin or a URL, saving
// what it read to save when asked, and returns it with the name errors
// and the report use for it (a URL without its secrets).
//
// It reads lean (heapprof.ParseLean), which takes a fraction of the memory
// of a large profile, unless -o asks to write its samples back with their
// labels.
func readProfile(ctx context.Context, src, save string) (*heapprof.Lean, string, error) {
	data, from, err := fetch.Open(ctx, src, flagFetch.Options(src, "/debug/pprof/heap"))
	if err != nil {
		return nil, src, err
	}
	var l *heapprof.Lean
	if *flagOut != "" {
		var p *profile.Profile
		if p, err = heapprof.Parse(data); err == nil {
			l = &heapprof.Lean{Profile: p}
		}
	} else {
		l, err = heapprof.ParseLean(data)
	}
	if err != nil {
		return nil, from.Name, base.Inputf(from.Name, "%v", err)
	}
	if save != "" {
		if err := fetch.Save(save, data); err != nil {
			return nil, from.Name, err
		}
	}
	return l, from.Name, nil
}

// sameBuildKnown reports whether the build IDs of both profiles say they
// are of one build.
func sameBuildKnown(p, q *profile.Profile) bool {
	return heap.MainBuildID(p) != "" && heap.MainBuildID(p) == heap.MainBuildID(q)
}
