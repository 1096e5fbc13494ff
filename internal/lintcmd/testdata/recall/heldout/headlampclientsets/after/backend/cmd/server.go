// Command headlamp serves Headlamp's backend: it proxies the Kubernetes
// API of the configured clusters under /clusters/{cluster}/..., caching
// GET responses for users the cluster allows to see them.
package main

import (
	"flag"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"recall/heldout/headlampclientsets/after/backend/pkg/k8cache"
	"recall/heldout/headlampclientsets/after/backend/pkg/kubeconfig"
)

var (
	listenAddr = flag.String("listen-addr", ":4466", "address to serve on")
	apiServer  = flag.String("api-server", "https://127.0.0.1:6443", "API server of the one configured cluster")
	cacheOn    = flag.Bool("cache-enabled", true, "cache API responses")
)

type server struct {
	store     *kubeconfig.Store
	responses *k8cache.ResponseCache
	cacheOn   bool
}

func main() {
	flag.Parse()
	s := &server{
		store: kubeconfig.NewStore(&kubeconfig.Context{
			Name: "main", ClusterID: "kubeconfig+main", Server: *apiServer,
		}),
		responses: k8cache.NewResponseCache(time.Minute),
		cacheOn:   *cacheOn,
	}
	http.Handle("/clusters/", s.cacheMiddleware(http.HandlerFunc(s.proxy)))
	log.Fatal(http.ListenAndServe(*listenAddr, nil))
}

// split returns the cluster name and the API path of /clusters/{cluster}/{api...}.
func split(path string) (string, string) {
	rest := strings.TrimPrefix(path, "/clusters/")
	cluster, api, _ := strings.Cut(rest, "/")
	return cluster, "/" + api
}

func (s *server) proxy(w http.ResponseWriter, r *http.Request) {
	cluster, api := split(r.URL.Path)
	kc, err := s.store.GetContext(cluster)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	target, err := url.Parse(kc.Server)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	r.URL.Path = api
	rp.ServeHTTP(w, r)
}

func (s *server) cacheMiddleware(next http.Handler) http.Handler {
	if !s.cacheOn {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r)
			return
		}
		cluster, api := split(r.URL.Path)
		kc, err := s.store.GetContext(cluster)
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		key := cluster + "|" + r.URL.RequestURI()

		allowed, err := k8cache.IsAllowed(kc, r, api)
		if err != nil || !allowed {
			// Let the API server answer, with its own error if any.
			next.ServeHTTP(w, r)
			return
		}
		if s.responses.Load(key, w) {
			return
		}
		rc := k8cache.NewResponseCapture(w)
		next.ServeHTTP(rc, r)
		if rc.Status == http.StatusOK {
			s.responses.Store(key, rc.Body.Bytes())
		}
	})
}
