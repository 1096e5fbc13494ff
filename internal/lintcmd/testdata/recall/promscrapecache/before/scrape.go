// Package retrieval reproduces, in its own words, the scrape caches fixed
// in Prometheus: https://github.com/prometheus/prometheus/commit/a83014f53c64cf6ae101faebaf38645106d52c95
// ("retrieval: fix memory leak and consumption for caches"; before/ is the
// code before the fix, after/ as fixed). The parsed-string and label-set
// caches of a scrape loop gained an entry for every series a target ever
// exposed; the fix drops entries not seen in the last scrape.
package retrieval

import (
	"context"
	"time"
)

type scrapeLoop struct {
	ctx       context.Context
	scrape    func() []string
	refCache  map[string]string
	lsetCache map[string]string
}

func NewScrapeLoop(ctx context.Context, scrape func() []string) *scrapeLoop {
	return &scrapeLoop{ctx: ctx, scrape: scrape, refCache: map[string]string{}, lsetCache: map[string]string{}}
}

func (sl *scrapeLoop) run(interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-sl.ctx.Done():
			return
		case <-ticker.C:
		}
		for _, met := range sl.scrape() {
			ref, ok := sl.refCache[met]
			if !ok {
				ref = "ref-" + met
				sl.refCache[met] = ref  // want growonly "map field scrapeLoop.refCache only grows"
				sl.lsetCache[ref] = met // want growonly "map field scrapeLoop.lsetCache only grows"
			}
		}
	}
}
