// Package githubactionsreceiver reproduces, in its own words, the metrics
// cache leak fixed in grafana-ci-otel-collector:
// https://github.com/grafana/grafana-ci-otel-collector/pull/489 (commit
// 87b9cefa36dd87a344585cb997a6bf93c3a16d9b; before/ is the code before the
// fix, after/ as fixed). Cumulative job counts are cached per repository,
// runner labels, status and conclusion in nested sync.Maps that nothing
// ever evicts, so every new label combination seen in a webhook stays.
package githubactionsreceiver

import (
	"container/list"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

const metricsMaxCacheSize = 50000

type cacheEntry struct {
	key   string
	value int64
}

// lruCache is a bounded cache that evicts the least recently used key.
type lruCache struct {
	size  int
	order *list.List
	items map[string]*list.Element
}

func newLRU(size int) *lruCache {
	return &lruCache{size: size, order: list.New(), items: make(map[string]*list.Element)}
}

func (c *lruCache) Add(key string, value int64) {
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		e.Value.(*cacheEntry).value = value
		return
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key: key, value: value})
	if c.order.Len() > c.size {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*cacheEntry).key)
	}
}

func (c *lruCache) Get(key string) (int64, bool) {
	e, ok := c.items[key]
	if !ok {
		return 0, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).value, true
}

type metricsHandler struct{ cache *lruCache }

func newMetricsHandler() *metricsHandler { return &metricsHandler{cache: newLRU(metricsMaxCacheSize)} }

func cacheKey(repo, labels, status, conclusion string) string {
	return fmt.Sprintf("%s:%s:%s:%s", repo, labels, status, conclusion)
}

func (m *metricsHandler) storeInCache(repo, labels, status, conclusion string, value int64) {
	m.cache.Add(cacheKey(repo, labels, status, conclusion), value)
}

func (m *metricsHandler) loadFromCache(repo, labels, status, conclusion string) (int64, bool) {
	return m.cache.Get(cacheKey(repo, labels, status, conclusion))
}

type WorkflowJobEvent struct {
	Action string `json:"action"`
	Repo   struct {
		FullName string `json:"full_name"`
	} `json:"repository"`
	Job struct {
		Conclusion string   `json:"conclusion"`
		Labels     []string `json:"labels"`
	} `json:"workflow_job"`
}

var statuses = []string{"queued", "in_progress", "completed", "aborted"}
var conclusions = []string{"success", "failure", "cancelled", "skipped", "null"}

// Receiver is the webhook endpoint of the collector, served for its life.
type Receiver struct {
	mu      sync.Mutex
	metrics *metricsHandler
	emit    func(name string, value int64, attrs ...string)
}

func NewReceiver(emit func(string, int64, ...string)) *Receiver {
	return &Receiver{metrics: newMetricsHandler(), emit: emit}
}

func (gar *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var ev WorkflowJobEvent
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	gar.mu.Lock()
	gar.metrics.workflowJobEventToMetrics(&ev, gar.emit)
	gar.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// workflowJobEventToMetrics counts jobs per repository, runner labels,
// status and conclusion, as cumulative counters.
func (m *metricsHandler) workflowJobEventToMetrics(ev *WorkflowJobEvent, emit func(string, int64, ...string)) {
	repo := ev.Repo.FullName
	labels := strings.Join(ev.Job.Labels, ",")
	status, conclusion := ev.Action, ev.Job.Conclusion
	if conclusion == "" {
		conclusion = "null"
	}
	if repo == "" || status == "" {
		return
	}
	cur, found := m.loadFromCache(repo, labels, status, conclusion)
	if !found {
		for _, s := range statuses {
			for _, c := range conclusions {
				if s == status && c == conclusion {
					continue
				}
				m.storeInCache(repo, labels, s, c, 0)
				emit("workflow_jobs_count", 0, repo, labels, s, c)
			}
		}
	}
	m.storeInCache(repo, labels, status, conclusion, cur+1)
	emit("workflow_jobs_count", cur+1, repo, labels, status, conclusion)
}
