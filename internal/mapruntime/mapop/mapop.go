// Package mapop tells which map operation a CPU sample or a stack is in,
// from the function names of its frames: a lookup, an assignment, the
// growth of a map (a rehash, a table split, an evacuation, and everything
// they call, the allocator and the GC included), a delete, a clear, an
// iteration, hashing, a make or a clone.
//
// CPU profiles and execution traces keep every runtime frame (unlike heap
// profiles), so the cost of a map can be told exactly, by version: the
// bucket maps of Go 1.21-1.23 (and GOEXPERIMENT=noswissmap in 1.24 and
// 1.25) and the Swiss tables of Go 1.24-1.27 spell their functions
// differently. Every name in the table below was read from the runtime
// sources of the versions its comment names; mapop_test.go checks them
// against the sources of every toolchain it can get, both ways: each name
// exists in the versions it claims, and each map function of those
// versions is either named here or known to inherit its caller's
// operation.
package mapop

import (
	"strconv"
	"strings"
)

// Op is a map operation.
type Op uint8

const (
	None    Op = iota // not map code
	Lookup            // m[k], v, ok := m[k]
	Assign            // m[k] = v, without growing
	Grow              // growth: rehash, split, evacuation, and the allocation and GC work under them
	Delete            // delete(m, k)
	Clear             // clear(m), and the range-and-delete loop compiled to it
	Iterate           // for k, v := range m
	Hash              // hashing a key, under any operation but growth
	Make              // make(map...) and map literals: initial sizing
	Clone             // maps.Clone
)

// Ops lists the operations in report order.
var Ops = []Op{Lookup, Assign, Grow, Delete, Clear, Iterate, Hash, Make, Clone}

var names = [...]string{
	None: "", Lookup: "lookup", Assign: "assign", Grow: "grow", Delete: "delete",
	Clear: "clear", Iterate: "iterate", Hash: "hash", Make: "make", Clone: "clone",
}

// String returns the operation's name as reports and JSON spell it.
func (o Op) String() string {
	if int(o) < len(names) {
		return names[o]
	}
	return "op(" + strconv.Itoa(int(o)) + ")"
}

// Parse returns the operation named s.
func Parse(s string) (Op, bool) {
	for _, o := range Ops {
		if names[o] == s {
			return o, true
		}
	}
	return None, false
}

// Of returns the operation a frame's function stands for, None for code
// that is not map code or that only inherits its caller's operation
// (equality functions, small helpers, the allocator).
func Of(fn string) Op {
	fn = trimClosure(fn)
	if op, ok := table[fn]; ok {
		return op
	}
	// Hash functions the compiler writes for key types: "type:.hash.main.Key"
	// (Go 1.21+; "type..hash." before).
	if strings.HasPrefix(fn, "type:.hash.") || strings.HasPrefix(fn, "type..hash.") {
		return Hash
	}
	return None
}

// trimClosure maps a closure to the function it is in:
// "runtime.mapclear.func1" is part of runtime.mapclear.
func trimClosure(fn string) string {
	for {
		i := strings.LastIndex(fn, ".func")
		if i < 0 || i+5 == len(fn) {
			return fn
		}
		rest := fn[i+5:]
		if strings.Trim(rest, "0123456789.") != "" {
			return fn
		}
		fn = fn[:i]
	}
}

// Resolve decides the operation of one stack. ops holds Of of each frame,
// leaf first. The entry is the outermost frame with an operation other
// than Hash: the map call the user's code made, whose caller is the site.
// The whole sample goes to one operation:
//
//   - a make or a clone stays one, whatever it calls (makemap calls
//     makeBucketArray and newTable, which are growth under an assignment);
//   - an assignment or a delete (a bucket map evacuates on deletes too)
//     with a growth frame below it is Grow, and so is everything under
//     that frame, the allocator and the GC's mark assists included: the
//     bytes a split allocates cost CPU in mallocgc. Lookups, iterations
//     and clears never grow a map (Go 1.21-1.23's mapclear calls
//     makeBucketArray to reuse its array: that is the clear's);
//   - else, a hash frame below it is Hash: hashing the key of a lookup,
//     an assignment or a delete;
//   - else, the entry's own operation.
//
// Hash functions with no map frame above them (hash/maphash, sync.Map's
// hash-trie) are not map code: Resolve returns None, -1 for them, as for
// a stack without map frames.
func Resolve(ops []Op) (op Op, entry int) {
	entry = -1
	for i := len(ops) - 1; i >= 0; i-- {
		if ops[i] != None && ops[i] != Hash {
			entry = i
			break
		}
	}
	if entry < 0 {
		return None, -1
	}
	op = ops[entry]
	if op == Make || op == Clone || op == Grow {
		return op, entry
	}
	grows := op == Assign || op == Delete
	hash := false
	for i := entry - 1; i >= 0; i-- {
		switch ops[i] {
		case Grow:
			if grows {
				return Grow, entry
			}
		case Hash:
			hash = true
		}
	}
	if hash {
		return Hash, entry
	}
	return op, entry
}

