// Package lib exports maps that importers may delete from.
package lib

import "sync"

var Registry = map[string]int{}

func Register(name string) { Registry[name] = 1 }

type Store struct {
	Items map[string]int // exported field: not reported
	own   map[string]int
}

var Default = &Store{Items: map[string]int{}, own: map[string]int{}}

func (s *Store) Put(k string) {
	s.Items[k] = 1
	s.own[k] = 1 // want `map field Store.own only grows`
}

// Pool is exported and holds a mutex, but importers own its values and
// decide how long they live: not reported.
type Pool struct {
	mu    sync.Mutex
	certs map[string]int
}

func (p *Pool) Add(k string) { p.certs[k] = 1 }

// group is unexported and holds a mutex: shared, long-lived.
type group struct {
	mu    sync.Mutex
	calls map[string]int
}

func (g *group) do(k string) { g.calls[k]++ } // want `map field group.calls only grows`
