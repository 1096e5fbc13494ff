package heap

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/heap/binfile"
	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/heap/srcline"
	"github.com/mapscope/mapscope/internal/mapruntime/funcname"
)

// Config names the evidence an analysis may use besides the profile: the
// flags -binary, -source and -focus that heap, trend and watch share.
type Config struct {
	Binary string         // the executable that wrote the profiles; "" for none
	Source string         // the root of the program's module; "" for none
	Focus  *regexp.Regexp // the user frame is the first frame matching it; nil for the main module
	// Progress, when not nil, hears about slow steps (loading the source
	// with the go command) after their first second.
	Progress func(msg string)
	// SampleSites keeps the site of every sample in Result.SampleSites,
	// for writing the samples back labelled (heap -o). A pointer per
	// sample: 4 MB on a 500,000-sample profile, so only when asked.
	SampleSites bool
}

// A Profile is a profile with the name it was read from, for messages.
type Profile struct {
	Name string
	*profile.Profile
}

// An Analyzer holds the evidence about one program beyond its profiles
// (its binary, its source), opened once and checked against the profiles,
// so that any number of profiles of the program can then be attributed
// with it. It is the one entry point of heap analysis: heap, trend and
// watch open one and call Attribute.
type Analyzer struct {
	binary     *binfile.File
	source     *sourceAdapter
	focus      *regexp.Regexp
	perSample  bool
	binaryName string
	sourceDir  string
	mainModule string
}

// Open opens the evidence of cfg and checks it against the
// profiles it will be used with: the binary must be the build that wrote
// each of them, and the source is preloaded for the packages they name.
// Errors are *base.InputError naming the file at fault.
func Open(cfg Config, profiles ...Profile) (*Analyzer, error) {
	ev := &Analyzer{focus: cfg.Focus, perSample: cfg.SampleSites, binaryName: cfg.Binary, sourceDir: cfg.Source}
	if cfg.Binary != "" {
		f, err := binfile.Open(cfg.Binary)
		if err != nil {
			return nil, &base.InputError{Name: cfg.Binary, Err: err}
		}
		ev.binary = f
		for _, p := range profiles {
			if err := ev.MatchBinary(p); err != nil {
				ev.Close()
				return nil, err
			}
		}
		ev.mainModule = f.MainModule()
	}
	if cfg.Source != "" {
		t, err := srcline.OpenWith(cfg.Source, srcline.Options{Progress: cfg.Progress})
		if err != nil {
			ev.Close()
			return nil, &base.InputError{Name: cfg.Source, Err: err}
		}
		// One go command run for every package the profiles name, rather
		// than one per package on first lookup.
		t.Preload(profileFrames(profiles))
		ev.source = &sourceAdapter{t}
		mod := t.ModulePath()
		if ev.mainModule != "" && ev.mainModule != "command-line-arguments" && mod != ev.mainModule {
			ev.Close()
			return nil, base.Inputf(cfg.Source, "module %s, but the binary was built from module %s", mod, ev.mainModule)
		}
		if ev.mainModule == "" || ev.mainModule == "command-line-arguments" {
			ev.mainModule = mod
		}
	}
	if ev.mainModule == "command-line-arguments" {
		ev.mainModule = ""
	}
	return ev, nil
}

// MatchBinary checks that the binary, if any, is the build that wrote p.
// Callers that meet profiles one at a time (trend, watch) check each.
func (ev *Analyzer) MatchBinary(p Profile) error {
	if ev.binary == nil {
		return nil
	}
	if heapprof.FromText(p.Profile) {
		return base.Inputf(p.Name, "a ?debug=1 text profile records neither where the executable was mapped nor which frames were inlined, so -binary cannot be checked against it: fetch /debug/pprof/heap without debug=1 for -binary, or use -source")
	}
	if err := ev.binary.Match(p.Profile); err != nil {
		return &base.InputError{Name: ev.binaryName, Err: fmt.Errorf("%w (profile %s)", err, p.Name)}
	}
	return nil
}

