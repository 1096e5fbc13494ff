package lintcmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/cpuprof"
	"github.com/mapscope/mapscope/internal/fetch"
	"github.com/mapscope/mapscope/internal/mapruntime/mapop"
)

// A missing size hint costs what the map's growth costs, and only a
// profile of the running program knows that: a map filled from a slice
// of four protocols at startup never grows, one filled per alert of an
// API response grows on every request. With -profile, mapprealloc's
// findings are kept only where the CPU profile charges map growth to the
// lines that fill the map (the related positions of each diagnostic), and
// say how much. The profile is the one Go's profile-guided optimization
// reads (default.pgo), or any /debug/pprof/profile of the service. As go
// build does, lint uses the default.pgo of the main packages it lints
// when -profile is not given; -profile=off ignores them.

// growthProfile is one or more CPU profiles, decoded, waiting for the
// packages whose lines they will be matched against.
type growthProfile struct {
	names []string
	ps    []*cpuprof.Profile
}

// name names the profiles in messages.
func (g *growthProfile) name() string { return strings.Join(g.names, ", ") }

// pgoProfiles reads the default.pgo files of the main packages among
// roots, as go build would use them, or returns nil when there are none.
func pgoProfiles(ctx context.Context, roots []*packages.Package) (*growthProfile, error) {
	var g *growthProfile
	seen := make(map[string]bool)
	wd, _ := os.Getwd()
	for _, p := range roots {
		if p.Name != "main" || len(p.GoFiles) == 0 {
			continue
		}
		name := filepath.Join(filepath.Dir(p.GoFiles[0]), "default.pgo")
		if seen[name] {
			continue
		}
		seen[name] = true
		if _, err := os.Stat(name); err != nil {
			continue
		}
		one, err := readGrowthProfile(ctx, displayPath(wd, name))
		if err != nil {
			return nil, err
		}
		if g == nil {
			g = &growthProfile{}
		}
		g.names = append(g.names, one.names...)
		g.ps = append(g.ps, one.ps...)
	}
	return g, nil
}

// profileSeconds is how long a CPU profile fetched from a URL without
// seconds=N records, as go tool pprof asks for.
const profileSeconds = 30

// isProfileURL reports whether -profile names a running program's
// /debug/pprof endpoint rather than a file.
func isProfileURL(name string) bool {
	return strings.HasPrefix(name, "http://") || strings.HasPrefix(name, "https://")
}

// recordSeconds is how long a profile URL records: its seconds=N, or
// profileSeconds.
func recordSeconds(url string) int {
	if n, ok := fetch.URLSeconds(url); ok {
		return n
	}
	return profileSeconds
}

// recording is a CPU profile being recorded from a URL while the packages
// load and are analyzed.
type recording struct {
	done     chan struct{}
	prof     *growthProfile
	err      error
	failed   bool // the recording failed and stopped the load
	cancel   context.CancelFunc
	stopLoad context.CancelFunc
}

// startRecording starts recording from url. The context it returns, for
// loading, is cancelled when the recording fails: the run then fails with
// the recording's error.
func startRecording(ctx context.Context, url string) (*recording, context.Context) {
	loadCtx, stopLoad := context.WithCancel(ctx)
	fetchCtx, cancel := context.WithCancel(ctx)
	r := &recording{done: make(chan struct{}), cancel: cancel, stopLoad: stopLoad}
	go func() {
		defer close(r.done)
		r.prof, r.err = readGrowthProfile(fetchCtx, url)
		if r.err != nil && fetchCtx.Err() == nil {
			r.failed = true
			stopLoad()
		}
	}()
	return r, loadCtx
}

// wait returns the recorded profile, or the error that stopped the
// recording. With abandon, it stops the recording first: the profile is
// not wanted, and only a failure that already stopped the load is
// returned.
func (r *recording) wait(abandon bool) (*growthProfile, error) {
	if abandon {
		r.cancel()
	}
	<-r.done
	if abandon && !r.failed {
		return nil, nil
	}
	return r.prof, r.err
}

// stop releases the recording's contexts.
func (r *recording) stop() {
	r.cancel()
	r.stopLoad()
}

// readGrowthProfile reads and decodes the -profile file, or records a CPU
// profile from a running program's URL (host:port alone means
// /debug/pprof/profile, for 30 seconds unless the URL says seconds=N). A
// wrong file is refused at once.
func readGrowthProfile(ctx context.Context, name string) (*growthProfile, error) {
	opt := fetch.Options{}
	if isProfileURL(name) {
		opt.DefaultPath = "/debug/pprof/profile"
		opt.Seconds = recordSeconds(name)
	} else if strings.Contains(name, "://") {
		return nil, base.Inputf(fetch.Redact(name), "-profile takes a file or an http(s) URL")
	}
	data, src, err := fetch.Open(ctx, name, opt)
	if err != nil {
		return nil, err
	}
	name = src.Name
	p, err := cpuprof.Decode(data)
	if err == nil {
		err = p.CheckCPU()
	}
	if err != nil {
		return nil, base.Inputf(name, "%v", err)
	}
	return &growthProfile{names: []string{name}, ps: []*cpuprof.Profile{p}}, nil
}

// growthSite is one line of the linted packages with the growth the
// profile charges to it.
type growthSite struct {
	fn, file string
	grow     int64 // CPU nanoseconds growing maps
}

