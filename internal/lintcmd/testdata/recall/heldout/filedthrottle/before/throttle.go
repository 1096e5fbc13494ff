// Package throttle reproduces, in its own words, the limiter leak fixed in
// file.d's throttle plugin: https://github.com/ozontech/file.d/pull/312
// (issue #311, merge 958ded3b; before/ is the code before the fix, after/
// as fixed). Log events are throttled per value of a configured field
// (a pod, a service); a limiter is made for every value ever seen and
// kept in a package-level map for the life of the pipeline.
package throttle

import (
	"context"
	"sync"
	"time"
)

const defaultThrottleKey = "default"

type Event struct {
	Fields map[string]string
	Time   time.Time
}

type limiter interface {
	isAllowed(ts time.Time) bool
}

type inMemoryLimiter struct {
	mu       sync.Mutex
	limit    int
	interval time.Duration
	start    time.Time
	count    int
}

func (l *inMemoryLimiter) isAllowed(ts time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ts.Sub(l.start) >= l.interval {
		l.start, l.count = ts, 0
	}
	l.count++
	return l.count <= l.limit
}

var (
	// limiters are shared by the plugins of a pipeline: pipeline -> key -> limiter.
	limiters   = map[string]map[string]limiter{}
	limitersMu = &sync.RWMutex{}
)

type Config struct {
	ThrottleField string
	Limit         int
	Interval      time.Duration
}

type Plugin struct {
	config   *Config
	pipeline string
	ctx      context.Context
	cancel   context.CancelFunc
}

func (p *Plugin) Start(config *Config, pipelineName string) {
	p.config = config
	p.pipeline = pipelineName
	p.ctx, p.cancel = context.WithCancel(context.Background())
	limitersMu.Lock()
	limiters[p.pipeline] = map[string]limiter{}
	limitersMu.Unlock()
}

func (p *Plugin) Stop() { p.cancel() }

// Do passes or discards one event of the pipeline.
func (p *Plugin) Do(event *Event) bool {
	key := defaultThrottleKey
	if v := event.Fields[p.config.ThrottleField]; v != "" {
		key = v
	}
	limitersMu.RLock()
	lim, has := limiters[p.pipeline][key]
	limitersMu.RUnlock()
	if !has {
		limitersMu.Lock()
		lim, has = limiters[p.pipeline][key]
		if !has {
			lim = &inMemoryLimiter{limit: p.config.Limit, interval: p.config.Interval, start: event.Time}
			limiters[p.pipeline][key] = lim // want growonly "."
		}
		limitersMu.Unlock()
	}
	return lim.isAllowed(event.Time)
}