// Preload loads, in one go command run, the source of every package p
// names, for a caller that opened the analyzer before it had profiles.
func (ev *Analyzer) Preload(p Profile) {
	if ev.source != nil {
		ev.source.t.Preload(profileFrames([]Profile{p}))
	}
}

// Warnings says what the evidence could not do, once per problem: a
// source tree whose packages the go command could not load (a module
// missing from the module cache, which is never downloaded behind the
// user's back), so that its lines were read without types.
func (ev *Analyzer) Warnings() []string {
	if ev.source == nil {
		return nil
	}
	var out []string
	if missing := ev.source.t.Missing(); len(missing) > 0 {
		slices.Sort(missing)
		out = append(out, fmt.Sprintf("the source of %s is not in the module cache, and mapscope does not download: run 'go mod download' in %s to name the maps inside", strings.Join(missing, ", "), ev.sourceDir))
	}
	if err := ev.source.t.DepsError(); err != nil {
		out = append(out, fmt.Sprintf("listing the modules of %s for libraries' source, without the network: %s; run 'go mod download' there (mapscope does not download)", ev.sourceDir, firstLine(err.Error())))
	}
	for _, err := range ev.source.t.LoadErrors() {
		msg := err.Error()
		if strings.Contains(msg, "GOPROXY=off") || strings.Contains(msg, "module lookup disabled") {
			out = append(out, fmt.Sprintf("the module cache lacks a module the source needs, and mapscope does not download: run 'go mod download' in %s (%s)", ev.sourceDir, firstLine(msg)))
			continue
		}
		out = append(out, "source loaded without types: "+firstLine(msg))
	}
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// Close releases the binary.
func (ev *Analyzer) Close() {
	if ev.binary != nil {
		ev.binary.Close()
	}
}

// Evidence lists the evidence available, in ladder order.
func (ev *Analyzer) Evidence() []string {
	out := []string{string(FromStack)}
	if ev.binary != nil {
		out = append(out, string(FromBinary))
	}
	if ev.source != nil {
		out = append(out, string(FromSource))
	}
	return out
}

// Source returns the source as the analyses of other profiles (cpu,
// trace) ask it, nil without -source.
func (ev *Analyzer) Source() Source {
	if ev.source == nil {
		return nil
	}
	return ev.source
}

// MainModule returns the module whose frames are the user's: the binary's
// main module, else the source's, else "" (package main alone).
func (ev *Analyzer) MainModule() string { return ev.mainModule }

// Options returns the attribution options for figures fig with this
// evidence.
func (ev *Analyzer) Options(fig heapprof.Figures) Options {
	opt := Options{Figures: fig, Focus: ev.focus, MainModule: ev.mainModule, SampleSites: ev.perSample}
	if ev.binary != nil {
		opt.Binary = ev.binary
	}
	if ev.source != nil {
		opt.Source = ev.source
	}
	return opt
}

// Attribute attributes p with this evidence. It refuses a source tree that
// disagrees with most of the lines it was asked about: reporting names
// from the wrong source would be worse than reporting none.
func (ev *Analyzer) Attribute(p *profile.Profile, fig heapprof.Figures) (*Result, error) {
	return ev.checkSource(Attribute(p, ev.Options(fig)))
}

func (ev *Analyzer) checkSource(res *Result) (*Result, error) {
	if ev.source == nil || res.SourceChecked == 0 {
		return res, nil
	}
	if res.SourceMismatched*2 > res.SourceChecked {
		first := ""
		if len(res.SourceErrors) > 0 {
			first = ": " + res.SourceErrors[0]
		}
		return nil, base.Inputf(ev.sourceDir, "source does not match the profile (%d of %d lines)%s", res.SourceMismatched, res.SourceChecked, first)
	}
	return res, nil
}

// AttributeLean is Attribute for a profile read by heapprof.ParseLean,
// whose samples are decoded one at a time.
func (ev *Analyzer) AttributeLean(l *heapprof.Lean, fig heapprof.Figures) (*Result, error) {
	return ev.checkSource(AttributeLean(l, ev.Options(fig)))
}

// SameProgram refuses to compare profiles of two different builds when
// both carry build IDs for their main executable, and of two different
// programs (executables of other names) when they do not.
func SameProgram(cur, old Profile) error {
	id, oldID := MainBuildID(cur.Profile), MainBuildID(old.Profile)
	if id != "" && oldID != "" && id != oldID {
		return base.Inputf(old.Name, "profile of a different build than %s (build ID %s, not %s)", cur.Name, oldID, id)
	}
	if prog, oldProg := ProgramOf(cur.Profile), ProgramOf(old.Profile); prog != "" && oldProg != "" && prog != oldProg {
		return base.Inputf(old.Name, "profile of %s, but %s is of %s: compare profiles of one program", oldProg, cur.Name, prog)
	}
	return nil
}

// ProgramOf names the program a profile is of: the base name of its main
// executable, as runtime/pprof records it, or "" when it does not.
func ProgramOf(p *profile.Profile) string {
	if len(p.Mapping) == 0 || p.Mapping[0].File == "" {
		return ""
	}
	return filepath.Base(p.Mapping[0].File)
}

// MainBuildID returns the build ID of the profile's main executable, or ""
// when the profile does not record one.
func MainBuildID(p *profile.Profile) string {
	if len(p.Mapping) == 0 {
		return ""
	}
	return p.Mapping[0].BuildID
}

// sourceAdapter presents a srcline.Tree as a Source.
type sourceAdapter struct{ t *srcline.Tree }

var opKinds = map[srcline.Kind]OpKind{
	srcline.MapAssign:    OpMapAssign,
	srcline.MapMake:      OpMapMake,
	srcline.MapLiteral:   OpMapLiteral,
	srcline.MapClone:     OpMapClone,
	srcline.MapDecode:    OpMapDecode,
	srcline.MapReflect:   OpMapReflect,
	srcline.SyncMapStore: OpSyncMap,
	srcline.Alloc:        OpAlloc,
	srcline.Call:         OpCall,
	srcline.MapMethod:    OpMapMethod,
}

func (s *sourceAdapter) Line(fn, file string, line int) (*Line, error) {
	tree, err := s.t.ForPackage(funcname.Package(fn))
	if err != nil {
		return nil, errors.Join(ErrOutside, err)
	}
	l, err := tree.Lookup(fn, file, line)
	if err != nil {
		// A dependency's source that does not match is not the user's
		// tree failing to match: it is outside, like any library line.
		if tree != s.t || errors.Is(err, srcline.ErrNotInTree) || errors.Is(err, srcline.ErrAmbiguous) {
			return nil, errors.Join(ErrOutside, err)
		}
		return nil, err
	}
	out := &Line{Path: l.Path}
	if tree != s.t {
		out.Module, out.Version = tree.ModulePath(), tree.Version()
	}
	for _, op := range l.Ops {
		k, ok := opKinds[op.Kind]
		if !ok {
			continue
		}
		out.Ops = append(out.Ops, Op{
			Kind: k, Expr: op.Expr, Type: op.Type, Hint: op.Hint,
			SlotSize: op.SlotSize, BucketSize: op.BucketSize, Size: op.Size,
		})
	}
	// A loop's trip count is advice for the map's make only when that make
	// is a local one in reach: a field or package map lives on and grows
	// across calls.
	if l.Loop != nil && l.Loop.InsertsOncePerIteration && l.Loop.KnownTrips != "" && l.Loop.LocalMap {
		out.LoopLine, out.LoopTrips = l.Loop.Line, l.Loop.KnownTrips
	}
	return out, nil
}

// profileFrames lists the functions of the profiles for srcline.Preload.
func profileFrames(profiles []Profile) []srcline.Frame {
	var frames []srcline.Frame
	for _, p := range profiles {
		for _, fn := range p.Function {
			frames = append(frames, srcline.Frame{Func: fn.Name, File: fn.Filename})
		}
	}
	return frames
}
