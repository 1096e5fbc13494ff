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

// A function that takes the configuration but keys its map by what came
// with the request is not configuration code for that map: Headlamp's
// clientset cache, https://github.com/kubernetes-sigs/headlamp/pull/5286,
// took a cluster's context and cached a clientset per bearer token.
type clientsets struct {
	byToken map[string]*ZoneConfig
}

var cache = &clientsets{byToken: map[string]*ZoneConfig{}}

func (c *clientsets) forRequest(cfg *ZoneConfig, r *http.Request) *ZoneConfig {
	token := r.Header.Get("Authorization")
	if cs, ok := c.byToken[token]; ok {
		return cs
	}
	c.byToken[token] = cfg // want `map field clientsets.byToken only grows`
	return cfg
}

// Near miss: request data two calls away from the configuration code
// that stores it is weaker evidence than the configuration (caddy's ECH
// configs, loaded by name from storage): not reported.
type zoneSets struct {
	names map[string]bool
}

var zoneSet = &zoneSets{names: map[string]bool{}}

func handleZone(w http.ResponseWriter, r *http.Request) { loadZone(r.URL.Query().Get("zone")) }

func loadZone(name string) { zoneSet.setupZone(name) }

func (z *zoneSets) setupZone(name string) {
	z.names[name] = true
}
