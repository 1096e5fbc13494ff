package mapwatch

import (
	"github.com/prometheus/client_golang/prometheus"
)

// collector exports a Watcher's maps and map sites. Every Collect reads
// each map once, under its lock.
type collector struct {
	w *Watcher

	entries, capacity, bytes, reclaimable, peak *prometheus.Desc
	rebuilds, readErrors, siteInUse             *prometheus.Desc
}

// Collector returns a prometheus.Collector for the watcher's maps. Register
// it with the program's registry: mapwatch never registers globally.
//
//	reg.MustRegister(w.Collector())
func (w *Watcher) Collector() prometheus.Collector {
	m := []string{"map"}
	return &collector{
		w: w,
		entries: prometheus.NewDesc("mapscope_map_entries",
			"Entries in the map (len).", m, nil),
		capacity: prometheus.NewDesc("mapscope_map_capacity_slots",
			"Slots the map's tables (or buckets) hold; a map never shrinks them.", m, nil),
		bytes: prometheus.NewDesc("mapscope_map_bytes",
			"Heap bytes the map holds, indirect keys and elems included.", m, nil),
		reclaimable: prometheus.NewDesc("mapscope_map_reclaimable_bytes",
			"Bytes a right-sized rebuild of the map would release.", m, nil),
		peak: prometheus.NewDesc("mapscope_map_peak_entries",
			"Largest length of the map seen by the watcher.", m, nil),
		rebuilds: prometheus.NewDesc("mapscope_map_rebuilds_total",
			"Rebuilds done by the mapwatch rebuild policy.", m, nil),
		readErrors: prometheus.NewDesc("mapscope_map_read_errors",
			"1 when mapstats cannot read the map on this Go version, else 0.", m, nil),
		siteInUse: prometheus.NewDesc("mapscope_map_site_inuse_bytes",
			"In-use map storage bytes per allocation site (top sites, the rest in site=\"other\"), estimated from the heap profile.",
			[]string{"site", "kind"}, nil),
	}
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.entries, c.capacity, c.bytes, c.reclaimable, c.peak, c.rebuilds, c.readErrors, c.siteInUse} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for _, ms := range c.w.Maps() {
		if ms.Err != nil {
			gauge(c.readErrors, 1, ms.Name)
			continue
		}
		gauge(c.readErrors, 0, ms.Name)
		gauge(c.entries, float64(ms.Stats.Len), ms.Name)
		gauge(c.capacity, float64(ms.Stats.Capacity), ms.Name)
		gauge(c.bytes, float64(ms.Stats.Bytes), ms.Name)
		gauge(c.reclaimable, float64(ms.Stats.Reclaimable()), ms.Name)
		gauge(c.peak, float64(ms.Peak), ms.Name)
		ch <- prometheus.MustNewConstMetric(c.rebuilds, prometheus.CounterValue, float64(ms.Rebuilds), ms.Name)
	}
	if c.w.sampler == nil {
		return
	}
	s := c.w.sampler.current(c.w.cfg.now(), c.w.cfg.interval)
	for _, u := range s.top {
		gauge(c.siteInUse, float64(u.InUseBytes), u.Site.String(), string(u.Kind))
	}
	for kind, b := range s.other {
		gauge(c.siteInUse, float64(b), "other", string(kind))
	}
}