// filter keeps the findings of every other analyzer, and the mapprealloc
// findings whose fills grow a map in the profile, with the time added to
// the message. It says on w how many it kept, and warns when no map call
// of the profile is in the linted packages at all.
func (g *growthProfile) filter(w io.Writer, findings []finding, roots []*packages.Package) ([]finding, error) {
	files := rootFiles(roots)
	focus := rootsFocus(roots)
	byLine := make(map[int][]growthSite)
	ours, sites := 0, 0
	var total int64 // CPU nanoseconds of all the profiles
	for i, p := range g.ps {
		res, err := cpuprof.Attribute(p, cpuprof.Options{Focus: focus})
		if err != nil {
			return nil, base.Inputf(g.names[i], "%v", err)
		}
		total += res.Total
		sites += len(res.Sites)
		for _, s := range res.Sites {
			if s.Foreign || !files.has(s.File) {
				continue
			}
			ours++
			if grow := s.CPU[mapop.Grow]; grow > 0 {
				byLine[s.Line] = append(byLine[s.Line], growthSite{fn: s.Function, file: s.File, grow: grow})
			}
		}
	}
	out := findings[:0:0]
	considered, kept := 0, 0
	for _, f := range findings {
		if f.analyzer.Name != "mapprealloc" {
			out = append(out, f)
			continue
		}
		considered++
		var grow int64
		for _, rel := range f.diag.Related {
			pos := f.pkg.Fset.Position(rel.Pos)
			for _, s := range byLine[pos.Line] {
				if sameSourceLine(s, f.pkg, pos.Filename) {
					grow += s.grow
				}
			}
		}
		if grow == 0 {
			continue
		}
		kept++
		note := fmt.Sprintf("; the profile charges %s to its growth", time.Duration(grow).Round(time.Millisecond))
		if total > 0 {
			note += fmt.Sprintf(" (%.2f%% of its CPU time)", 100*float64(grow)/float64(total))
		}
		f.message += note
		f.diag.Message += note
		out = append(out, f)
	}
	if ours == 0 && sites > 0 {
		fmt.Fprintf(w, "mapscope lint: warning: no map call in %s is made by the linted packages: is it a profile of a program built from them?\n", g.name())
	}
	fmt.Fprintf(w, "mapscope lint: -profile %s: %d of %d mapprealloc finding(s) grow a map in the profile; the others are not shown\n", g.name(), kept, considered)
	return out, nil
}

// rootsFocus matches the functions of the linted packages, as a profile
// names them: "example.com/app/api.(*Server).list", "main.run".
func rootsFocus(roots []*packages.Package) *regexp.Regexp {
	seen := make(map[string]bool)
	var alts []string
	for _, p := range roots {
		path := regexp.QuoteMeta(p.PkgPath)
		if p.Name == "main" {
			path = "main"
		}
		if !seen[path] {
			seen[path] = true
			alts = append(alts, path)
		}
	}
	return regexp.MustCompile(`^(` + strings.Join(alts, "|") + `)\.`)
}

// sourceFiles are the files of the linted packages, by base name.
type sourceFiles map[string][]sourceFile

// A sourceFile is a linted file, named as a profile may name it.
type sourceFile struct {
	abs    string // as go list gives it
	rel    string // within its module, slash-separated
	module string // the module's path, "" when none
}

func newSourceFile(p *packages.Package, filename string) sourceFile {
	f := sourceFile{abs: filepath.ToSlash(filename), rel: path.Base(filepath.ToSlash(filename))}
	if p.Module != nil {
		f.module = p.Module.Path
		if r, err := filepath.Rel(p.Module.Dir, filename); err == nil && !strings.HasPrefix(r, "..") {
			f.rel = filepath.ToSlash(r)
		}
	}
	return f
}

// matches reports whether a file name in a profile is f. A profile names
// files as the build saw them: the same absolute path, the module path
// and the path within it (-trimpath), a module cache directory
// (module@version/rel), or another checkout of the module, matched by the
// path within it when that has a directory (a lone "main.go" could be any
// program's).
func (f sourceFile) matches(profileFile string) bool {
	pf := filepath.ToSlash(profileFile)
	switch {
	case pf == f.abs:
		return true
	case !strings.HasSuffix(pf, "/"+f.rel) && pf != f.rel:
		return false
	case f.module != "" && (strings.HasSuffix(pf, f.module+"/"+f.rel) || strings.Contains(pf, f.module+"@")):
		return true
	}
	return strings.Contains(f.rel, "/")
}

func rootFiles(roots []*packages.Package) sourceFiles {
	files := make(sourceFiles)
	for _, p := range roots {
		for _, name := range p.GoFiles {
			base := filepath.Base(name)
			files[base] = append(files[base], newSourceFile(p, name))
		}
	}
	return files
}

// has reports whether a profile's file name is one of the files.
func (files sourceFiles) has(profileFile string) bool {
	for _, f := range files[path.Base(filepath.ToSlash(profileFile))] {
		if f.matches(profileFile) {
			return true
		}
	}
	return false
}

// sameSourceLine reports whether the profile's site s is in the file
// filename of package p: the same file, and a function of p's package.
func sameSourceLine(s growthSite, p *packages.Package, filename string) bool {
	pkgPrefix := p.PkgPath + "."
	if p.Name == "main" {
		pkgPrefix = "main."
	}
	return strings.HasPrefix(s.fn, pkgPrefix) && newSourceFile(p, filename).matches(s.file)
}