// table maps a function name, as profiles and traces spell it, to its
// operation. Functions defined under one name and renamed by a
// //go:linkname push carry the name the linker gives them: the Swiss
// tables' internal/runtime/maps.runtime_mapassign_fast64 is
// runtime.mapassign_fast64, runtime.reflect_mapassign is
// reflect.mapassign0, runtime.mapclone is maps.clone. Versions are the Go
// releases whose runtime defines the name ("1.21-1.25": the bucket maps,
// which 1.24 and 1.25 keep for GOEXPERIMENT=noswissmap).
var table = map[string]Op{}

// An entry is one name of the table with the versions that define it.
type entry struct {
	name     string
	op       Op
	from, to int // Go 1.from to 1.to
}

// entries is the table as written, with versions; init builds table.
var entries = []entry{
	// Lookups.
	{"runtime.mapaccess1", Lookup, 21, 27},                                     // runtime/map.go; 1.24+ internal/runtime/maps/runtime.go (runtime_mapaccess1)
	{"runtime.mapaccess2", Lookup, 21, 27},                                     // same
	{"runtime.mapaccess1_fat", Lookup, 21, 27},                                 // runtime/map.go (map_swiss.go, map_noswiss.go in 1.24-1.25)
	{"runtime.mapaccess2_fat", Lookup, 21, 27},                                 // same
	{"runtime.mapaccess1_fast32", Lookup, 21, 27},                              // runtime/map_fast32.go; 1.24+ internal/runtime/maps/runtime_fast32*.go
	{"runtime.mapaccess2_fast32", Lookup, 21, 27},                              // same
	{"runtime.mapaccess1_fast64", Lookup, 21, 27},                              // runtime/map_fast64.go; 1.24+ internal/runtime/maps/runtime_fast64*.go
	{"runtime.mapaccess2_fast64", Lookup, 21, 27},                              // same
	{"runtime.mapaccess1_faststr", Lookup, 21, 27},                             // runtime/map_faststr.go; 1.24+ internal/runtime/maps/runtime_faststr*.go
	{"runtime.mapaccess2_faststr", Lookup, 21, 27},                             // same
	{"runtime.mapaccessK", Lookup, 21, 25},                                     // buckets: runtime/map.go (map_noswiss.go), the iterator's lookup in a growing map
	{"reflect.mapaccess", Lookup, 21, 27},                                      // runtime.reflect_mapaccess
	{"reflect.mapaccess_faststr", Lookup, 21, 27},                              // runtime.reflect_mapaccess_faststr
	{"internal/runtime/maps.(*Map).Get", Lookup, 24, 27},                       // internal/runtime/maps/map.go
	{"internal/runtime/maps.(*Map).getWithKey", Lookup, 24, 27},                // same
	{"internal/runtime/maps.(*Map).getWithoutKey", Lookup, 24, 27},             // same
	{"internal/runtime/maps.(*Map).getWithKeySmall", Lookup, 24, 27},           // same
	{"internal/runtime/maps.(*Map).getWithoutKeySmallFastStr", Lookup, 24, 27}, // internal/runtime/maps/runtime_faststr*.go
	{"internal/runtime/maps.(*table).Get", Lookup, 24, 27},                     // internal/runtime/maps/table.go
	{"internal/runtime/maps.(*table).getWithKey", Lookup, 24, 27},              // same
	{"internal/runtime/maps.(*table).getWithoutKey", Lookup, 24, 27},           // same
	{"internal/runtime/maps.ctrlGroup.matchH2", Lookup, 24, 27},                // internal/runtime/maps/group.go: the probe of a group
	{"internal/runtime/maps.ctrlGroupMatchH2", Lookup, 24, 27},                 // same, portable version

	// Assignments.
	{"runtime.mapassign", Assign, 21, 27},                                               // runtime/map.go; 1.24+ internal/runtime/maps/runtime.go (runtime_mapassign)
	{"runtime.mapassign_fast32", Assign, 21, 27},                                        // runtime/map_fast32.go; 1.24+ internal/runtime/maps/runtime_fast32*.go
	{"runtime.mapassign_fast32ptr", Assign, 21, 27},                                     // same
	{"runtime.mapassign_fast64", Assign, 21, 27},                                        // runtime/map_fast64.go; 1.24+ internal/runtime/maps/runtime_fast64*.go
	{"runtime.mapassign_fast64ptr", Assign, 21, 27},                                     // same
	{"runtime.mapassign_faststr", Assign, 21, 27},                                       // runtime/map_faststr.go; 1.24+ internal/runtime/maps/runtime_faststr*.go
	{"reflect.mapassign0", Assign, 21, 27},                                              // runtime.reflect_mapassign
	{"reflect.mapassign_faststr0", Assign, 21, 27},                                      // runtime.reflect_mapassign_faststr
	{"runtime.(*hmap).newoverflow", Assign, 21, 25},                                     // runtime/map.go (map_noswiss.go): an overflow bucket for a full bucket
	{"internal/runtime/maps.(*Map).Put", Assign, 24, 27},                                // internal/runtime/maps/map.go
	{"internal/runtime/maps.(*Map).PutSlot", Assign, 24, 27},                            // same
	{"internal/runtime/maps.(*Map).putSlotSmall", Assign, 24, 27},                       // same
	{"internal/runtime/maps.(*Map).putSlotSmallFast32", Assign, 24, 27},                 // internal/runtime/maps/runtime_fast32*.go
	{"internal/runtime/maps.(*Map).putSlotSmallFast64", Assign, 24, 27},                 // internal/runtime/maps/runtime_fast64*.go
	{"internal/runtime/maps.(*Map).putSlotSmallFastPtr", Assign, 24, 27},                // same
	{"internal/runtime/maps.(*Map).putSlotSmallFastStr", Assign, 24, 27},                // internal/runtime/maps/runtime_faststr*.go
	{"internal/runtime/maps.(*table).PutSlot", Assign, 24, 27},                          // internal/runtime/maps/table.go
	{"internal/runtime/maps.(*table).uncheckedPutSlot", Assign, 24, 27},                 // same; also the re-insertion of a rehash, which Resolve counts as growth
	{"internal/runtime/maps.(*table).uncheckedPutSlotForAssign", Assign, 27, 27},        // internal/runtime/maps/table.go, new in 1.27
	{"internal/runtime/maps.(*table).uncheckedPutSlotForAssignFast32", Assign, 27, 27},  // internal/runtime/maps/runtime_fast32.go, 1.27
	{"internal/runtime/maps.(*table).uncheckedPutSlotForAssignFast64", Assign, 27, 27},  // internal/runtime/maps/runtime_fast64.go, 1.27
	{"internal/runtime/maps.(*table).uncheckedPutSlotForAssignFastPtr", Assign, 27, 27}, // same
	{"internal/runtime/maps.(*table).uncheckedPutSlotForAssignFastStr", Assign, 27, 27}, // internal/runtime/maps/runtime_faststr.go, 1.27

	// Growth. Buckets: hashGrow allocates the doubled (or same-size, for
	// too many overflow buckets) array, growWork and evacuate move the
	// old buckets incrementally, on later assignments and deletes. An
	// overflow bucket chained to a full bucket is not growth: a presized
	// map chains them too (from the ones makemap preallocates), and no
	// size hint avoids them.
	{"runtime.hashGrow", Grow, 21, 25},              // runtime/map.go (map_noswiss.go)
	{"runtime.growWork", Grow, 21, 25},              // same
	{"runtime.growWork_fast32", Grow, 21, 25},       // runtime/map_fast32.go (map_fast32_noswiss.go)
	{"runtime.growWork_fast64", Grow, 21, 25},       // runtime/map_fast64.go (map_fast64_noswiss.go)
	{"runtime.growWork_faststr", Grow, 21, 25},      // runtime/map_faststr.go (map_faststr_noswiss.go)
	{"runtime.evacuate", Grow, 21, 25},              // runtime/map.go (map_noswiss.go)
	{"runtime.evacuate_fast32", Grow, 21, 25},       // runtime/map_fast32.go (map_fast32_noswiss.go)
	{"runtime.evacuate_fast64", Grow, 21, 25},       // runtime/map_fast64.go (map_fast64_noswiss.go)
	{"runtime.evacuate_faststr", Grow, 21, 25},      // runtime/map_faststr.go (map_faststr_noswiss.go)
	{"runtime.advanceEvacuationMark", Grow, 21, 25}, // runtime/map.go (map_noswiss.go)
	{"runtime.makeBucketArray", Grow, 21, 25},       // same; under makemap it is the make's
	// Swiss tables: a small map's first group, its conversion to a table,
	// a table doubling (grow) or splitting in two (split), and the new
	// tables and directory they install; tombstone pruning (1.25+) is the
	// same-size rehash of a full table.
	{"internal/runtime/maps.(*Map).growToSmall", Grow, 24, 27},       // internal/runtime/maps/map.go
	{"internal/runtime/maps.(*Map).growToTable", Grow, 24, 27},       // same
	{"internal/runtime/maps.(*Map).installTableSplit", Grow, 24, 27}, // same
	{"internal/runtime/maps.(*Map).replaceTable", Grow, 24, 27},      // same
	{"internal/runtime/maps.(*table).rehash", Grow, 24, 27},          // internal/runtime/maps/table.go
	{"internal/runtime/maps.(*table).grow", Grow, 24, 27},            // same
	{"internal/runtime/maps.(*table).split", Grow, 24, 27},           // same
	{"internal/runtime/maps.(*table).pruneTombstones", Grow, 25, 27}, // same, new in 1.25
	{"internal/runtime/maps.newTable", Grow, 24, 27},                 // same; under NewMap it is the make's

	// Deletes.
	{"runtime.mapdelete", Delete, 21, 27},                        // runtime/map.go
	{"runtime.mapdelete_fast32", Delete, 21, 27},                 // runtime/map_fast32.go; 1.24+ internal/runtime/maps/runtime_fast32*.go
	{"runtime.mapdelete_fast64", Delete, 21, 27},                 // runtime/map_fast64.go; 1.24+ internal/runtime/maps/runtime_fast64*.go
	{"runtime.mapdelete_faststr", Delete, 21, 27},                // runtime/map_faststr.go; 1.24+ internal/runtime/maps/runtime_faststr*.go
	{"reflect.mapdelete", Delete, 21, 27},                        // runtime.reflect_mapdelete
	{"reflect.mapdelete_faststr", Delete, 21, 27},                // runtime.reflect_mapdelete_faststr
	{"internal/runtime/maps.(*Map).Delete", Delete, 24, 27},      // internal/runtime/maps/map.go
	{"internal/runtime/maps.(*Map).deleteSmall", Delete, 24, 27}, // same
	{"internal/runtime/maps.(*table).Delete", Delete, 24, 27},    // internal/runtime/maps/table.go

	// Clears.
	{"runtime.mapclear", Clear, 21, 27},                        // runtime/map.go
	{"reflect.mapclear", Clear, 21, 27},                        // runtime.reflect_mapclear
	{"internal/runtime/maps.(*Map).Clear", Clear, 24, 27},      // internal/runtime/maps/map.go
	{"internal/runtime/maps.(*Map).clearSmall", Clear, 24, 27}, // same
	{"internal/runtime/maps.(*table).Clear", Clear, 24, 27},    // internal/runtime/maps/table.go

	// Iteration.
	{"runtime.mapiterinit", Iterate, 21, 27},                        // runtime/map.go; 1.24-1.25 also linkname_swiss.go, 1.26+ linkname_shim.go (for linkname users)
	{"runtime.mapiternext", Iterate, 21, 27},                        // same
	{"runtime.mapIterStart", Iterate, 24, 27},                       // runtime/map_swiss.go (1.24-1.25), runtime/map.go (1.26+)
	{"runtime.mapIterNext", Iterate, 24, 27},                        // same
	{"reflect.mapiterinit", Iterate, 21, 27},                        // runtime.reflect_mapiterinit (buckets; 1.26+ linkname_shim.go)
	{"reflect.mapiternext", Iterate, 21, 27},                        // runtime.reflect_mapiternext
	{"reflect.mapiterkey", Iterate, 21, 27},                         // runtime.reflect_mapiterkey
	{"reflect.mapiterelem", Iterate, 21, 27},                        // runtime.reflect_mapiterelem
	{"reflect.mapIterStart", Iterate, 24, 27},                       // reflect/map_swiss.go (1.24-1.25), reflect/map.go (1.26+)
	{"reflect.mapIterNext", Iterate, 24, 27},                        // same
	{"maps.keys", Iterate, 21, 25},                                  // runtime.keys (buckets)
	{"maps.values", Iterate, 21, 25},                                // runtime.values (buckets)
	{"internal/runtime/maps.(*Iter).Init", Iterate, 24, 27},         // internal/runtime/maps/table.go
	{"internal/runtime/maps.(*Iter).Next", Iterate, 24, 27},         // same
	{"internal/runtime/maps.(*Iter).nextDirIdx", Iterate, 24, 27},   // same
	{"internal/runtime/maps.(*Iter).grownKeyElem", Iterate, 24, 27}, // same

	// Hashing.
	{"runtime.memhash", Hash, 21, 27},                         // runtime/alg.go, asm_amd64.s; 1.27 calls maps.MemHash
	{"runtime.memhash0", Hash, 21, 27},                        // runtime/alg.go
	{"runtime.memhash8", Hash, 21, 27},                        // same
	{"runtime.memhash16", Hash, 21, 27},                       // same
	{"runtime.memhash32", Hash, 21, 27},                       // same, asm_amd64.s before 1.27
	{"runtime.memhash64", Hash, 21, 27},                       // same
	{"runtime.memhash128", Hash, 21, 27},                      // same
	{"runtime.memhash_varlen", Hash, 21, 27},                  // same
	{"runtime.strhash", Hash, 21, 27},                         // same
	{"runtime.typehash", Hash, 21, 27},                        // same
	{"runtime.interhash", Hash, 21, 27},                       // same
	{"runtime.nilinterhash", Hash, 21, 27},                    // same
	{"runtime.f32hash", Hash, 21, 27},                         // same
	{"runtime.f64hash", Hash, 21, 27},                         // same
	{"runtime.c64hash", Hash, 21, 27},                         // same
	{"runtime.c128hash", Hash, 21, 27},                        // same
	{"runtime.stringHash", Hash, 21, 27},                      // same (exported for tests)
	{"runtime.bytesHash", Hash, 21, 27},                       // same
	{"runtime.int32Hash", Hash, 21, 27},                       // same
	{"runtime.int64Hash", Hash, 21, 27},                       // same
	{"runtime.efaceHash", Hash, 21, 27},                       // same
	{"runtime.ifaceHash", Hash, 21, 27},                       // same
	{"runtime.trimHash", Hash, 26, 27},                        // runtime/alg.go, new in 1.26
	{"reflect.typehash", Hash, 21, 27},                        // runtime.reflect_typehash
	{"runtime.memhashFallback", Hash, 21, 26},                 // runtime/hash64.go, hash32.go
	{"runtime.memhash32Fallback", Hash, 21, 26},               // same
	{"runtime.memhash64Fallback", Hash, 21, 26},               // same
	{"runtime.strhashFallback", Hash, 21, 26},                 // runtime/alg.go
	{"aeshashbody", Hash, 21, 26},                             // runtime/asm_amd64.s (and arm64): a static symbol, unqualified in profiles
	{"internal/runtime/maps.MemHash", Hash, 27, 27},           // internal/runtime/maps/memhash_*.go, new in 1.27
	{"internal/runtime/maps.MemHash32", Hash, 27, 27},         // same
	{"internal/runtime/maps.MemHash64", Hash, 27, 27},         // same
	{"internal/runtime/maps.StrHash", Hash, 27, 27},           // same
	{"internal/runtime/maps.memHashAES", Hash, 27, 27},        // memhash_amd64.s, memhash_arm64.s, memhash_aes*.go
	{"internal/runtime/maps.memHash32AES", Hash, 27, 27},      // same
	{"internal/runtime/maps.memHash64AES", Hash, 27, 27},      // same
	{"internal/runtime/maps.memHashFallback", Hash, 27, 27},   // internal/runtime/maps/runtime_hash64.go, runtime_hash32.go
	{"internal/runtime/maps.memHash32Fallback", Hash, 27, 27}, // same
	{"internal/runtime/maps.memHash64Fallback", Hash, 27, 27}, // same
	{"internal/runtime/maps.mix", Hash, 27, 27},               // internal/runtime/maps/runtime_hash64.go
	{"internal/runtime/maps.mix32", Hash, 27, 27},             // internal/runtime/maps/runtime_hash32.go
	{"internal/runtime/maps.r4", Hash, 27, 27},                // internal/runtime/maps/runtime_hash64.go
	{"internal/runtime/maps.r8", Hash, 27, 27},                // same
	{"internal/runtime/maps.readUnaligned32", Hash, 27, 27},   // internal/runtime/maps/runtime_alg.go, used by hashing alone
	{"internal/runtime/maps.readUnaligned64", Hash, 27, 27},   // same
	{"runtime.mix", Hash, 21, 26},                             // runtime/hash64.go: the fallback hash's helpers
	{"runtime.mix32", Hash, 21, 26},                           // runtime/hash32.go
	{"runtime.r4", Hash, 21, 26},                              // runtime/hash64.go, hash32.go
	{"runtime.r8", Hash, 21, 26},                              // same

	// Makes.
	{"runtime.makemap", Make, 21, 27},                   // runtime/map.go
	{"runtime.makemap64", Make, 21, 27},                 // same
	{"runtime.makemap_small", Make, 21, 27},             // same
	{"reflect.makemap", Make, 21, 27},                   // runtime.reflect_makemap
	{"internal/runtime/maps.NewMap", Make, 24, 27},      // internal/runtime/maps/map.go
	{"internal/runtime/maps.NewEmptyMap", Make, 24, 27}, // same

	// Clones.
	{"maps.clone", Clone, 21, 27},                           // runtime.mapclone
	{"runtime.mapclone2", Clone, 21, 25},                    // runtime/map.go (map_noswiss.go)
	{"runtime.moveToBmap", Clone, 21, 25},                   // same
	{"internal/runtime/maps.(*Map).Clone", Clone, 25, 27},   // internal/runtime/maps/map.go, new in 1.25
	{"internal/runtime/maps.(*table).clone", Clone, 25, 27}, // internal/runtime/maps/table.go
	{"internal/runtime/maps.cloneGroup", Clone, 25, 27},     // internal/runtime/maps/group.go
}

