// Package auth reproduces, in its own words, the login limiter leak fixed
// in Bindery: https://github.com/vavallee/bindery/pull/2139 (issue #2137,
// commit b2762aec308eea3db1f841d88e097357cf7e664f; before/ is the code
// before the fix, after/ as fixed). Failed logins are kept per client
// address; expired ones were dropped only for the address being looked
// up, so an address that failed once and never came back stayed for the
// life of the process.
package auth

import (
	"sync"
	"time"
)

// LoginLimiter is a per-IP sliding-window limiter for the login form.
type LoginLimiter struct {
	mu     sync.Mutex
	events map[string][]time.Time
	max    int
	window time.Duration
}

func NewLoginLimiter(max int, window time.Duration) *LoginLimiter {
	return &LoginLimiter{events: make(map[string][]time.Time), max: max, window: window}
}

// Allow reports whether ip may try to log in again.
func (l *LoginLimiter) Allow(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gc(ip, time.Now())
	return len(l.events[ip]) < l.max
}

// Record counts a failed login from ip.
func (l *LoginLimiter) Record(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.gc(ip, now)
	l.events[ip] = append(l.events[ip], now) // want growonly "."
}

// Reset forgets ip after a successful login.
func (l *LoginLimiter) Reset(ip string) {
	l.mu.Lock()
	delete(l.events, ip)
	l.mu.Unlock()
}

// gc drops the expired events of one ip; the caller holds l.mu.
func (l *LoginLimiter) gc(ip string, now time.Time) {
	cutoff := now.Add(-l.window)
	events := l.events[ip]
	i := 0
	for ; i < len(events); i++ {
		if events[i].After(cutoff) {
			break
		}
	}
	if i == len(events) {
		delete(l.events, ip)
		return
	}
	l.events[ip] = events[i:]
}
