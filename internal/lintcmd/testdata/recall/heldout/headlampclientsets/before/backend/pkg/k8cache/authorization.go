// Package k8cache caches the Kubernetes API responses Headlamp's backend
// proxies, and checks with the cluster that a user may see a cached
// response before serving it.
//
// Reproduces, in our own words, the shape of kubernetes-sigs/headlamp
// before https://github.com/kubernetes-sigs/headlamp/pull/5286 (commit
// 28d8aa5, "backend: k8cache: Add background janitor to evict expired
// clientsets", for issue #5285): every cached request's authorization
// check made a clientset for the cluster and the request's bearer token
// and kept it in a package-level map keyed by both. An entry older than
// ten minutes was deleted only when the same cluster and token came back,
// so every token that was used once (short-lived tokens, users who do not
// return) left its clientset, with its connection pool, in the map for the
// life of the process. The fix sweeps the map on a ticker. Upstream makes
// client-go clientsets and creates SelfSubjectAccessReviews; here the
// clientset posts a small JSON review.
package k8cache

import (
	"fmt"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"

	"recall/heldout/headlampclientsets/before/backend/pkg/kubeconfig"
)

// CachedClientSet is a clientset and when it was made.
type CachedClientSet struct {
	clientset *kubeconfig.Clientset
	lastUsed  time.Time
}

var (
	clientsetCache = make(map[string]*CachedClientSet)
	mu             sync.Mutex
)

// GetClientSet returns a clientset for the cluster of k that acts as the
// user of token, made once and reused for ten minutes.
func GetClientSet(k *kubeconfig.Context, token string) (*kubeconfig.Clientset, error) {
	parts := strings.Split(k.ClusterID, "+")
	if len(parts) < 2 {
		return nil, fmt.Errorf("unexpected ClusterID format %q", k.ClusterID)
	}
	cacheKey := parts[1] + "-" + token

	mu.Lock()
	defer mu.Unlock()

	if cs, found := clientsetCache[cacheKey]; found {
		if time.Since(cs.lastUsed) > 10*time.Minute {
			// Expired: drop it and make a fresh one below.
			delete(clientsetCache, cacheKey)
			log.Printf("k8cache: expired clientset for cluster %s dropped", parts[1])
		} else {
			return cs.clientset, nil
		}
	}

	cs, err := k.ClientSetWithToken(token)
	if err != nil {
		return nil, fmt.Errorf("making clientset for cluster %s: %w", parts[1], err)
	}
	clientsetCache[cacheKey] = &CachedClientSet{clientset: cs, lastUsed: time.Now()} // want growonly "."
	return cs, nil
}

// KindAndVerb returns the resource (the last element of the API path) and
// the verb of a proxied request.
func KindAndVerb(r *http.Request, apiPath string) (string, string) {
	if apiPath == "" {
		return "", "unknown"
	}
	parts := strings.Split(strings.Trim(apiPath, "/"), "/")
	last := parts[len(parts)-1]
	if r.Method != http.MethodGet {
		return last, "unknown"
	}
	if r.URL.Query().Get("watch") == "true" {
		return last, "watch"
	}
	return last, "get"
}

// IsAllowed asks the cluster whether the request's user may see what the
// request asks for.
func IsAllowed(k *kubeconfig.Context, r *http.Request, apiPath string) (bool, error) {
	token := strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	clientset, err := GetClientSet(k, token)
	if err != nil {
		return false, err
	}
	resource, verb := KindAndVerb(r, apiPath)
	if resource == "" {
		return false, fmt.Errorf("no resource in request")
	}
	return clientset.AccessReview(resource, verb)
}
