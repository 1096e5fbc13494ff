// Package githubactionsreceiver reproduces, in its own words, the metrics
// cache leak fixed in grafana-ci-otel-collector:
// https://github.com/grafana/grafana-ci-otel-collector/pull/489 (commit
// 87b9cefa36dd87a344585cb997a6bf93c3a16d9b; before/ is the code before the
// fix, after/ as fixed). Cumulative job counts are cached per repository,
// runner labels, status and conclusion in nested sync.Maps that nothing
// ever evicts, so every new label combination seen in a webhook stays.
package githubactionsreceiver

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

var repoMap = sync.Map{}

type metricsHandler struct{}

func newMetricsHandler() *metricsHandler { return &metricsHandler{} }

func (m *metricsHandler) storeInCache(repo, labels, status, conclusion string, value int64) {
	labelsMap, _ := repoMap.LoadOrStore(repo, &sync.Map{}) // want growonly "."
	statusesMap, _ := labelsMap.(*sync.Map).LoadOrStore(labels, &sync.Map{})
	conclusionsMap, _ := statusesMap.(*sync.Map).LoadOrStore(status, &sync.Map{})
	conclusionsMap.(*sync.Map).Store(conclusion, value)
}

func (m *metricsHandler) loadFromCache(repo, labels, status, conclusion string) (int64, bool) {
	labelsMap, ok := repoMap.Load(repo)
	if !ok {
		return 0, false
	}
	statusesMap, ok := labelsMap.(*sync.Map).Load(labels)
	if !ok {
		return 0, false
	}
	conclusionsMap, ok := statusesMap.(*sync.Map).Load(status)
	if !ok {
		return 0, false
	}
	v, ok := conclusionsMap.(*sync.Map).Load(conclusion)
	if !ok {
		return 0, false
	}
	return v.(int64), true
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
