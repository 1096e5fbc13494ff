package main

import (
	"encoding/json"
	"maps"
	"reflect"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
)

// The results of every scenario stay reachable through these variables, so
// the heap profile shows their bytes as in use, as a leak would.
var (
	grownInts     map[int]int
	sessions      *SessionStore
	presized      map[int]string
	smallMade     map[string]int
	smallLiterals [100]map[string]int
	largeLiteral  map[string]int
	cloneSource   map[int]string
	cloned        map[int]string
	decoded       map[string]any
	reflected     map[string]int
	goroutineMap  map[int]string
	syncMapped    sync.Map
	pointerValues map[int]*T
	plainObjects  []*T
	plainBuffer   []byte
	plainInts     []int
	mapOfMaps     map[string]map[int]int
	genericFilled map[string]bool
)

// presizedLen is sized so that neither map implementation grows a map made
// with this hint while filling it: Swiss tables get 16 tables for 9000
// entries (562 each, far from the 896 that trigger a split), buckets get
// 2048 buckets with 128 preallocated overflow buckets (about 70 needed).
//
// The presized maps hold strings, not ints: a bucket map (Go <= 1.23)
// without pointers keeps its overflow buckets alive through a slice that
// grows by append as they are used, even when the map was presized, so
// filling a presized map[int]int there does allocate.
const presizedLen = 9000

func runScenarios() {
	scenarioGrowInts()
	scenarioSessions()
	scenarioPresized()
	scenarioSmallMake()
	scenarioSmallLiterals()
	scenarioLargeLiteral()
	scenarioPackageLiteral()
	scenarioClone()
	scenarioJSON()
	scenarioReflect()
	scenarioGoroutine()
	scenarioSyncMap()
	scenarioPointerValues()
	scenarioNonMap()
	scenarioMapOfMaps()
	scenarioGeneric()
}

// scenarioGrowInts grows a map from empty in a loop.
func scenarioGrowInts() {
	m := make(map[int]int) // want: make "m" "map[int]int"
	for i := 0; i < 100000; i++ {
		m[i] = i * 2 // want: grow "m" "map[int]int"
	}
	grownInts = m
}

// Session is what a login creates.
type Session struct {
	ID      string
	User    string
	Created int64
}

// SessionStore keeps every session ever added: the classic leak.
type SessionStore struct {
	sessions map[string]*Session
}

func newSessionStore() *SessionStore {
	s := &SessionStore{}                   // want: nonmap
	s.sessions = make(map[string]*Session) // want: make "s.sessions" "map[string]*Session"
	return s
}

// Add grows the store's map through a field, in a method.
func (s *SessionStore) Add(sess *Session) {
	s.sessions[sess.ID] = sess // want: grow "s.sessions" "map[string]*Session"
}

func scenarioSessions() {
	s := newSessionStore()
	for i := 0; i < 20000; i++ {
		id := "sess-" + strconv.Itoa(i)                          // want: nonmap
		s.Add(&Session{ID: id, User: "user", Created: int64(i)}) // want: nonmap
	}
	sessions = s
}

// scenarioPresized sizes the map once: filling it must not grow it.
func scenarioPresized() {
	m := make(map[int]string, presizedLen) // want: make "m" "map[int]string"
	for i := 0; i < presizedLen; i++ {
		m[i] = "v" // want: none
	}
	presized = m
}

// scenarioSmallMake makes a map without a hint; its first insert allocates
// the first group (or bucket).
func scenarioSmallMake() {
	m := make(map[string]int) // want: make "m" "map[string]int"
	m["alpha"] = 1            // want: grow "m" "map[string]int"
	m["beta"] = 2
	m["gamma"] = 3
	smallMade = m
}

func scenarioSmallLiterals() {
	for i := range smallLiterals {
		smallLiterals[i] = map[string]int{"one": 1, "two": 2, "three": 3} // want: make "smallLiterals[i]" "map[string]int"
	}
}

// scenarioLargeLiteral has more than 25 entries, which the compiler
// initialises from static arrays in a loop rather than one by one.
func scenarioLargeLiteral() {
	largeLiteral = map[string]int{ // want: make "largeLiteral" "map[string]int"
		"a00": 0, "a01": 1, "a02": 2, "a03": 3, "a04": 4, "a05": 5, "a06": 6, "a07": 7,
		"a08": 8, "a09": 9, "a10": 10, "a11": 11, "a12": 12, "a13": 13, "a14": 14, "a15": 15,
		"a16": 16, "a17": 17, "a18": 18, "a19": 19, "a20": 20, "a21": 21, "a22": 22, "a23": 23,
		"a24": 24, "a25": 25, "a26": 26, "a27": 27, "a28": 28, "a29": 29, "a30": 30, "a31": 31,
	}
}

func scenarioPackageLiteral() {
	if len(colorCodes) == 0 {
		panic("colorCodes not initialised")
	}
}

