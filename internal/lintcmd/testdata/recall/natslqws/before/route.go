// Package server reproduces, in its own words, the queue-weight leak fixed
// in nats-server: https://github.com/nats-io/nats-server/pull/3338 (commit
// b6208c775bfc2374e20b29df1bac33231aacc620; before/ is the code before the
// fix, after/ as fixed). When the last member of a queue group leaves, its
// weight is deleted and then written back as 0 on the same path.
package server

import "sync"

type Account struct {
	mu   sync.Mutex
	rm   map[string]int32
	lqws map[string]int32
}

type Server struct {
	mu       sync.Mutex
	accounts map[string]*Account
}

func (s *Server) registerAccount(acc *Account) {
	acc.mu.Lock()
	defer acc.mu.Unlock()
	if acc.rm == nil {
		acc.rm = make(map[string]int32)
		acc.lqws = make(map[string]int32)
	}
}

func (s *Server) updateRouteSubscriptionMap(acc *Account, subject, queue string, delta int32) {
	isq := queue != ""
	acc.mu.Lock()
	rm, lqws := acc.rm, acc.lqws
	if rm == nil {
		acc.mu.Unlock()
		return
	}
	key := subject + " " + queue
	var n int32
	if cur, ok := rm[key]; ok {
		n = cur + delta
		if n <= 0 {
			delete(rm, key)
			if isq {
				delete(lqws, key)
			}
		} else {
			rm[key] = n
		}
	} else if delta > 0 {
		n = delta
		rm[key] = delta
	}
	if isq {
		if ls, ok := lqws[key]; ok && ls == n {
			acc.mu.Unlock()
			return
		} else {
			lqws[key] = n // want growonly "delete\(lqws, key\) .*is undone by the insertion"
		}
	}
	acc.mu.Unlock()
}
