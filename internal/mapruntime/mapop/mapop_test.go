package mapop

import (
	"strings"
	"testing"
)

func TestOf(t *testing.T) {
	for fn, want := range map[string]Op{
		"runtime.mapaccess1_fast64":                        Lookup,
		"internal/runtime/maps.ctrlGroup.matchH2":          Lookup,
		"runtime.mapassign_faststr":                        Assign,
		"reflect.mapassign_faststr0":                       Assign,
		"runtime.evacuate_fast64":                          Grow,
		"runtime.hashGrow":                                 Grow,
		"internal/runtime/maps.(*table).split":             Grow,
		"internal/runtime/maps.(*Map).growToTable":         Grow,
		"runtime.mapdelete_fast32":                         Delete,
		"internal/runtime/maps.(*Map).Delete":              Delete,
		"runtime.mapclear":                                 Clear,
		"runtime.mapclear.func1":                           Clear, // the closure of Go 1.23's mapclear
		"internal/runtime/maps.(*table).Clear":             Clear,
		"runtime.mapiternext":                              Iterate,
		"internal/runtime/maps.(*Iter).Next":               Iterate,
		"aeshashbody":                                      Hash,
		"runtime.memhash64":                                Hash,
		"internal/runtime/maps.memHashAES":                 Hash,
		"type:.hash.main.Key":                              Hash,
		"runtime.makemap":                                  Make,
		"internal/runtime/maps.NewMap":                     Make,
		"maps.clone":                                       Clone,
		"internal/runtime/maps.(*ctrlGroup).setEmpty":      None, // inherits: newTable's (growth) or NewMap's (make)
		"runtime.mallocgc":                                 None,
		"runtime.memequal":                                 None,
		"runtime.add":                                      None,
		"main.fill":                                        None,
		"main.func1":                                       None,
		"example.com/x.(*T).mapassign":                     None,
		"internal/runtime/maps.(*table).uncheckedPutSlot":  Assign,
		"internal/runtime/maps.(*Map).putSlotSmallFastStr": Assign,
	} {
		if got := Of(fn); got != want {
			t.Errorf("Of(%q) = %v, want %v", fn, got, want)
		}
	}
}

