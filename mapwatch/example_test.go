package mapwatch_test

import (
	"fmt"
	"log"
	"net/http"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mapscope/mapscope/mapwatch"
)

type server struct {
	mu       sync.Mutex
	sessions map[string]int // guarded by mu
	tokens   sync.Map
}

func Example() {
	s := &server{sessions: map[string]int{}}

	w := mapwatch.New()
	defer w.Close()
	if err := mapwatch.Watch(w, "sessions", &s.sessions, &s.mu); err != nil {
		log.Fatal(err)
	}
	if err := mapwatch.WatchSyncMap(w, "tokens", &s.tokens); err != nil {
		log.Fatal(err)
	}
	w.Start()

	reg := prometheus.NewRegistry()
	reg.MustRegister(w.Collector())
	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	http.Handle("/debug/mapscope/heap", mapwatch.HeapProfileHandler())

	s.mu.Lock()
	for i := 0; i < 1000; i++ {
		s.sessions[strconv.Itoa(i)] = i
	}
	s.mu.Unlock()
	s.tokens.Store("t", 1)
	for _, m := range w.Maps() {
		fmt.Println(m.Name, m.Stats.Len, m.Peak)
	}
	// Output:
	// sessions 1000 1000
	// tokens 1 1
}

func ExampleWithRebuild() {
	var mu sync.Mutex
	cache := map[int]int{}
	for i := 0; i < 100000; i++ {
		cache[i] = i
	}
	for i := 100; i < 100000; i++ {
		delete(cache, i) // the tables of 100000 entries stay
	}

	w := mapwatch.New(mapwatch.WithTopSites(0))
	if err := mapwatch.Watch(w, "cache", &cache, &mu, mapwatch.WithRebuild(1<<20)); err != nil {
		log.Fatal(err)
	}
	before := w.Maps()[0].Stats.Bytes
	if err := w.Poll(); err != nil { // Start does this every interval
		log.Fatal(err)
	}
	after := w.Maps()[0]
	fmt.Println("rebuilds:", after.Rebuilds, "entries:", len(cache), "bytes shrank 10x:", after.Stats.Bytes*10 < before)
	// Output:
	// rebuilds: 1 entries: 100 bytes shrank 10x: true
}
