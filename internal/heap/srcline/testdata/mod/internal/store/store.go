// Package store holds the cases of the srcline table test. A comment
// "want:" lists the operations Lookup must report on its line, in order:
// kind "expr" "type" [hint "h"] [callee "c"], items separated by ';',
// "none" for a line with no operation, loop "trips" [once] for the loop,
// noloop when there is none, fn "name" for the profile function name to
// look up with (default: derived from the declaration), func "name" for
// the Line.Func expected, untyped for a file that cannot be type-checked,
// sampled for a line where a profile sample must start.
package store

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"reflect"
	"strings"
	"sync"
)

type Session struct {
	ID   string
	Data []byte
}

type Store struct {
	mu       sync.Mutex
	sessions map[string]*Session
	byUser   map[string]map[string]int
	reqs     map[string]*http.Request
	idx      Index
	seen     sync.Map
}

// Index is a named map type.
type Index map[string][]int

var defaults = map[string]int{"a": 1, "b": 2} // want: mapliteral "defaults" "map[string]int"

var big = map[string]bool{ // want: mapliteral "big" "map[string]bool"
	"x": true, // want: mapliteral "big" "map[string]bool"
	"y": true, // want: mapliteral "big" "map[string]bool"
}

func New() *Store {
	return &Store{ // want: alloc "&Store{...}" "*Store"
		sessions: make(map[string]*Session),           // want: mapmake "Store.sessions" "map[string]*Session"
		byUser:   make(map[string]map[string]int, 64), // want: mapmake "Store.byUser" "map[string]map[string]int" hint "64"
	}
}

func (s *Store) Put(id string, sess *Session) {
	s.mu.Lock()
	s.sessions[id] = sess // want: mapassign "s.sessions" "map[string]*Session"
	s.mu.Unlock()
}

func (s *Store) Create(id string) {
	s.sessions[id] = &Session{ID: id} // want: mapassign "s.sessions" "map[string]*Session"; alloc "&Session{...}" "*Session"
}

func (s *Store) Get(id string) *Session {
	x := s.sessions[id] // want: none
	return x
}

func (s *Store) Drop(id string) {
	delete(s.sessions, id) // want: none
}

func (s *Store) Count(user, key string) {
	s.byUser[user][key]++ // want: mapassign "s.byUser[user]" "map[string]int"
}

func (s *Store) SetNested(user, key string, v int) {
	s.byUser[user][key] = v // want: mapassign "s.byUser[user]" "map[string]int"
}

func (s *Store) Track(r *http.Request) {
	s.reqs[r.URL.Path] = r // want: mapassign "s.reqs" "map[string]*http.Request"
}

func (ix Index) Add(k string, v int) {
	ix[k] = append(ix[k], v) // want: mapassign "ix" "Index"; alloc "append(ix[k], v)" "[]int"
}

func (s *Store) Remember(k string, v *Session) {
	s.seen.Store(k, v)       // want: syncmapstore "s.seen" "sync.Map" callee "sync.(*Map).Store"; alloc "any(k)" "string"
	s.seen.LoadOrStore(k, v) // want: syncmapstore "s.seen" "sync.Map"; alloc "any(k)" "string"
	s.seen.Load(k)           // want: alloc "any(k)" "string"
	s.seen.Load("const")     // want: none
}

func Build[K comparable, V any](keys []K, v V) map[K]V {
	m := make(map[K]V, len(keys)) // want: mapmake "m" "map[K]V" hint "len(keys)"
	for _, k := range keys {
		m[k] = v // want: mapassign "m" "map[K]V"; loop "len(keys)" once local
	}
	return m
}

func Decode(data []byte, r io.Reader) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil { // want: mapdecode "m" "map[string]any" callee "encoding/json.Unmarshal"
		return nil, err
	}
	var cfg struct{ Labels map[string]string }
	err := json.NewDecoder(r).Decode(&cfg) // want: call "json.NewDecoder(r)" "" callee "encoding/json.NewDecoder"; mapdecode "cfg" "struct{Labels map[string]string}"
	var labels map[string]string
	if err == nil {
		err = json.NewDecoder(r). // want: call "json.NewDecoder(r)" "" callee "encoding/json.NewDecoder"
						Decode(&labels) // want: mapdecode "labels" "map[string]string"
	}
	var anyv any
	_ = json.Unmarshal(data, &anyv) // want: call "json.Unmarshal(data, &anyv)" "" callee "encoding/json.Unmarshal"
	return m, err
}

func Reflect(t reflect.Type, k, v reflect.Value) reflect.Value {
	mv := reflect.MakeMapWithSize(t, 8) // want: mapreflect "mv" "" hint "8" callee "reflect.MakeMapWithSize"
	mv.SetMapIndex(k, v)                // want: mapreflect "mv" "" callee "reflect.Value.SetMapIndex"
	return mv
}

func (s *Store) Snapshot() map[string]*Session {
	return maps.Clone(s.sessions) // want: mapclone "maps.Clone(s.sessions)" "map[string]*Session" callee "maps.Clone[...]"
}

func Merge(dst, src map[string]int) {
	maps.Copy(dst, src) // want: mapassign "dst" "map[string]int" callee "maps.Copy[...]"
}

