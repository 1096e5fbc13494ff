package main

import "net/http"

// Configuration code fills maps as large as the configuration, once per
// load: not reported. The same map filled by a request is.

type ZoneConfig struct{ Names []string }

type Server struct {
	zones   map[string]bool
	allowed map[string]bool
	hits    map[string]int
}

var srv = &Server{zones: map[string]bool{}, allowed: map[string]bool{}, hits: map[string]int{}}

// setupZones is named for configuration.
func (s *Server) setupZones(names []string) {
	for _, n := range names {
		s.zones[n] = true
	}
}

// newAllowList takes a configuration type.
func newAllowList(s *Server, cfg *ZoneConfig) {
	for _, n := range cfg.Names {
		s.allowed[n] = true
	}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.hits[r.URL.Path]++ // want `map field Server.hits only grows`
}

// reload runs on every SIGHUP, not once.
func reload(cfg *ZoneConfig) {
	srv.setupZones(cfg.Names)
	newAllowList(srv, cfg)
}
