// Package mapwatch watches the Go maps of a running program and exports
// what it sees as Prometheus metrics and full-stack heap profiles.
//
// A map never gives memory back while it lives (see mapstats), and
// /debug/pprof/heap strips the runtime frames that would say which bytes
// are map tables. mapwatch fills both gaps:
//
//   - Register or Watch names a map; the Watcher's Collector exports its
//     entries, capacity, bytes, reclaimable bytes and peak entries,
//     reading the map under the lock the program already uses for it.
//   - A sampler reads runtime.MemProfile, which keeps whole stacks,
//     classifies every record exactly as map storage or not (package
//     mapsite) and exports the top map allocation sites.
//   - HeapProfileHandler serves a pprof heap profile that keeps the
//     runtime and internal/runtime/maps frames and labels map samples
//     with map_kind.
//   - Opt-in policies: rebuild a watched map when its reclaimable bytes
//     pass a threshold (WithRebuild), and dump a profile and a JSON
//     summary to a directory when map memory passes a rule (WithDump).
//
// Quick start:
//
//	w := mapwatch.New()
//	defer w.Close()
//	mapwatch.Watch(w, "sessions", &s.sessions, mapwatch.WithLock(&s.mu))
//	prometheus.MustRegister(w.Collector())
//	w.Start()
//
// Reading a map while another goroutine writes it is a data race: give
// every map that is written concurrently the lock its writers hold.
package mapwatch
