// Package mapsite classifies raw heap profile records as Go map storage.
//
// runtime.MemProfile keeps the whole allocation stack, including the
// runtime and internal/runtime/maps frames that runtime/pprof strips from
// /debug/pprof/heap. Those frames say exactly whether an allocation is map
// storage and why it happened: a table grown or split by an assignment
// (grow), a map made with a size or a literal (make), maps.Clone (clone),
// a map built through reflect, for example by encoding/json (reflect), or
// a sync.Map node (syncmap). The bytes are attributed to the first frame
// outside the standard library, the user's source line.
package mapsite

import (
	"fmt"
	"math"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/mapscope/mapscope/internal/mapruntime/funcname"
	"github.com/mapscope/mapscope/internal/mapruntime/mapkind"
)

// Site is the user source line that map storage is attributed to.
type Site struct {
	Function string // full function name, e.g. example.com/svc.(*Server).login
	File     string // full file name as recorded in the binary
	Line     int
	Kind     mapkind.Kind // grow, make, clone, reflect or syncmap
}

// String names the site compactly and stably, for logs and metric labels:
// "svc.(*Server).login server.go:42".
func (s Site) String() string {
	return fmt.Sprintf("%s %s:%d", funcname.Short(s.Function), path.Base(filepath.ToSlash(s.File)), s.Line)
}

// Usage is the memory a site holds and has allocated, scaled like
// runtime/pprof scales heap samples so that it estimates real bytes.
type Usage struct {
	Site
	InUseBytes, InUseObjects int64
	AllocBytes, AllocObjects int64
}

type verdict struct {
	site Site
	ok   bool
}

// A Classifier classifies stacks and caches its verdicts per stack, so
// that sampling the profile repeatedly costs one map lookup per record.
// It is not safe for concurrent use.
type Classifier struct {
	cache   map[[32]uintptr]verdict
	exclude []string
	goroot  string
}

// maxCache bounds the verdict cache; MemProfile never forgets a stack, so
// this is only reached by programs with an enormous number of call sites.
const maxCache = 1 << 16

// NewClassifier returns a Classifier. Sites whose function belongs to one
// of the excluded package paths are dropped: measuring code uses this to
// hide its own bookkeeping maps.
func NewClassifier(excludePackages ...string) *Classifier {
	goroot := filepath.ToSlash(runtime.GOROOT())
	if goroot != "" {
		goroot += "/src/"
	}
	return &Classifier{
		cache:   make(map[[32]uintptr]verdict),
		exclude: excludePackages,
		goroot:  goroot,
	}
}

// Classify reports whether the allocation with this stack (return PCs,
// leaf first, as in runtime.MemProfileRecord) is map storage, and where.
func (c *Classifier) Classify(stack []uintptr) (Site, bool) {
	var key [32]uintptr
	cacheable := len(stack) <= len(key)
	if cacheable {
		copy(key[:], stack)
		if v, ok := c.cache[key]; ok {
			return v.site, v.ok
		}
	}
	site, ok := c.classify(stack)
	if ok && c.excluded(site.Function) {
		ok = false
	}
	if cacheable {
		if len(c.cache) >= maxCache {
			clear(c.cache)
		}
		c.cache[key] = verdict{site, ok}
	}
	return site, ok
}

func (c *Classifier) classify(stack []uintptr) (Site, bool) {
	frames := runtime.CallersFrames(stack)
	kind := mapkind.Kind("")
	storage := false // a runtime map or sync.Map frame allocated it
	for {
		f, more := frames.Next()
		if f.Function == "" && !more {
			return Site{}, false
		}
		if c.isStd(f) {
			k := mapkind.OfFrame(f.Function)
			// A reflect frame gives the reason but allocates nothing
			// itself: the runtime map frames below it do.
			if k != "" && k != mapkind.Reflect {
				storage = true
			}
			if mapkind.Rank(k) > mapkind.Rank(kind) {
				kind = k
			}
			if !more {
				return Site{}, false
			}
			continue
		}
		if !storage {
			return Site{}, false
		}
		return Site{Function: f.Function, File: f.File, Line: f.Line, Kind: kind}, true
	}
}

// isStd reports whether a frame belongs to the Go distribution. Files
// under GOROOT decide it; for -trimpath binaries, whose files are not
// absolute, the package path decides: standard packages have no dot in
// their first element.
func (c *Classifier) isStd(f runtime.Frame) bool {
	file := filepath.ToSlash(f.File)
	if c.goroot != "" && strings.HasPrefix(file, c.goroot) {
		return true
	}
	if strings.HasPrefix(file, "/") || filepath.IsAbs(f.File) {
		return false
	}
	return funcname.IsStandard(funcname.Package(f.Function))
}

func (c *Classifier) excluded(fn string) bool {
	pkg := funcname.Package(fn)
	for _, p := range c.exclude {
		if pkg == p {
			return true
		}
	}
	return false
}

// Sites aggregates the map storage in records per site, scaled by the
// sampling rate the records were taken at (runtime.MemProfileRate), and
// returns them by in-use bytes, largest first.
func (c *Classifier) Sites(records []runtime.MemProfileRecord, rate int) []Usage {
	index := make(map[Site]int)
	var out []Usage
	for i := range records {
		r := &records[i]
		site, ok := c.Classify(r.Stack())
		if !ok {
			continue
		}
		j, seen := index[site]
		if !seen {
			j = len(out)
			index[site] = j
			out = append(out, Usage{Site: site})
		}
		u := &out[j]
		ao, ab := ScaleHeapSample(r.AllocObjects, r.AllocBytes, rate)
		io, ib := ScaleHeapSample(r.InUseObjects(), r.InUseBytes(), rate)
		u.AllocObjects += ao
		u.AllocBytes += ab
		u.InUseObjects += io
		u.InUseBytes += ib
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].InUseBytes != out[j].InUseBytes {
			return out[i].InUseBytes > out[j].InUseBytes
		}
		return out[i].Site.String() < out[j].Site.String()
	})
	return out
}

// ScaleHeapSample turns sampled counts into estimates of the real ones,
// exactly as runtime/pprof does for heap profiles: an allocation of size s
// is sampled with probability 1-exp(-s/rate).
func ScaleHeapSample(count, size int64, rate int) (int64, int64) {
	if count == 0 || size == 0 {
		return 0, 0
	}
	if rate <= 1 {
		return count, size
	}
	avg := float64(size) / float64(count)
	scale := 1 / (1 - math.Exp(-avg/float64(rate)))
	return int64(float64(count) * scale), int64(float64(size) * scale)
}

// ReadMemProfile returns the current runtime.MemProfile records (in-use
// and freed alike), reusing buf when it is large enough.
func ReadMemProfile(buf []runtime.MemProfileRecord) []runtime.MemProfileRecord {
	n, _ := runtime.MemProfile(nil, true)
	for {
		if cap(buf) < n+50 {
			buf = make([]runtime.MemProfileRecord, n+50+n/4)
		}
		buf = buf[:cap(buf)]
		var ok bool
		n, ok = runtime.MemProfile(buf, true)
		if ok {
			return buf[:n]
		}
	}
}
