// Package decoy holds the honest neighbours every trend scenario runs
// beside its own problem, so that a detector meets what a real service
// also holds: a large map built once at startup, a bounded cache whose
// entries churn, and a leak that is not a map (an audit log that only
// grows). Each is about as large as a scenario's problem, so none of them
// hides in the noise.
package decoy

import (
	"math/rand"
	"strconv"
)

// Sizes, chosen so that at the default MemProfileRate each decoy holds
// several MB: the place table about 12 MB of map storage (256 tables of
// 48 KB, of which about 23 are sampled; 11 MB in one bucket array with
// Go 1.23), the quote cache about 8 MB once warm, and the audit log 20 MB
// more at the end of a 40-step run than after its first step. Sampling
// makes each figure wander by 2-3 MB from one run to the next: a 48 or
// 64 KB block is sampled with a probability of 9-12%.
const (
	places        = 160000
	quoteCapacity = 80000
	// The quote cache fills in the first warmSteps steps, then sees
	// quotesPerStep new quotes a step, each evicting the oldest.
	warmSteps       = 5
	quotesPerStep   = 2500
	auditsPerStep   = 8000 // 64 B each
	lookupsPerStep  = 5000
	firstQuoteID    = 1 << 40
	actions         = 5 // login, read, write, delete, logout
	placeNamePrefix = "place-"
)

// Decoys is the set every scenario runs.
type Decoys struct {
	places map[string]place
	quotes *quoteCache
	audit  auditLog
	rng    *rand.Rand
	nextID int64
}

// Start builds the static table; call it before the first step, as a
// service loads its reference data before it serves.
func Start() *Decoys {
	return &Decoys{
		places: loadPlaces(places),
		quotes: newQuoteCache(quoteCapacity),
		rng:    rand.New(rand.NewSource(1)),
		nextID: firstQuoteID,
	}
}

// Step serves one step of decoy traffic: lookups in the static table,
// fresh quotes through the bounded cache, one audit record per request.
func (d *Decoys) Step(step int) {
	found := 0
	for i := 0; i < lookupsPerStep; i++ {
		if _, ok := d.places[placeName(d.rng.Intn(places))]; ok {
			found++
		}
	}
	quotes := quotesPerStep
	if step < warmSteps {
		quotes = quoteCapacity / warmSteps
	}
	for i := 0; i < quotes; i++ {
		d.nextID++
		d.quotes.put(d.nextID, quote{bid: float64(i), ask: float64(i) + 0.5, size: int64(found), at: int64(step)})
	}
	for i := 0; i < auditsPerStep; i++ {
		d.audit.record(int64(d.rng.Intn(1000)), i%actions, 200)
	}
}

type place struct {
	lat, lon   float64
	population int64
}

func placeName(i int) string { return placeNamePrefix + strconv.Itoa(i) }

// loadPlaces builds the reference table once; it never changes after.
func loadPlaces(n int) map[string]place {
	t := make(map[string]place)
	for i := 0; i < n; i++ {
		name := placeName(i)
		t[name] = place{lat: float64(i%180) - 90, lon: float64(i%360) - 180, population: int64(i)} // want: stable "t" "map[string]place"
	}
	return t
}

type quote struct {
	bid, ask float64
	size, at int64
	venue    [16]byte
}

// quoteCache keeps the last capacity quotes, evicting the oldest (FIFO).
// It is bounded in entries, not in bytes. Measured over a 40-step run:
// with Go 1.26 and 1.27 it is flat once warm; with Go 1.23 the bucket map
// gains overflow buckets under churn (480 B each, reclaimed only by a
// same-size grow) and creeps up by 10-30% after warming. Go 1.24's Swiss
// tables creep faster (golang/go#70886). In no version is it a leak.
type quoteCache struct {
	items map[int64]quote
	order []int64 // ring of the keys in insertion order
	next  int     // the oldest key once full
	full  bool
}

func newQuoteCache(capacity int) *quoteCache {
	return &quoteCache{items: make(map[int64]quote), order: make([]int64, capacity)}
}

func (c *quoteCache) put(id int64, q quote) {
	if _, ok := c.items[id]; !ok {
		if c.full {
			delete(c.items, c.order[c.next])
		}
		c.order[c.next] = id
		c.next++
		if c.next == len(c.order) {
			c.next, c.full = 0, true
		}
	}
	c.items[id] = q // want: plateau or stable or growing "c.items" "map[int64]quote"
}

// auditLog keeps every record it is given, in chunks: a leak, but not a
// map one. The records hold no pointers, so the collector need not scan
// them, as in a log built for volume.
type auditLog struct {
	chunks [][]auditRecord
	cur    []auditRecord
	seq    int64
}

// auditChunk records of 64 bytes make one 64 KB allocation.
const auditChunk = 1024

type auditRecord struct {
	seq, user int64
	action    int32
	status    int32
	remote    [16]byte // the client's address
	trace     [24]byte // the request's trace ID
}

func (l *auditLog) record(user int64, action, status int) {
	if len(l.cur) == cap(l.cur) {
		l.cur = make([]auditRecord, 0, auditChunk) // want: nonmap-leak
		l.chunks = append(l.chunks, l.cur)
	}
	l.seq++
	l.cur = append(l.cur, auditRecord{seq: l.seq, user: user, action: int32(action), status: int32(status)})
	l.chunks[len(l.chunks)-1] = l.cur
}