func init() {
	for _, e := range entries {
		table[e.name] = e.op
	}
}

// inner lists the map functions that do no operation of their own: they
// run inside one (the probe of a group, a bucket's overflow pointer, the
// allocation of group arrays) and take their caller's operation, or they
// are tests, errors and debugging aids. The test that reads the runtime
// sources needs every map function to be either in entries or here.
var inner = map[string]bool{
	// Buckets (Go 1.21-1.25): bucket arithmetic, overflow chains, the
	// grow state, the copies of maps.Keys and maps.Values.
	"runtime.(*bmap).keys": true, "runtime.(*bmap).overflow": true, "runtime.(*bmap).setoverflow": true,
	"runtime.(*hmap).createOverflow": true, "runtime.(*hmap).growing": true, "runtime.(*hmap).incrnoverflow": true, "runtime.(*hmap).noldbuckets": true,
	"runtime.(*hmap).oldbucketmask": true, "runtime.(*hmap).sameSizeGrow": true,
	"runtime.bucketEvacuated": true, "runtime.bucketMask": true, "runtime.bucketShift": true,
	"runtime.copyKeys": true, "runtime.copyValues": true, "runtime.evacuated": true, "runtime.isEmpty": true,
	"runtime.overLoadFactor": true, "runtime.tooManyOverflowBuckets": true, "runtime.tophash": true,
	"runtime.sameSizeGrowForIssue69110Test": true, // 1.22-1.25, tests only
	// Both: len(m), and the no-op that stands in for a package's empty
	// map initialiser.
	"runtime.mapinitnoop": true, "reflect.maplen": true, "internal/reflectlite.maplen": true,

	// Swiss tables (Go 1.24+): the directory, groups, control words and
	// probe sequences that every operation walks; the allocation of group
	// arrays (under a make, a growth or a clone); accessors of the
	// iterator; errors, debugging and start-up.
	"internal/runtime/maps.(*Map).Used": true, "internal/runtime/maps.(*Map).directoryAt": true,
	"internal/runtime/maps.(*Map).directoryIndex": true, "internal/runtime/maps.(*Map).directorySet": true,
	"internal/runtime/maps.(*table).Used": true, "internal/runtime/maps.(*table).tombstones": true,
	"internal/runtime/maps.(*table).reset": true, "internal/runtime/maps.(*table).resetGrowthLeft": true, // 1.24
	"internal/runtime/maps.(*table).maxGrowthLeft": true, // 1.25+
	"internal/runtime/maps.(*ctrlGroup).get":       true, "internal/runtime/maps.(*ctrlGroup).set": true,
	"internal/runtime/maps.(*ctrlGroup).setEmpty": true, "internal/runtime/maps.ctrlGroup.anyFull": true, // anyFull: 1.26+
	"internal/runtime/maps.ctrlGroup.matchEmpty": true, "internal/runtime/maps.ctrlGroup.matchEmptyOrDeleted": true,
	"internal/runtime/maps.ctrlGroup.matchFull": true, "internal/runtime/maps.ctrlGroupMatchEmpty": true,
	"internal/runtime/maps.ctrlGroupMatchEmptyOrDeleted": true, "internal/runtime/maps.ctrlGroupMatchFull": true,
	"internal/runtime/maps.(*groupReference).ctrls": true, "internal/runtime/maps.(*groupReference).elem": true,
	"internal/runtime/maps.(*groupReference).key": true, "internal/runtime/maps.(*groupsReference).group": true,
	"internal/runtime/maps.bitset.count": true, "internal/runtime/maps.bitset.first": true, // count: 1.25+
	"internal/runtime/maps.bitset.lowestSet": true, "internal/runtime/maps.bitset.removeBelow": true,
	"internal/runtime/maps.bitset.removeFirst": true, "internal/runtime/maps.bitset.shiftOutLowest": true,
	"internal/runtime/maps.bitsetFirst": true, "internal/runtime/maps.bitsetLowestSet": true,
	"internal/runtime/maps.bitsetRemoveBelow": true, "internal/runtime/maps.bitsetShiftOutLowest": true,
	"internal/runtime/maps.makeProbeSeq": true, "internal/runtime/maps.probeSeq.next": true,
	"internal/runtime/maps.h1": true, "internal/runtime/maps.h2": true, // split a hash already computed
	"internal/runtime/maps.depthToShift": true, "internal/runtime/maps.localDepthMask": true,
	"internal/runtime/maps.alignUp": true, "internal/runtime/maps.alignUpPow2": true,
	"internal/runtime/maps.add":                         true,                                          // 1.27
	"internal/runtime/maps.longStringQuickEqualityTest": true, "internal/runtime/maps.stringPtr": true, // stringPtr: 1.24-1.26
	"internal/runtime/maps.newGroups": true, "internal/runtime/maps.newarray": true, "internal/runtime/maps.newobject": true,
	"internal/runtime/maps.typedmemclr": true, "internal/runtime/maps.typedmemmove": true, "internal/runtime/maps.rand": true,
	"internal/runtime/maps.(*Iter).Elem": true, "internal/runtime/maps.(*Iter).Initialized": true,
	"internal/runtime/maps.(*Iter).Key": true, "internal/runtime/maps.(*Iter).Map": true,
	"internal/runtime/maps.fatal": true, "internal/runtime/maps.mapKeyError": true,
	"internal/runtime/maps.mapKeyError2": true, "internal/runtime/maps.OldMapKeyError": true, // 1.25+, OldMapKeyError 1.25
	"internal/runtime/maps.typeString": true, "internal/runtime/maps.unhashableTypeError.Error": true,
	"internal/runtime/maps.unhashableTypeError.RuntimeError": true, // 1.25+
	"internal/runtime/maps.(*table).Print":                   true, "internal/runtime/maps.(*table).checkInvariants": true,
	"internal/runtime/maps.dump":    true,
	"internal/runtime/maps.AlgInit": true, "internal/runtime/maps.initAlgAES": true, // 1.27: start-up
	"internal/runtime/maps.bootstrapRand": true, "internal/runtime/maps.checkMasksAndShiftsAlignment": true,
}
