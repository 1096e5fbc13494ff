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

const (
	defaultThrottleKey  = "default"
	maintenanceInterval = time.Second
)

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

type limiterWithGen struct {
	limiter
	lastUsed time.Time
}

// limitersMap holds the limiters of one pipeline and drops the ones not
// used for expiration.
type limitersMap struct {
	mu         sync.Mutex
	lims       map[string]*limiterWithGen
	expiration time.Duration
	ctx        context.Context
}

func newLimitersMap(ctx context.Context, expiration time.Duration) *limitersMap {
	lm := &limitersMap{lims: make(map[string]*limiterWithGen), expiration: expiration, ctx: ctx}
	go lm.maintenance()
	return lm
}

func (l *limitersMap) maintenance() {
	t := time.NewTicker(maintenanceInterval)
	defer t.Stop()
	for {
		select {
		case <-l.ctx.Done():
			return
		case now := <-t.C:
			l.mu.Lock()
			for key, lim := range l.lims {
				if now.Sub(lim.lastUsed) > l.expiration {
					delete(l.lims, key)
				}
			}
			l.mu.Unlock()
		}
	}
}

func (l *limitersMap) getOrAdd(key string, mk func() limiter) limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, has := l.lims[key]
	if !has {
		lim = &limiterWithGen{limiter: mk()}
		l.lims[key] = lim
	}
	lim.lastUsed = time.Now()
	return lim
}

var (
	// limiters are shared by the plugins of a pipeline: pipeline -> limiters.
	limiters   = map[string]*limitersMap{}
	limitersMu = &sync.RWMutex{}
)

type Config struct {
	ThrottleField      string
	Limit              int
	Interval           time.Duration
	LimitersExpiration time.Duration
}

type Plugin struct {
	config      *Config
	pipeline    string
	ctx         context.Context
	cancel      context.CancelFunc
	limitersMap *limitersMap
}

func (p *Plugin) Start(config *Config, pipelineName string) {
	p.config = config
	p.pipeline = pipelineName
	p.ctx, p.cancel = context.WithCancel(context.Background())
	limitersMu.Lock()
	if _, has := limiters[p.pipeline]; !has {
		limiters[p.pipeline] = newLimitersMap(p.ctx, config.LimitersExpiration)
	}
	p.limitersMap = limiters[p.pipeline]
	limitersMu.Unlock()
}

func (p *Plugin) Stop() { p.cancel() }

// Do passes or discards one event of the pipeline.
func (p *Plugin) Do(event *Event) bool {
	key := defaultThrottleKey
	if v := event.Fields[p.config.ThrottleField]; v != "" {
		key = v
	}
	lim := p.limitersMap.getOrAdd(key, func() limiter {
		return &inMemoryLimiter{limit: p.config.Limit, interval: p.config.Interval, start: event.Time}
	})
	return lim.isAllowed(event.Time)
}
