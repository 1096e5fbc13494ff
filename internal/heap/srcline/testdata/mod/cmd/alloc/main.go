// Command alloc allocates maps at known lines and writes an allocation
// profile to the file named by its argument. The srcline profile test runs
// it with GODEBUG=memprofilerate=1; "sampled" in a want comment means a
// sample must start at that line.
package main

import (
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"os"
	"reflect"
	"runtime"
	"runtime/pprof"
	"sync"

	"example.com/svc/internal/store"
)

// table is big enough for the compiler to build it in a map.init function.
var table = map[string]int{ // want: mapliteral "table" "map[string]int" sampled
	"k00": 0, "k01": 1, "k02": 2, "k03": 3, "k04": 4, "k05": 5, "k06": 6, "k07": 7,
	"k08": 8, "k09": 9, "k10": 10, "k11": 11, "k12": 12, "k13": 13, "k14": 14, "k15": 15,
	"k16": 16, "k17": 17, "k18": 18, "k19": 19, "k20": 20, "k21": 21, "k22": 22, "k23": 23,
	"k24": 24, "k25": 25, "k26": 26, "k27": 27, "k28": 28, "k29": 29, "k30": 30, "k31": 31,
}

// sink keeps everything reachable until the profile is written.
var sink []any

type Server struct {
	mu    sync.Mutex
	conns map[int]*conn
	seen  sync.Map
}

type conn struct{ id int }

//go:noinline
func fill(n int) map[int]int {
	m := make(map[int]int) // want: mapmake "m" "map[int]int"
	for i := 0; i < n; i++ {
		m[i] = i // want: mapassign "m" "map[int]int"; loop "n" once local sampled
	}
	return m
}

//go:noinline
func sized(n int) map[int]int {
	m := make(map[int]int, n) // want: mapmake "m" "map[int]int" hint "n" sampled
	for i := range n {
		m[i] = i // want: mapassign "m" "map[int]int"; loop "n" once local
	}
	return m
}

//go:noinline
func (s *Server) handle(ids []int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		func() {
			s.conns[id] = &conn{id: id} // want: mapassign "s.conns" "map[int]*conn"; alloc "&conn{...}" "*conn"; noloop sampled fn "main.(*Server).handle.func1" func "(*Server).handle.func1"
		}()
	}
}

//go:noinline
func build[K comparable, V any](keys []K, v V) map[K]V {
	m := map[K]V{} // want: mapliteral "m" "map[K]V"
	for _, k := range keys {
		m[k] = v // want: mapassign "m" "map[K]V"; loop "len(keys)" once local sampled
	}
	return m
}

//go:noinline
func decode(data []byte) map[string]int {
	var m map[string]int
	if err := json.Unmarshal(data, &m); err != nil { // want: mapdecode "m" "map[string]int" callee "encoding/json.Unmarshal" sampled
		panic(err)
	}
	return m
}

//go:noinline
func viaReflect(n int) reflect.Value {
	mv := reflect.MakeMapWithSize(reflect.TypeFor[map[int]int](), n) // want: mapreflect "mv" "" hint "n" callee "reflect.MakeMapWithSize"; call "reflect.TypeFor[map[int]int]()" "" sampled
	for i := 0; i < n; i++ {
		mv.SetMapIndex(reflect.ValueOf(i), reflect.ValueOf(i)) // want: mapreflect "mv" ""; call "reflect.ValueOf(i)" ""; alloc "any(i)" "int"; call "reflect.ValueOf(i)" ""; alloc "any(i)" "int"; loop "n" sampled
	}
	return mv
}

type set[T comparable] map[T]struct{}

//go:noinline
func (s set[T]) addAll(vs []T) {
	for _, v := range vs {
		s[v] = struct{}{} // want: mapassign "s" "set[T]"; loop "len(vs)" once sampled
	}
}

func upTo(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

//go:noinline
func viaIterator(n int) map[int]int {
	m := make(map[int]int)
	for i := range upTo(n) {
		m[i] = i // want: mapassign "m" "map[int]int"; loop "" once local sampled
	}
	return m
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: alloc profile.pb.gz")
		os.Exit(2)
	}
	s := &Server{conns: map[int]*conn{}}
	ids := make([]int, 5000)
	for i := range ids {
		ids[i] = i
	}
	s.handle(ids)
	keys := make([]string, 3000)
	for i := range keys {
		keys[i] = fmt.Sprint("key", i)
	}
	clone := maps.Clone(fill(4000)) // want: mapclone "clone" "map[int]int"; call "fill(4000)" "" sampled
	for i := range 2000 {
		s.seen.Store(i, &conn{id: i}) // want: syncmapstore "s.seen" "sync.Map"; alloc "any(i)" "int"; alloc "&conn{...}" "*conn"; loop "2000"
	}
	words := set[int]{}
	words.addAll(ids)
	st := store.New()
	for _, k := range keys {
		st.Create(k)
	}
	sink = append(sink, s, fill(3000), sized(3000), build(keys, true), clone, st, table, words, viaIterator(3000), viaReflect(2000),
		decode([]byte(`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9}`)))

	runtime.GC()
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// setFill fills a map of a named map type through its method: the map is
// s, this function's, though it grows inside store.Set.Insert.
func setFill(keys []string) store.Set {
	s := store.Set{}
	for _, k := range keys {
		s.Insert(k) // want: mapmethod "s" "store.Set" callee "example.com/svc/internal/store.Set.Insert"; loop "len(keys)" once local
	}
	return s
}
