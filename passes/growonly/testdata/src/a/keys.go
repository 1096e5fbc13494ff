package main

import (
	"reflect"
	"sync"
)

// Maps whose keys come from a small or program-defined set are not leaks.

var byType = map[reflect.Type]int{}

func typeIndex(t reflect.Type) int {
	if i, ok := byType[t]; ok {
		return i
	}
	byType[t] = len(byType)
	return byType[t]
}

var fieldCache sync.Map

func fields(t reflect.Type) any {
	v, _ := fieldCache.LoadOrStore(t, t.NumField())
	return v
}

type color int

const (
	red color = iota
	green
)

var names = map[color]string{}

func name(c color) string {
	names[c] = "c"
	return names[c]
}

var flags = map[bool]int{}

func count(b bool) { flags[b]++ }

type pair struct {
	t reflect.Type
	b bool
}

var pairs = map[pair]int{}

func addPair(t reflect.Type) { pairs[pair{t, true}] = 1 }

// Unbounded keys in a struct key still leak.
type span struct {
	t  reflect.Type
	id string
}

var spans = map[span]int{}

func addSpan(t reflect.Type, id string) { spans[span{t, id}] = 1 } // want `map spans only grows`

// Two bytes, or a pair of them, have few values.
var byPair = map[[2]uint8]int{}

func countPair(a, b uint8) { byPair[[2]uint8{a, b}]++ }

type level struct {
	major, minor uint8
}

var levels = map[level]bool{}

func seeLevel(l level) { levels[l] = true }

// A hash is an array of bytes with more values than any map holds
// (btcd's address filters are keyed so), and a pointer to an enumeration
// is one allocation of many.
var seenBlocks = map[[32]byte]bool{}

func seeBlock(h [32]byte) { seenBlocks[h] = true } // want `map seenBlocks only grows`

type triple struct{ a, b, c uint8 }

var triples = map[triple]int{}

func addTriple(t triple) { triples[t] = 1 } // want `map triples only grows`

var colorRefs = map[*color]int{}

func refColor(c *color) { colorRefs[c] = 1 } // want `map colorRefs only grows`

// Registries are filled by the program's declarations.
var codecs = map[string]func() any{}

func RegisterCodec(name string, f func() any) { codecs[name] = f }

var registered sync.Map

func registerKind(k string) { registered.Store(k, true) }

// Dead code behind a constant flag.
const debugTrack = false

var tracked = map[string]string{}

func track(k string) {
	if debugTrack {
		tracked[k] = "here"
	}
}

// Filled once, through a sync.Once.
var services = map[string]int{}

var servicesOnce sync.Once

func readServices() { services["http"] = 80 }

func port(name string) int {
	servicesOnce.Do(readServices)
	return services[name]
}

// Guarded by a byte budget rather than by len.
const maxCachedBytes = 1 << 20

type conn struct {
	mu          sync.Mutex
	canon       map[string]string
	cachedBytes int
}

func (c *conn) canonical(k string) string {
	if c.cachedBytes+len(k) <= maxCachedBytes {
		c.canon[k] = k
		c.cachedBytes += len(k)
	}
	return k
}

// A table built on first use, once.
var special map[string]int

func specialOperand(name string) int {
	if special == nil {
		special = map[string]int{}
		for i, n := range []string{"a", "b"} {
			special[n] = i
		}
	}
	return special[name]
}

// A constant key: one entry, overwritten.
var help = map[string]string{}

func addHelp(extra string) { help["sample_index"] += extra }

// Filled by a function that only init calls.
var bundles = map[string]string{}

func init() {
	loadBundle("en")
	loadBundle("zh")
}

func loadBundle(lang string) { bundles[lang] = lang + ".json" }

// Filled by a function that init and a handler call: counted.
var mixed = map[string]string{}

func init() { loadMixed("en") }

func loadMixed(lang string) { mixed[lang] = lang } // want `map mixed only grows`

func reload(r string) { loadMixed(r + "-reload") }