// Stacks, leaf first, as CPU profiles and traces of Go 1.23, 1.26 and
// 1.27 programs recorded them.
func TestResolve(t *testing.T) {
	for _, tc := range []struct {
		stack string
		op    Op
		entry string
	}{
		// Go 1.23 buckets: evacuation under an assignment is growth, and so
		// is hashing during it.
		{"runtime.memhash64 runtime.evacuate_fast64 runtime.growWork_fast64 runtime.mapassign_fast64 main.unhinted main.main runtime.main", Grow, "runtime.mapassign_fast64"},
		{"runtime.memclrNoHeapPointers runtime.mallocgc runtime.newobject runtime.(*hmap).newoverflow runtime.mapassign_fast64 main.unhinted main.main", Assign, "runtime.mapassign_fast64"},
		{"runtime.(*bmap).overflow runtime.(*hmap).newoverflow runtime.evacuate_fast64 runtime.growWork_fast64 runtime.mapassign_fast64 main.unhinted", Grow, "runtime.mapassign_fast64"},
		{"runtime.memhash64 runtime.mapassign_fast64 main.hinted main.main runtime.main", Hash, "runtime.mapassign_fast64"},
		{"runtime.tophash runtime.mapassign_fast64 main.hinted main.main", Assign, "runtime.mapassign_fast64"},
		{"aeshashbody runtime.mapassign_faststr main.clears main.main", Hash, "runtime.mapassign_faststr"},
		{"runtime.mapaccess1_fast64 main.lookups main.main runtime.main", Lookup, "runtime.mapaccess1_fast64"},
		{"runtime.memclrNoHeapPointers runtime.mapclear.func1 runtime.mapclear main.clears main.main", Clear, "runtime.mapclear"},
		{"runtime.memclrNoHeapPointers runtime.makeBucketArray runtime.mapclear main.clears main.main", Clear, "runtime.mapclear"},
		// A delete during a bucket map's growth evacuates too.
		{"runtime.evacuate_fast64 runtime.growWork_fast64 runtime.mapdelete_fast64 main.drop", Grow, "runtime.mapdelete_fast64"},
		// makemap's bucket array is the make's, not growth.
		{"runtime.memclrNoHeapPointers runtime.mallocgc runtime.newarray runtime.makeBucketArray runtime.makemap main.hinted", Make, "runtime.makemap"},
		// Go 1.26/1.27 Swiss tables.
		{"internal/runtime/maps.(*ctrlGroup).setEmpty internal/runtime/maps.(*table).reset internal/runtime/maps.newTable internal/runtime/maps.(*table).split internal/runtime/maps.(*table).rehash runtime.mapassign_fast64 main.unhinted main.main", Grow, "runtime.mapassign_fast64"},
		{"internal/runtime/maps.(*ctrlGroup).setEmpty internal/runtime/maps.(*table).reset internal/runtime/maps.newTable internal/runtime/maps.NewMap runtime.makemap main.hinted main.main", Make, "runtime.makemap"},
		{"internal/runtime/maps.ctrlGroup.matchH2 runtime.mapassign_fast64 main.unhinted main.main", Assign, "runtime.mapassign_fast64"},
		{"internal/runtime/maps.(*table).uncheckedPutSlot internal/runtime/maps.(*table).grow internal/runtime/maps.(*table).rehash runtime.mapassign_fast64 main.unhinted", Grow, "runtime.mapassign_fast64"},
		{"internal/runtime/maps.memHashAES runtime.mapaccess2_fast64 main.lookups main.main", Hash, "runtime.mapaccess2_fast64"},
		{"internal/runtime/maps.typedmemclr internal/runtime/maps.(*table).Clear internal/runtime/maps.(*Map).Clear runtime.mapclear main.clears", Clear, "runtime.mapclear"},
		// A mark assist under a split: the GC work the growth's allocation
		// was charged is growth.
		{"runtime.scanobject runtime.gcDrainN runtime.gcAssistAlloc runtime.deductAssistCredit runtime.mallocgc runtime.newarray internal/runtime/maps.newarray internal/runtime/maps.newGroups internal/runtime/maps.(*table).reset internal/runtime/maps.newTable internal/runtime/maps.(*table).split internal/runtime/maps.(*table).rehash runtime.mapassign_fast64 main.unhinted main.main", Grow, "runtime.mapassign_fast64"},
		// Reflect and decoders: the outermost map frame is the entry.
		{"internal/runtime/maps.(*table).split internal/runtime/maps.(*table).rehash runtime.mapassign_faststr reflect.mapassign_faststr0 reflect.Value.SetMapIndex encoding/json.(*decodeState).object main.decode", Grow, "reflect.mapassign_faststr0"},
		// Hashing with no map above it is not map code.
		{"runtime.memhash hash/maphash.String main.sum", None, ""},
		{"runtime.memequal main.cmp main.main", None, ""},
		{"runtime.futex runtime.futexsleep runtime.notesleep", None, ""},
	} {
		frames := strings.Fields(tc.stack)
		ops := make([]Op, len(frames))
		for i, f := range frames {
			ops[i] = Of(f)
		}
		op, entry := Resolve(ops)
		got := ""
		if entry >= 0 {
			got = frames[entry]
		}
		if op != tc.op || got != tc.entry {
			t.Errorf("Resolve(%s) = %v at %q, want %v at %q", tc.stack, op, got, tc.op, tc.entry)
		}
	}
}

func TestNames(t *testing.T) {
	for _, o := range Ops {
		p, ok := Parse(o.String())
		if !ok || p != o {
			t.Errorf("Parse(%q) = %v, %v", o.String(), p, ok)
		}
	}
	if None.String() != "" {
		t.Errorf("None.String() = %q", None.String())
	}
	if _, ok := Parse("bogus"); ok {
		t.Error("Parse accepted bogus")
	}
}
