package mapwatch

import (
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/mapscope/mapscope/internal/mapruntime/funcname"
	"github.com/mapscope/mapscope/internal/mapruntime/mapkind"
	"github.com/mapscope/mapscope/internal/mapruntime/mapsite"
)

// sampler turns runtime.MemProfile into the top map allocation sites.
// A sample costs one runtime.MemProfile copy plus a cached classification
// per record, so it runs on the watcher's interval, not per scrape.
type sampler struct {
	topN int

	mu   sync.Mutex
	c    *mapsite.Classifier
	buf  []runtime.MemProfileRecord
	last siteSample
}

// siteSample is one reading of the map sites.
type siteSample struct {
	time  time.Time
	top   []siteSeries // at most topN, by in-use bytes
	other map[mapkind.Kind]int64
	total int64           // in-use map bytes over all sites
	lines []mapsite.Usage // every source line, by in-use bytes, for dumps
}

// siteSeries is one site of the metrics: a function and a kind, so that
// an edit above a line does not start a new series. The line holding the
// most bytes in it goes to the info metric.
type siteSeries struct {
	site       string // "svc.(*Server).login"
	kind       mapkind.Kind
	inUseBytes int64
	file       string // base name
	line       int
	lineBytes  int64
}

// siteLabel names a function for the site label: the package's last path
// element, type arguments elided ("lru.(*Cache[...]).Add"), so that the
// label is short and stable across builds.
func siteLabel(fn string) string {
	return funcname.Generic(funcname.Short(fn))
}

func newSampler(topN int) *sampler {
	return &sampler{topN: topN, c: mapsite.NewClassifier()}
}

func (s *sampler) sample(now time.Time) siteSample {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = mapsite.ReadMemProfile(s.buf)
	out := siteSample{time: now, other: map[mapkind.Kind]int64{}}
	type key struct {
		site string
		kind mapkind.Kind
	}
	index := map[key]int{}
	var all []siteSeries
	for _, u := range s.c.Sites(s.buf, runtime.MemProfileRate) {
		if u.InUseBytes <= 0 {
			continue
		}
		out.total += u.InUseBytes
		out.lines = append(out.lines, u)
		k := key{siteLabel(u.Function), u.Kind}
		i, ok := index[k]
		if !ok {
			i = len(all)
			index[k] = i
			all = append(all, siteSeries{site: k.site, kind: k.kind})
		}
		ss := &all[i]
		ss.inUseBytes += u.InUseBytes
		if u.InUseBytes > ss.lineBytes {
			ss.file, ss.line, ss.lineBytes = path.Base(filepath.ToSlash(u.File)), u.Line, u.InUseBytes
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].inUseBytes != all[j].inUseBytes {
			return all[i].inUseBytes > all[j].inUseBytes
		}
		return all[i].site < all[j].site
	})
	n := min(len(all), s.topN)
	out.top = all[:n:n]
	for _, ss := range all[n:] {
		out.other[ss.kind] += ss.inUseBytes
	}
	s.last = out
	return out
}

// current returns the last sample, taking a new one if it is older than
// maxAge, so that a scrape without Start still sees sites.
func (s *sampler) current(now time.Time, maxAge time.Duration) siteSample {
	s.mu.Lock()
	last := s.last
	s.mu.Unlock()
	if last.time.IsZero() || now.Sub(last.time) > maxAge {
		return s.sample(now)
	}
	return last
}
