// Package k8cache caches the Kubernetes API responses Headlamp's backend
// proxies, and checks with the cluster that a user may see a cached
// response before serving it.
//
// The fixed shape of kubernetes-sigs/headlamp after
// https://github.com/kubernetes-sigs/headlamp/pull/5286 (commit 28d8aa5):
// a janitor goroutine, started once by the first GetClientSet, deletes
// every clientset unused for the TTL, whether or not its token comes back.
package k8cache

import (
	"fmt"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"

	"recall/heldout/headlampclientsets/after/backend/pkg/kubeconfig"
)

// CachedClientSet is a clientset and when it was made.
type CachedClientSet struct {
	clientset *kubeconfig.Clientset
	lastUsed  time.Time
}

// clientsetTTL is how long an unused clientset stays cached.
const clientsetTTL = 10 * time.Minute

// janitorInterval is how often the janitor sweeps the cache.
const janitorInterval = 5 * time.Minute

var (
	clientsetCache = make(map[string]*CachedClientSet)
	mu             sync.Mutex
	janitorOnce    sync.Once
)

// startJanitor starts, once, the goroutine that sweeps clientsetCache.
func startJanitor() {
	janitorOnce.Do(func() {
		go func() {
			ticker := time.NewTicker(janitorInterval)
			defer ticker.Stop()
			for range ticker.C {
				evictExpiredClientsets()
			}
		}()
	})
}

// evictExpiredClientsets deletes every clientset unused for clientsetTTL.
func evictExpiredClientsets() {
	mu.Lock()
	now := time.Now()
	evicted := 0
	for key, cs := range clientsetCache {
		if now.Sub(cs.lastUsed) > clientsetTTL {
			delete(clientsetCache, key)
			evicted++
		}
	}
	remaining := len(clientsetCache)
	mu.Unlock()
	if evicted > 0 {
		log.Printf("k8cache: janitor evicted %d clientset(s), %d remaining", evicted, remaining)
	}
}

// GetClientSet returns a clientset for the cluster of k that acts as the
// user of token, made once and reused while it is used.
func GetClientSet(k *kubeconfig.Context, token string) (*kubeconfig.Clientset, error) {
	parts := strings.Split(k.ClusterID, "+")
	if len(parts) < 2 {
		return nil, fmt.Errorf("unexpected ClusterID format %q", k.ClusterID)
	}
	startJanitor()
	cacheKey := parts[1] + "-" + token

	mu.Lock()
	defer mu.Unlock()

	if cs, found := clientsetCache[cacheKey]; found {
		now := time.Now()
		if now.Sub(cs.lastUsed) > clientsetTTL {
			// Expired: drop it and make a fresh one below.
			delete(clientsetCache, cacheKey)
			log.Printf("k8cache: expired clientset for cluster %s dropped", parts[1])
		} else {
			cs.lastUsed = now
			return cs.clientset, nil
		}
	}

	cs, err := k.ClientSetWithToken(token)
	if err != nil {
		return nil, fmt.Errorf("making clientset for cluster %s: %w", parts[1], err)
	}
	clientsetCache[cacheKey] = &CachedClientSet{clientset: cs, lastUsed: time.Now()}
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
