package mapwatch

import (
	"runtime"
	"sync"
	"time"

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
	top   []mapsite.Usage // at most topN sites, by in-use bytes
	other map[mapkind.Kind]int64
	total int64 // in-use map bytes over all sites
}

func newSampler(topN int) *sampler {
	return &sampler{topN: topN, c: mapsite.NewClassifier()}
}

func (s *sampler) sample(now time.Time) siteSample {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = mapsite.ReadMemProfile(s.buf)
	sites := s.c.Sites(s.buf, runtime.MemProfileRate)
	out := siteSample{time: now, other: map[mapkind.Kind]int64{}}
	seen := map[[2]string]int{}
	for _, u := range sites {
		if u.InUseBytes <= 0 {
			continue
		}
		out.total += u.InUseBytes
		// Two sites can share a label (same short name, file base and
		// line in different directories): they must share one series.
		key := [2]string{u.Site.String(), string(u.Kind)}
		if i, ok := seen[key]; ok {
			out.top[i].InUseBytes += u.InUseBytes
			out.top[i].InUseObjects += u.InUseObjects
			continue
		}
		if len(out.top) < s.topN {
			seen[key] = len(out.top)
			out.top = append(out.top, u)
			continue
		}
		out.other[u.Kind] += u.InUseBytes
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

// MapSites returns the map allocation sites of the last heap profile
// sample (taking one if none is recent), largest in-use first. It is nil
// when the sampler is off (WithTopSites(0)).
func (w *Watcher) MapSites() []mapsite.Usage {
	if w.sampler == nil {
		return nil
	}
	s := w.sampler.current(w.cfg.now(), w.cfg.interval)
	return append([]mapsite.Usage(nil), s.top...)
}
