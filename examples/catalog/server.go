package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// server routes requests through the rate limiter to the catalog, the
// page cache and the search, and records each in the audit log.
type server struct {
	mux     *http.ServeMux
	limiter *limiter
	catalog *catalog
	pages   *pageCache
	audit   *auditLog
}

func newServer(products int) *server {
	s := &server{
		mux:     http.NewServeMux(),
		limiter: newLimiter(100, time.Second),
		catalog: newCatalog(products),
		pages:   newPageCache(pageCacheSize),
		audit:   &auditLog{},
	}
	s.mux.HandleFunc("/product", s.product)
	s.mux.HandleFunc("/search", s.search)
	// net/http/pprof registers /debug/pprof/ on the default mux.
	s.mux.Handle("/debug/", http.DefaultServeMux)
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/debug/") {
		s.mux.ServeHTTP(w, r)
		return
	}
	client := clientAddr(r)
	if !s.limiter.allow(client) {
		http.Error(w, "slow down", http.StatusTooManyRequests)
		return
	}
	s.audit.record(client, r.URL.Path, r.URL.RawQuery)
	s.mux.ServeHTTP(w, r)
}

// clientAddr is the client's address: the proxy's X-Forwarded-For when
// there is one, as behind a load balancer.
func clientAddr(r *http.Request) string {
	if f := r.Header.Get("X-Forwarded-For"); f != "" {
		return f
	}
	return r.RemoteAddr
}

func (s *server) product(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	page, ok := s.pages.get(id)
	if !ok {
		p, found := s.catalog.byID(id)
		if !found {
			http.NotFound(w, r)
			return
		}
		page = renderPage(p)
		s.pages.put(id, page)
	}
	w.Header().Set("Content-Type", "text/html")
	w.Write(page)
}

func (s *server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	hits := s.catalog.search(q, 50)
	res := struct {
		Hits   []product      `json:"hits"`
		Facets map[string]int `json:"facets"`
	}{hits, facetCounts(hits)}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(res)
}
