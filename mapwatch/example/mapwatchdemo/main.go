// Command mapwatchdemo is a small service with three map problems, watched
// by mapwatch: a session map that leaks (entries are never deleted), a
// cache that peaked and kept its tables after its entries were deleted,
// and a static configuration map as a control.
//
// It serves /metrics (Prometheus), /debug/mapscope/heap (the full-stack
// heap profile), /state (what the program itself knows about its maps, as
// JSON) and /leak?n=N (N more sessions at once), and prints
// "listening on http://ADDR" once it is ready. With -leak 0 sessions leak
// only through /leak, which lets a test decide when the map grows.
//
//	go run ./example/mapwatchdemo -addr 127.0.0.1:8080
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mapscope/mapscope/mapstats"
	"github.com/mapscope/mapscope/mapwatch"
)

// session is over 128 bytes, so the map stores it indirectly and each
// entry costs a separate allocation that mapstats counts.
type session struct {
	user    [64]byte
	created time.Time
	scratch [180]byte
}

type service struct {
	mu       sync.Mutex
	sessions map[uint64]session
	next     uint64 // next session id

	cacheMu   sync.RWMutex
	cache     map[int]int
	cachePeak int

	config map[string]int
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	prefill := flag.Int("prefill", 70000, "sessions created at start")
	leak := flag.Int("leak", 1000000, "sessions leaked by the background leak before it stops (0: only /leak)")
	perTick := flag.Int("per-tick", 100, "sessions leaked per tick")
	tick := flag.Duration("tick", time.Second, "leak tick")
	interval := flag.Duration("interval", time.Second, "mapwatch poll interval")
	flag.Parse()
	if err := run(*addr, *prefill, *leak, *perTick, *tick, *interval); err != nil {
		fmt.Fprintln(os.Stderr, "mapwatchdemo:", err)
		os.Exit(1)
	}
}

func run(addr string, prefill, leak, perTick int, tick, interval time.Duration) error {
	if prefill < 0 || leak < 0 || perTick <= 0 || tick <= 0 {
		return fmt.Errorf("bad flags: -prefill %d -leak %d -per-tick %d -tick %s", prefill, leak, perTick, tick)
	}
	s := &service{sessions: map[uint64]session{}, cache: map[int]int{}, config: map[string]int{}}
	for i := 0; i < 5000; i++ {
		s.config["key-"+strconv.Itoa(i)] = i
	}
	s.login(prefill)
	w := mapwatch.New(mapwatch.WithInterval(interval))
	defer w.Close()
	if err := mapwatch.Watch(w, "sessions", &s.sessions, mapwatch.WithLock(&s.mu)); err != nil {
		return err
	}
	if err := mapwatch.Watch(w, "cache", &s.cache, mapwatch.WithRWMutex(&s.cacheMu)); err != nil {
		return err
	}
	if err := w.Register("config", s.config); err != nil {
		return err
	}
	// The cache peaks at 50000 entries, the watcher sees the peak, then
	// all but 100 entries are deleted: the tables stay.
	s.cachePeak = 50000
	for i := 0; i < s.cachePeak; i++ {
		s.cache[i] = i
	}
	if err := w.Poll(); err != nil {
		return err
	}
	s.cacheMu.Lock()
	for i := 100; i < s.cachePeak; i++ {
		delete(s.cache, i)
	}
	s.cacheMu.Unlock()

	reg := prometheus.NewRegistry()
	reg.MustRegister(w.Collector())
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("/debug/mapscope/heap", mapwatch.HeapProfileHandler())
	mux.HandleFunc("/state", s.state)
	mux.HandleFunc("/leak", s.leakHandler)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	w.Start()
	if leak > 0 {
		go s.leak(leak, perTick, tick)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	return http.Serve(ln, mux)
}

// login adds n sessions that nothing ever deletes: the bug.
func (s *service) login(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.sessions[s.next] = session{created: time.Now()}
		s.next++
	}
}

// leak logs in perTick sessions every tick until total have leaked.
func (s *service) leak(total, perTick int, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for left := total; left > 0; left -= perTick {
		<-t.C
		s.login(min(perTick, left))
	}
}

func (s *service) leakHandler(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.FormValue("n"))
	if err != nil || n < 0 || n > 1000000 {
		http.Error(w, fmt.Sprintf("bad n %q: want 0 to 1000000", r.FormValue("n")), http.StatusBadRequest)
		return
	}
	s.login(n)
	s.mu.Lock()
	total := len(s.sessions)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, "{\"sessions\": %d}\n", total)
}

// state reports the maps as the program sees them, for tests and humans.
func (s *service) state(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{}
	s.mu.Lock()
	out["sessions"] = len(s.sessions)
	s.mu.Unlock()
	s.cacheMu.RLock()
	out["cache"], out["cache_peak"] = len(s.cache), s.cachePeak
	s.cacheMu.RUnlock()
	st, err := mapstats.Of(s.config)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	out["config"], out["config_bytes"] = len(s.config), st.Bytes
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(out); err != nil {
		log.Print(err)
	}
}