func Literals(n int) []map[string]int {
	a := map[string]int{}                   // want: mapliteral "a" "map[string]int"
	b := make(map[string]int, n)            // want: mapmake "b" "map[string]int" hint "n"
	return []map[string]int{a, b, {"k": n}} // want: alloc "[]map[string]int{...}" "[]map[string]int"; mapliteral "{...}" "map[string]int"
}

func Others(n int, name string) (any, error) {
	buf := make([]byte, n)       // want: alloc "make([]byte, n)" "[]byte"
	ch := make(chan int, n)      // want: alloc "make(chan int, n)" "chan int"
	p := new(Session)            // want: alloc "new(Session)" "*Session"
	s := "user:" + name + "!"    // want: alloc "\"user:\" + name + \"!\"" "string"
	b := []byte(name)            // want: alloc "[]byte(name)" "[]byte"
	up := strings.ToUpper(s)     // want: call "strings.ToUpper(s)" "" callee "strings.ToUpper"
	f := func() int { return n } // want: alloc "func() int {...}" "func() int"
	g := func() int { return 1 } // want: none
	_, _, _, _, _, _, _ = buf, ch, p, b, up, f, g
	return any(n), nil // want: alloc "any(n)" "int"
}

func Loops(items []string, n int, in chan string, stop func(string) bool) Index {
	ix := Index{} // want: mapliteral "ix" "Index"
	for i := 0; i < n; i++ {
		ix[items[i]] = nil // want: mapassign "ix" "Index"; loop "n" once local
	}
	for i := 1; i <= n; i++ {
		if i%2 == 0 {
			continue
		}
		ix[items[i]] = nil // want: mapassign "ix" "Index"; loop "n"
	}
	for _, it := range items {
		if stop(it) {
			break
		}
		ix[it] = nil // want: mapassign "ix" "Index"; loop "" once local
	}
	for it := range in {
		ix[it] = nil // want: mapassign "ix" "Index"; loop "" once local
	}
	for {
		ix["x"] = nil // want: mapassign "ix" "Index"; loop "" once local
		if len(ix) > n {
			return ix
		}
	}
}

func Closures(items []string) func() {
	m := map[string]int{} // want: mapliteral "m" "map[string]int"
	for i, it := range items {
		func() {
			m[it] = i // want: mapassign "m" "map[string]int"; noloop
		}()
	}
	return func() {
		m["done"] = 1 // want: mapassign "m" "map[string]int" fn "example.com/svc/internal/store.Closures.func2" func "Closures.func2"
	}
}

func init() {
	defaults["c"] = 3 // want: mapassign "defaults" "map[string]int" fn "example.com/svc/internal/store.init.0"
}

// Cache is a generic type with a map field.
type Cache[K comparable, V any] struct{ m map[K]V }

func (c *Cache[K, V]) Put(k K, v V) {
	c.m[k] = v // want: mapassign "c.m" "map[K]V" fn "example.com/svc/internal/store.(*Cache[...]).Put"
}

func Fill[M ~map[K]V, K comparable, V any](m M, k K, v V) {
	m[k] = v // want: mapassign "m" "M" fn "example.com/svc/internal/store.Fill[go.shape.map[string]int,go.shape.string,go.shape.int]"
}

type set[T comparable] map[T]struct{}

func (s set[T]) add(v T) {
	s[v] = struct{}{} // want: mapassign "s" "set[T]"
}

func Nested(groups [][]string) map[string]int {
	count := map[string]int{} // want: mapliteral "count" "map[string]int"
	for _, g := range groups {
		for j := len(g) - 1; j >= 0; j-- {
			count[g[j]]++ // want: mapassign "count" "map[string]int"; loop "len(g)" once local
		}
	}
	each := func(f func(string)) {
		for _, g := range groups {
			f(g[0])
		}
	}
	each(func(s string) {
		count[s] = 0 // want: mapassign "count" "map[string]int"; noloop fn "example.com/svc/internal/store.Nested.func2" func "Nested.func2"
	})
	return count
}

// Sessions lives on: its map grows across calls, so the trip count of the
// loop that fills it is no size hint for it (local is not set).
type Sessions struct{ byID map[int]string }

func (s *Sessions) Login(ids []int) {
	for _, id := range ids {
		s.byID[id] = "x" // want: mapassign "s.byID" "map[int]string"; loop "len(ids)" once
	}
}

// FillParam fills its caller's map: the make is not in reach here.
func FillParam(m map[int]int, n int) {
	for i := 0; i < n; i++ {
		m[i] = i // want: mapassign "m" "map[int]int"; loop "n" once
	}
}

var registry = map[int]int{}

// FillGlobal fills a package map, which lives on.
func FillGlobal(n int) {
	for i := 0; i < n; i++ {
		registry[i] = i // want: mapassign "registry" "map[int]int"; loop "n" once
	}
}

// Set is a map type with methods, as k8s.io/apimachinery's
// sets.Set[string] is (https://pkg.go.dev/k8s.io/apimachinery/pkg/util/sets#Set):
// its callers hold the map.
type Set map[string]struct{}

// Insert adds k to the caller's map.
func (s Set) Insert(k string) { s[k] = struct{}{} }
