// Command mapwatchdemo is a small service with the map problems mapwatch
// and the rules in deploy/ are about, each in a map of its own:
//
//   - sessions: a session map that leaks (entries are never deleted), at a
//     steady rate (-per-tick every -tick, up to -leak sessions);
//   - recent: a bounded FIFO cache of -recent-cap pages that starts
//     filling after -recent-after, fills in -recent-fill, then stays full
//     while -recent-churn pages a second replace the oldest: flat in
//     entries, creeping in bytes (insert/delete churn);
//   - cache: a cache that peaked and kept its tables after its entries
//     were deleted (mostly reclaimable);
//   - config: a static configuration map, the control;
//   - tokens: a sync.Map of 10,000 entries.
//
// It serves /metrics (Prometheus), /debug/mapscope/heap (the full-stack
// heap profile), /state (what the program itself knows about its maps, as
// JSON) and /leak?n=N (N more sessions at once), and prints
// "listening on http://ADDR" once it is ready.
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

// page is stored inline in the map's slots (under 128 bytes).
type page [96]byte

type service struct {
	mu       sync.Mutex
	sessions map[uint64]session
	next     uint64 // next session id

	recentMu     sync.Mutex
	recent       map[uint64]page
	recentOldest uint64 // FIFO: keys recentOldest..recentNext-1 are live
	recentNext   uint64

	cacheMu   sync.RWMutex
	cache     map[int]int
	cachePeak int

	config map[string]int
	tokens sync.Map
}

type flags struct {
	addr           string
	prefill, leak  int
	perTick        int
	tick, interval time.Duration
	recentCap      int
	recentAfter    time.Duration
	recentFill     time.Duration
	recentChurn    int
}

func main() {
	var f flags
	flag.StringVar(&f.addr, "addr", "127.0.0.1:0", "listen address")
	flag.IntVar(&f.prefill, "prefill", 70000, "sessions created at start")
	flag.IntVar(&f.leak, "leak", 1000000, "sessions leaked by the background leak before it stops (0: only /leak)")
	flag.IntVar(&f.perTick, "per-tick", 100, "sessions leaked per tick")
	flag.DurationVar(&f.tick, "tick", time.Second, "leak tick")
	flag.DurationVar(&f.interval, "interval", time.Second, "mapwatch poll interval")
	flag.IntVar(&f.recentCap, "recent-cap", 200000, "pages the bounded cache holds (0: no bounded cache)")
	flag.DurationVar(&f.recentAfter, "recent-after", time.Minute, "when the bounded cache starts filling")
	flag.DurationVar(&f.recentFill, "recent-fill", 3*time.Minute, "how long it takes to fill")
	flag.IntVar(&f.recentChurn, "recent-churn", 2000, "pages a second that replace the oldest once it is full")
	flag.Parse()
	if err := run(f); err != nil {
		fmt.Fprintln(os.Stderr, "mapwatchdemo:", err)
		os.Exit(1)
	}
}

func run(f flags) error {
	if f.prefill < 0 || f.leak < 0 || f.perTick <= 0 || f.tick <= 0 || f.interval <= 0 ||
		f.recentCap < 0 || f.recentAfter < 0 || f.recentFill <= 0 || f.recentChurn < 0 {
		return fmt.Errorf("bad flags: %+v", f)
	}
	s := &service{sessions: map[uint64]session{}, recent: map[uint64]page{}, cache: map[int]int{}, config: map[string]int{}}
	for i := 0; i < 5000; i++ {
		s.config["key-"+strconv.Itoa(i)] = i
	}
	for i := 0; i < 10000; i++ {
		s.tokens.Store("token-"+strconv.Itoa(i), i)
	}
	s.login(f.prefill)
	w := mapwatch.New(mapwatch.WithInterval(f.interval))
	defer w.Close()
	for _, err := range []error{
		mapwatch.Watch(w, "sessions", &s.sessions, &s.mu),
		mapwatch.Watch(w, "recent", &s.recent, &s.recentMu),
		mapwatch.Watch(w, "cache", &s.cache, &s.cacheMu),
		mapwatch.Watch(w, "config", &s.config, nil), // never written after start
		mapwatch.WatchSyncMap(w, "tokens", &s.tokens),
	} {
		if err != nil {
			return err
		}
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
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	w.Start()
	if f.leak > 0 {
		go s.leak(f.leak, f.perTick, f.tick)
	}
	if f.recentCap > 0 {
		go s.fillRecent(f.recentCap, f.recentAfter, f.recentFill, f.recentChurn)
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

// leak logs in perTick sessions every tick, on average, until total have
// leaked: the rate holds even when ticks are late (a loaded machine), so
// that the leak is as steady as a real one driven by traffic.
func (s *service) leak(total, perTick int, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	start := time.Now()
	for leaked := 0; leaked < total; {
		<-t.C
		due := min(total, int(int64(perTick)*int64(time.Since(start))/int64(tick)))
		s.login(due - leaked)
		leaked = due
	}
}

// fillRecent fills the bounded cache at a steady rate over fill, starting
// after a delay, then replaces its oldest pages at churn per second.
func (s *service) fillRecent(capacity int, after, fill time.Duration, churn int) {
	time.Sleep(after)
	const step = 50 * time.Millisecond
	perStep := max(1, int(int64(capacity)*int64(step)/int64(fill)))
	t := time.NewTicker(step)
	defer t.Stop()
	for {
		<-t.C
		s.recentMu.Lock()
		room := capacity - len(s.recent)
		n := min(perStep, room)
		if room == 0 {
			n = churn * int(step) / int(time.Second)
		}
		for i := 0; i < n; i++ {
			if len(s.recent) == capacity {
				delete(s.recent, s.recentOldest)
				s.recentOldest++
			}
			s.recent[s.recentNext] = page{}
			s.recentNext++
		}
		s.recentMu.Unlock()
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
	s.recentMu.Lock()
	out["recent"] = len(s.recent)
	s.recentMu.Unlock()
	s.cacheMu.RLock()
	out["cache"], out["cache_peak"] = len(s.cache), s.cachePeak
	s.cacheMu.RUnlock()
	st, err := mapstats.Of(s.config)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	out["config"], out["config_bytes"] = len(s.config), st.Bytes
	tokens := 0
	s.tokens.Range(func(any, any) bool { tokens++; return true })
	out["tokens"] = tokens
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(out); err != nil {
		log.Print(err)
	}
}
