// Package discovery reproduces, in its own words, the target-set leak
// fixed in Prometheus: https://github.com/prometheus/prometheus/pull/3654
// (commit cabce21b705669cacd356c42ad90465a0d39ff6e; before/ is the code
// before the fix, after/ as fixed). Target groups are kept per provider
// and source; sources that disappear leave empty groups behind until the
// configuration is reloaded.
package discovery

import (
	"context"
	"sync"
)

type Group struct {
	Source  string
	Targets []string
}

type poolKey struct{ setName, provider string }

type Manager struct {
	mtx     sync.RWMutex
	ctx     context.Context
	targets map[poolKey]map[string]*Group
	syncCh  chan map[string][]*Group
}

func NewManager(ctx context.Context) *Manager {
	return &Manager{ctx: ctx, targets: make(map[poolKey]map[string]*Group), syncCh: make(chan map[string][]*Group)}
}

// ApplyConfig starts new providers and forgets every old target set.
func (m *Manager) ApplyConfig(names []string) {
	m.mtx.Lock()
	defer m.mtx.Unlock()
	m.targets = make(map[poolKey]map[string]*Group)
}

func (m *Manager) updateGroup(pk poolKey, tgs []*Group) {
	m.mtx.Lock()
	defer m.mtx.Unlock()
	for _, tg := range tgs {
		if tg == nil {
			continue
		}
		if _, ok := m.targets[pk]; !ok {
			m.targets[pk] = make(map[string]*Group)
		}
		m.targets[pk][tg.Source] = tg
	}
}

func (m *Manager) allGroups() map[string][]*Group {
	m.mtx.Lock()
	defer m.mtx.Unlock()
	tSets := map[string][]*Group{}
	for pkey, tsets := range m.targets {
		empty := true
		for _, tg := range tsets {
			tSets[pkey.setName] = append(tSets[pkey.setName], tg)
			if len(tg.Targets) > 0 {
				empty = false
			}
		}
		if empty {
			delete(m.targets, pkey)
		}
	}
	return tSets
}

// Run sends the groups to the scrape manager whenever they change.
func (m *Manager) Run(updates <-chan map[poolKey][]*Group) {
	for {
		select {
		case <-m.ctx.Done():
			return
		case u := <-updates:
			for pk, tgs := range u {
				m.updateGroup(pk, tgs)
			}
			m.syncCh <- m.allGroups()
		}
	}
}
