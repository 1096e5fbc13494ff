package mapwatch

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// collector exports a Watcher's maps and map sites. Every Collect reads
// each builtin map once, under its lock.
type collector struct {
	w *Watcher

	entries, capacity, bytes, reclaimable, peak *prometheus.Desc
	rebuilds, readErrors                        *prometheus.Desc
	siteInUse, siteInfo                         *prometheus.Desc
}

// Collector returns a prometheus.Collector for the watcher's maps and map
// sites. Register it with the program's registry; mapwatch never
// registers anything itself:
//
//	reg.MustRegister(w.Collector())
func (w *Watcher) Collector() prometheus.Collector {
	m := []string{"map"}
	site := []string{"site", "kind"}
	return &collector{
		w: w,
		entries: prometheus.NewDesc("mapscope_map_entries",
			"Entries in the map (len).", m, nil),
		capacity: prometheus.NewDesc("mapscope_map_capacity_slots",
			"Slots the map's tables (or buckets) hold; a map never shrinks them. Absent for a sync.Map.", m, nil),
		bytes: prometheus.NewDesc("mapscope_map_bytes",
			"Heap bytes the map holds, indirect keys and elems included.", m, nil),
		reclaimable: prometheus.NewDesc("mapscope_map_reclaimable_bytes",
			"Bytes a right-sized rebuild of the map would release.", m, nil),
		peak: prometheus.NewDesc("mapscope_map_peak_entries",
			"Largest length of the map seen by the watcher.", m, nil),
		rebuilds: prometheus.NewDesc("mapscope_map_rebuilds_total",
			"Rebuilds done by the mapwatch WithRebuild policy.", m, nil),
		readErrors: prometheus.NewDesc("mapscope_map_read_errors_total",
			"Reads of the map that failed (its other series are then absent); the service log says why.", m, nil),
		siteInUse: prometheus.NewDesc("mapscope_map_site_inuse_bytes",
			"In-use map storage bytes per allocating function and kind (top sites, the rest in site=\"other\"), estimated from the heap profile.",
			site, nil),
		siteInfo: prometheus.NewDesc("mapscope_map_site_info",
			"Always 1: the source line holding the most bytes of a site of mapscope_map_site_inuse_bytes.",
			[]string{"site", "kind", "file", "line"}, nil),
	}
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.entries, c.capacity, c.bytes, c.reclaimable, c.peak,
		c.rebuilds, c.readErrors, c.siteInUse, c.siteInfo} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	now := c.w.cfg.now()
	for _, e := range c.w.entries() {
		m := e.readMap(now, true)
		e.mu.Lock()
		readErrors := e.readErrors
		e.mu.Unlock()
		counter(c.readErrors, readErrors, m.Name)
		if m.Err != nil {
			continue
		}
		gauge(c.entries, float64(m.Stats.Len), m.Name)
		gauge(c.peak, float64(m.Peak), m.Name)
		if e.rebuild != nil {
			counter(c.rebuilds, m.Rebuilds, m.Name)
		}
		if e.lenOnly {
			continue
		}
		if !e.perEntry {
			gauge(c.capacity, float64(m.Stats.Capacity), m.Name)
		}
		gauge(c.bytes, float64(m.Stats.Bytes), m.Name)
		gauge(c.reclaimable, float64(m.Stats.Reclaimable()), m.Name)
	}
	if c.w.sampler == nil {
		return
	}
	s := c.w.sampler.current(now, c.w.cfg.interval)
	for _, ss := range s.top {
		gauge(c.siteInUse, float64(ss.inUseBytes), ss.site, string(ss.kind))
		gauge(c.siteInfo, 1, ss.site, string(ss.kind), ss.file, strconv.Itoa(ss.line))
	}
	for kind, b := range s.other {
		gauge(c.siteInUse, float64(b), "other", string(kind))
	}
}
