// Command cache is the trend scenario of a cache without eviction: every
// response is stored under its request path, and nothing ever removes an
// entry, so the map grows for as long as new paths arrive.
package main

import (
	"math/rand"
	"strconv"

	"example.com/trend/internal/decoy"
	"example.com/trend/internal/snap"
)

// Each step serves newPerStep requests for paths never seen before and
// repeatsPerStep for paths already cached: over 40 steps the store gains
// 125,000 entries, about 30 MB of map storage (the items are stored in
// the map's slots) and 6 MB of keys.
//
// One map grows in waves: its entries spread evenly over its tables (or
// buckets), so all of them fill, and split or double, at about the same
// time. Its series is a staircase whose steps double in height and in
// width, with long flat stretches between them: measured with Go 1.26
// and 1.27, waves at about steps 4, 9, 18 and 36 of a 40-step run
// (57,344 and 114,688 entries for the last two); with Go 1.23, whose
// buckets fill to 6.5 of 8 slots rather than 7 of 8, at steps 8, 17 and
// 34, each followed by a few steps in which the old and the new bucket
// arrays are both live. A shorter run would end on the last flat stretch
// at half the size: a leak need not be climbing in every window.
const (
	newPerStep     = 3125
	repeatsPerStep = 900
)

// An Item is a cached response's metadata, 96 bytes, small enough for a
// map to keep inline in its slots.
type Item struct {
	Status   int32
	Flags    uint32
	Size     int64
	Created  int64
	Expires  int64 // set, but nothing ever looks at it
	Hits     int64
	ETag     [40]byte
	Checksum [16]byte
}

// A Store caches items by request path, forever.
type Store struct {
	items map[string]Item
}

func NewStore() *Store { return &Store{items: make(map[string]Item)} }

func (s *Store) Get(key string) (Item, bool) {
	it, ok := s.items[key]
	return it, ok
}

func (s *Store) Put(key string, it Item) {
	s.items[key] = it // want: leak "s.items" "map[string]Item"
}

func main() {
	series := snap.Start()
	decoys := decoy.Start()
	store := NewStore()
	rng := rand.New(rand.NewSource(2))
	last := 0
	series.Run(func(step int) {
		decoys.Step(step)
		for i := 0; i < newPerStep; i++ {
			last++
			serve(store, last, step)
		}
		for i := 0; i < repeatsPerStep; i++ {
			serve(store, 1+rng.Intn(last), step)
		}
	})
}

func serve(s *Store, id, step int) Item {
	key := requestPath(id)
	if it, ok := s.Get(key); ok {
		return it
	}
	it := render(id, step)
	s.Put(key, it)
	return it
}

func requestPath(id int) string {
	return "/v1/items/" + strconv.Itoa(id) + "?fields=all&lang=en" // want: nonmap-leak
}

func render(id, step int) Item {
	it := Item{Status: 200, Size: int64(id % 4096), Created: int64(step), Expires: int64(step + 10)}
	copy(it.ETag[:], strconv.Itoa(id*7919))
	return it
}
