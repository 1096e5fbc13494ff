// Package cpucmd implements "mapscope cpu": the CPU time of map code in a
// CPU profile, per operation and user site.
package cpucmd

import (
	"context"
	"fmt"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/cpuprof"
	"github.com/mapscope/mapscope/internal/fetch"
	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/report"
)

// Cmd is the "cpu" subcommand.
var Cmd = &base.Command{
	Name:      "cpu",
	UsageLine: "cpu [-binary EXE] [-source DIR] [-focus RE] [-json] [-top N] PROFILE|URL|-",
	Short:     "attribute the CPU time of map code in a CPU profile to source sites",
	Long: `
Cpu reads a CPU profile (as /debug/pprof/profile and runtime/pprof write
it, gzip or plain, from Go 1.21 on) and tells how much of its time went
into map code, in which operation, called from which line of your code.

A map made without a size hint rehashes its entries into new tables as it
grows; every growth allocates, allocation drives the GC, and the GC's
mark assists land on the goroutines that allocate. go tool pprof shows
this as runtime frames (mapassign_fast64, evacuate_fast64, (*table).split,
mallocgc); cpu puts each sample wholly into one operation and charges it
to the line that made the map call:

  lookup   m[k], v, ok := m[k] (the probe of the table)
  assign   m[k] = v, when the map does not grow
  grow     growth: a bucket map's doubling and evacuation, a Swiss
           table's rehash, grow and split, and all they call, the
           allocator and the GC work it is charged included
  delete   delete(m, k)
  clear    clear(m) and the range-and-delete loop compiled to it
  iterate  for k, v := range m
  hash     hashing keys (of lookups, assignments, deletes)
  make     make(map...) and literals: the initial tables
  clone    maps.Clone

Both map implementations are known, by the runtime names of Go 1.21 to
1.27: buckets (mapassign*, hashGrow, growWork, evacuate*) and Swiss tables
(internal/runtime/maps: rehash, grow, split, ...).

A site is the first frame above the map call in your module (the main
module, as recorded in the binary or the go.mod of -source, else package
main), or the first frame matching -focus: the same lines mapscope heap
names. Each site shows its growth share; with -source, a growing site
names its map and, when the loop around it has a bound known before it
starts, the size hint that removes the growth.

The profile is a file, - for standard input, or a URL fetched as go tool
pprof fetches it: http://host:port alone means /debug/pprof/profile,
-seconds N (default 30, or the URL's own seconds=N) is how long the
program is profiled, -H 'Name: value' adds a header whose value is never
printed, and -save FILE keeps what was fetched.

Exit status is 0 on success and 2 for bad flags or unreadable input.
`,
	Flags: flags,
	Run:   run,
}

var (
	flags      = base.NewFlagSet("cpu")
	flagBinary = flags.String("binary", "", "the `executable` that wrote the profile (names the main module)")
	flagSource = flags.String("source", "", "the module root `directory` of the program's source")
	flagFocus  = flags.String("focus", "", "attribute to the first frame above the map call whose function matches this `regexp`")
	flagJSON   = flags.Bool("json", false, "print JSON (schema in docs/json.md)")
	flagTop    = flags.Int("top", 10, "show at most `n` sites in the text report")
	flagFetch  fetch.Flags
)

func init() {
	flagFetch.Register(flags, "profile", 30, "profile for `n` seconds")
}

func run(ctx context.Context, cmd *base.Command, args []string) error {
	if len(args) != 1 {
		return base.Usagef("cpu: want exactly one PROFILE argument, got %d", len(args))
	}
	if *flagTop < 0 {
		return base.Usagef("cpu: -top must not be negative")
	}
	if err := flagFetch.Check("cpu"); err != nil {
		return err
	}
	focus, err := base.Focus("cpu", *flagFocus)
	if err != nil {
		return err
	}
	data, p, name, err := readProfile(ctx, args[0])
	if err != nil {
		return err
	}

	progress := func(msg string) { fmt.Fprintf(cmd.Stderr, "mapscope cpu: %s\n", msg) }
	ev, err := heap.Open(heap.Config{Binary: *flagBinary, Source: *flagSource, Focus: focus, Progress: progress})
	if err != nil {
		return err
	}
	defer ev.Close()
	if *flagBinary != "" {
		// Matching the binary needs the mappings and addresses, which
		// Decode leaves out: pprof's parser reads them.
		full, err := heapprof.Decode(data)
		if err != nil {
			return base.Inputf(name, "%v", err)
		}
		if err := ev.MatchBinary(heap.Profile{Name: name, Profile: full}); err != nil {
			return err
		}
	}
	res, err := cpuprof.Attribute(p, cpuprof.Options{Focus: focus, MainModule: ev.MainModule()})
	if err != nil {
		return base.Inputf(name, "%v", err)
	}
	var warnings []string
	if src := ev.Source(); src != nil {
		// One go command run for the packages of the sites, not of every
		// function the profile names.
		ev.Preload(heap.Profile{Name: name, Profile: siteFunctions(res.Sites)})
		cpuprof.Annotate(res.Sites, src)
		warnings = append(warnings, ev.Warnings()...)
	}
	warnings = append(warnings, profileWarnings(p, res)...)

	rep := report.NewCPU(report.CPUInput{Profile: name, Result: res, Evidence: ev.Evidence(), Warnings: warnings})
	if *flagJSON {
		return rep.WriteJSON(cmd.Stdout)
	}
	return rep.WriteText(cmd.Stdout, *flagTop)
}

// readProfile reads a CPU profile from a file, stdin or a URL, saves its
// bytes when asked, and returns them decoded, with the name messages use.
func readProfile(ctx context.Context, src string) ([]byte, *cpuprof.Profile, string, error) {
	data, from, err := fetch.Open(ctx, src, flagFetch.Options(src, "/debug/pprof/profile"))
	if err != nil {
		return nil, nil, src, err
	}
	p, err := cpuprof.Decode(data)
	if err != nil {
		// Refused before saving: -save keeps profiles, not error pages.
		return nil, nil, from.Name, base.Inputf(from.Name, "%v", err)
	}
	if flagFetch.Save != "" {
		if err := fetch.Save(flagFetch.Save, data); err != nil {
			return nil, nil, from.Name, err
		}
	}
	return data, p, from.Name, nil
}

// siteFunctions lists the sites' functions as a profile, for Preload.
func siteFunctions(sites []*cpuprof.Site) *profile.Profile {
	p := &profile.Profile{}
	for i, s := range sites {
		p.Function = append(p.Function, &profile.Function{ID: uint64(i + 1), Name: s.Function, Filename: s.File})
	}
	return p
}

// profileWarnings says what limits the figures of a profile.
func profileWarnings(p *cpuprof.Profile, res *cpuprof.Result) []string {
	var out []string
	symbolized := false
	for _, f := range p.Functions {
		if f.Name != "" {
			symbolized = true
			break
		}
	}
	switch {
	case len(p.Samples) > 0 && !symbolized:
		out = append(out, "the profile has no function names (was it written by something other than runtime/pprof?): nothing can be attributed")
	case res.Samples > 0 && res.Samples < 100:
		out = append(out, fmt.Sprintf("only %d samples: each is one sampling period (10 ms at the default rate), so the figures are rough", res.Samples))
	}
	return out
}
