// Package a holds true positives and near misses for poolmap.
package a

import "sync"

// True positives.

type state struct {
	seen map[string]bool
	buf  []byte
}

var statePool = sync.Pool{New: func() any { return &state{seen: map[string]bool{}} }}

func handle(keys []string) {
	s := statePool.Get().(*state)
	defer statePool.Put(s) // want `pooled \*state keeps the entries of its map field seen: nothing clears or re-makes it before Put`
	for _, k := range keys {
		s.seen[k] = true
	}
}

type scratch struct {
	index map[int]int
}

func (s *scratch) Reset() { clear(s.index) }

type encoder struct {
	pool sync.Pool // a pool held in a field
}

func (e *encoder) encode(xs []int) {
	s, _ := e.pool.Get().(*scratch)
	if s == nil {
		s = &scratch{index: make(map[int]int)}
	}
	for i, x := range xs {
		s.index[x] = i
	}
	s.Reset()
	e.pool.Put(s) // want `pooled \*scratch keeps the peak size of its map field index: emptying a map keeps every table; re-make it when its len exceeds a bound`
}

type inner struct{ names map[string]int }

type embedding struct {
	inner // an embedded struct's map travels too
}

var embPool sync.Pool

func useEmbedding(n string) {
	e := embPool.Get().(*embedding)
	for k := range e.names {
		delete(e.names, k)
	}
	e.names[n] = 1
	embPool.Put(e) // want `pooled \*embedding keeps the peak size of its map field names`
}

var mapPool = sync.Pool{New: func() any { return map[string]int{} }}

func pooledMap(keys []string) int {
	m := mapPool.Get().(map[string]int)
	for _, k := range keys {
		m[k]++
	}
	n := len(m)
	clear(m)
	mapPool.Put(m) // want `pooled map m keeps its peak size: emptying a map keeps every table; drop or re-make it when its len exceeds a bound`
	return n
}

func pooledMapDirty(k string) {
	m := mapPool.Get().(map[string]int)
	m[k] = 1
	mapPool.Put(m) // want `pooled map m keeps its entries: nothing clears it before Put`
}

// Near misses.

type remade struct{ m map[int]bool }

var remadePool sync.Pool

func useRemade(k int) {
	r := remadePool.Get().(*remade)
	r.m[k] = true
	r.m = make(map[int]bool)
	remadePool.Put(r)
}

type boundedReset struct{ m map[int]bool }

var boundedPool sync.Pool

func useBounded(k int) {
	b := boundedPool.Get().(*boundedReset)
	b.m[k] = true
	if len(b.m) > 1024 {
		b.m = make(map[int]bool)
	} else {
		clear(b.m)
	}
	boundedPool.Put(b)
}

type noMaps struct{ buf []byte }

var noMapsPool sync.Pool

func useNoMaps() {
	b := noMapsPool.Get().(*noMaps)
	b.buf = append(b.buf[:0], 'x')
	noMapsPool.Put(b)
}

type niled struct{ m map[int]bool }

var niledPool sync.Pool

func useNiled(k int) {
	n, _ := niledPool.Get().(*niled)
	if n == nil {
		n = new(niled)
	}
	if n.m == nil {
		n.m = make(map[int]bool) // lazy creation, not a reset
	}
	n.m[k] = true
	n.m = nil
	niledPool.Put(n)
}

type zeroed struct {
	m map[string]int
	n int
}

var zeroedPool sync.Pool

func (z *zeroed) reset() { *z = zeroed{} }

func useZeroed(k string) {
	z := zeroedPool.Get().(*zeroed)
	defer func() {
		z.reset()
		zeroedPool.Put(z)
	}()
	z.m[k] = 1
}

type keptOnOverwrite struct {
	m map[string]int
	n int
}

var keptPool sync.Pool

func useKept(k string) {
	x := keptPool.Get().(*keptOnOverwrite)
	x.m[k] = 1
	*x = keptOnOverwrite{m: x.m} // the old map survives the overwrite
	keptPool.Put(x)              // want `pooled \*keptOnOverwrite keeps the entries of its map field m`
}

type readOnly struct{ m map[string]int }

var readOnlyPool sync.Pool

func useReadOnly(k string) int {
	r := readOnlyPool.Get().(*readOnly)
	defer readOnlyPool.Put(r) // the map is never inserted into: nothing grows
	return r.m[k]
}

type getReset struct{ m map[string]int }

var getResetPool sync.Pool

func getGetReset() *getReset {
	g := getResetPool.Get().(*getReset)
	g.m = map[string]int{} // reset on the Get side
	return g
}

func putGetReset(g *getReset, k string) {
	g.m[k] = 1
	getResetPool.Put(g)
}

type perKey struct{ m map[string]int }

var perKeyPool sync.Pool

func usePerKey(k string) {
	p := perKeyPool.Get().(*perKey)
	p.m[k] = 1
	delete(p.m, k) // entries are removed as they are done
	perKeyPool.Put(p)
}

func pooledMapBounded(k string) {
	m := mapPool.Get().(map[string]int)
	m[k] = 1
	if len(m) > 256 {
		return // dropped: the GC takes it
	}
	clear(m)
	mapPool.Put(m)
}

func blank() {
	_ = statePool.Get() // assignments to _ have no type
}

// printer is overwritten on Get with a map its caller owns: a replacement.
type printer struct {
	sizes map[int]int
	out   []byte
}

var printers = sync.Pool{New: func() any { return new(printer) }}

func newPrinter(sizes map[int]int) *printer {
	p := printers.Get().(*printer)
	*p = printer{sizes: sizes, out: p.out[:0]}
	return p
}

func (p *printer) size(n int) { p.sizes[n] = n }

func (p *printer) free() { printers.Put(p) }

// dropLarge is cleared, and dropped instead of pooled when it grew large.
type dropLarge struct{ m map[int]bool }

var dropPool sync.Pool

func useDropLarge(k int) {
	d := dropPool.Get().(*dropLarge)
	d.m[k] = true
	if len(d.m) > 4096 {
		return // too big to keep: the GC takes it
	}
	clear(d.m)
	dropPool.Put(d)
}

// valueState is pooled by pointer to a value declared in a function.
type valueState struct{ m map[string]bool }

var valuePool sync.Pool

func useValue(k string) {
	var v valueState
	if p, ok := valuePool.Get().(*valueState); ok {
		v = *p
	}
	v.m[k] = true
	valuePool.Put(&v) // want `pooled \*valueState keeps the entries of its map field m`
}

// A pool of pointers to maps.
var ptrPool = sync.Pool{New: func() any { m := map[string]any{}; return &m }}

func putPtr(m *map[string]any) {
	for k := range *m {
		delete(*m, k)
	}
	ptrPool.Put(m) // want `pooled map \*m keeps its peak size`
}

func putPtrRemade(m *map[string]any) {
	*m = make(map[string]any)
	ptrPool.Put(m)
}

// Zeroing the values leaves every key in place.
func putZeroed(m map[string]int) {
	for k := range m {
		m[k] = 0
	}
	mapPool.Put(m) // want `pooled map m keeps its entries: nothing clears it before Put`
}