func scenarioClone() {
	src := make(map[int]string, presizedLen) // want: make "src" "map[int]string"
	for i := 0; i < presizedLen; i++ {
		src[i] = "v" // want: none
	}
	c := maps.Clone(src) // want: clone "c" "map[int]string"
	cloneSource, cloned = src, c
}

// scenarioJSON decodes into a map: encoding/json builds it through reflect,
// and allocates the keys and boxed values on the same line.
func scenarioJSON() {
	data := jsonDocument(20000)
	var m map[string]any                             // want: nonmap
	if err := json.Unmarshal(data, &m); err != nil { // want: reflect "m" "map[string]any"; nonmap
		panic(err)
	}
	decoded = m
}

func jsonDocument(n int) []byte {
	b := make([]byte, 0, 32*n) // want: nonmap
	b = append(b, '{')
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `"key`...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, `":`...)
		b = strconv.AppendInt(b, int64(i), 10)
	}
	return append(b, '}')
}

// scenarioReflect builds a map through reflect only; the keys and values
// are taken from slices through reflect so that nothing is boxed on the
// SetMapIndex line.
func scenarioReflect() {
	keys := make([]string, 20000)  // want: nonmap
	vals := make([]int, len(keys)) // want: nonmap
	for i := range keys {
		keys[i] = "r" + strconv.Itoa(i) // want: nonmap
		vals[i] = i
	}
	kv, vv := reflect.ValueOf(&keys).Elem(), reflect.ValueOf(&vals).Elem()
	mv := reflect.MakeMapWithSize(reflect.TypeOf(map[string]int(nil)), 16) // want: reflect "mv" "map[string]int"
	for i := 0; i < kv.Len(); i++ {
		mv.SetMapIndex(kv.Index(i), vv.Index(i)) // want: reflect "mv" "map[string]int"
	}
	reflected = mv.Interface().(map[string]int)
}

// goroutineDone is polled rather than received from: a goroutine blocking
// on a channel may allocate a sudog, an allocation that comes and goes with
// scheduling.
var goroutineDone atomic.Bool

func scenarioGoroutine() {
	n := 30000
	go growInGoroutine(n) // want: nonmap
	for !goroutineDone.Load() {
		runtime.Gosched()
	}
}

// growInGoroutine grows a map on a goroutine of its own, so the sample's
// stack starts at the goroutine, not at main.
func growInGoroutine(n int) {
	m := make(map[int]string) // want: make "m" "map[int]string"
	for i := 0; i < n; i++ {
		m[i] = "v" // want: grow "m" "map[int]string"
	}
	goroutineMap = m
	goroutineDone.Store(true)
}

func scenarioSyncMap() {
	for i := 0; i < 20000; i++ {
		syncMapped.Store(i, i) // want: syncmap "syncMapped" "sync.Map"; nonmap
	}
}

// T is a plain heap object.
type T struct {
	ID      int
	Name    string
	Payload [4]int64
}

// scenarioPointerValues allocates a map's growth and the value it stores on
// the same line.
func scenarioPointerValues() {
	m := make(map[int]*T) // want: make "m" "map[int]*T"
	for i := 0; i < 20000; i++ {
		m[i] = &T{ID: i} // want: grow "m" "map[int]*T"; nonmap
	}
	pointerValues = m
}

// scenarioNonMap allocates no map at all.
func scenarioNonMap() {
	objs := make([]*T, 0, 1000) // want: nonmap
	for i := 0; i < 1000; i++ {
		objs = append(objs, &T{ID: i}) // want: nonmap
	}
	plainObjects = objs
	plainBuffer = make([]byte, 1<<20) // want: nonmap
	var grown []int
	for i := 0; i < 50000; i++ {
		grown = append(grown, i) // want: nonmap
	}
	plainInts = grown
}

func scenarioMapOfMaps() {
	outer := make(map[string]map[int]int) // want: make "outer" "map[string]map[int]int"
	for g := 0; g < 200; g++ {
		name := "group-" + strconv.Itoa(g) // want: nonmap
		inner := make(map[int]int)         // want: make "inner" "map[int]int"
		for j := 0; j < 100; j++ {
			inner[j] = j // want: grow "inner" "map[int]int"
		}
		outer[name] = inner // want: grow "outer" "map[string]map[int]int"
	}
	mapOfMaps = outer
}

// fill is generic: its frames are named main.fill[...].
func fill[K comparable, V any](m map[K]V, keys []K, v V) {
	for _, k := range keys {
		m[k] = v // want: grow "m" "map[K]V"
	}
}

func scenarioGeneric() {
	keys := make([]string, 10000) // want: nonmap
	for i := range keys {
		keys[i] = "g" + strconv.Itoa(i) // want: nonmap
	}
	m := make(map[string]bool) // want: make "m" "map[string]bool"
	fill(m, keys, true)
	genericFilled = m
}
