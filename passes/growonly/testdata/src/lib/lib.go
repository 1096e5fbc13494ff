// Package lib exports maps that importers may delete from.
package lib

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
