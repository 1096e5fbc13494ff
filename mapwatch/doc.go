// Package mapwatch watches the Go maps of a running program and exports
// what it sees as Prometheus metrics and full-stack heap profiles.
//
// A map never gives memory back while it lives (see mapstats), and
// /debug/pprof/heap strips the runtime frames that would say which bytes
// are map tables. mapwatch fills both gaps.
//
// Watch the maps that matter, with the lock their writers hold, and start
// polling:
//
//	w := mapwatch.New()
//	defer w.Close()
//	if err := mapwatch.Watch(w, "sessions", &s.sessions, &s.mu); err != nil {
//		return err
//	}
//	if err := mapwatch.WatchSyncMap(w, "tokens", &s.tokens); err != nil {
//		return err
//	}
//	w.Start()
//
// Export them, and serve the heap profile that keeps the map frames:
//
//	reg.MustRegister(w.Collector())
//	http.Handle("/debug/mapscope/heap", mapwatch.HeapProfileHandler())
//
// The Collector exports each map's entries, bytes, capacity, reclaimable
// bytes and peak entries, and the map allocation sites of the heap profile
// (runtime.MemProfile keeps whole stacks, so every record is classified
// exactly as map storage or not). Two policies are opt-in: WithRebuild
// rebuilds a watched map whose reclaimable bytes pass a threshold, and
// WithDump writes a profile and a JSON summary to a directory when map
// memory passes a rule. deploy/ in the mapscope repository has the
// Prometheus alerts and a Grafana dashboard for these metrics.
//
// Options with an invalid value, or given to the function they do not
// configure (WithRebuild to New), panic: they are programming errors.
//
// Reading a map while another goroutine writes it is a data race: give
// Watch the lock of every map that is written concurrently.
package mapwatch
