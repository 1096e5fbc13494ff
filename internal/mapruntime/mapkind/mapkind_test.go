package mapkind

import "testing"

// Frame names from real stacks of both map implementations: runtime.
// MemProfile records of Go 1.23 and 1.26 programs, godeltaprof profiles,
// and what runtime/pprof keeps in /debug/pprof/heap.
func TestOfFrame(t *testing.T) {
	for fn, want := range map[string]Kind{
		// Swiss tables, Go 1.24+.
		"internal/runtime/maps.(*table).split":          Grow,
		"internal/runtime/maps.newarray":                Grow,
		"internal/runtime/maps.(*Map).growToTable":      Grow,
		"internal/runtime/maps.NewMap":                  Make,
		"internal/runtime/maps.NewEmptyMap":             Make,
		"internal/runtime/maps.(*Map).Clone":            Clone,
		"internal/runtime/maps.(*table).clone":          Clone,
		"runtime.mapassign_fast64":                      Grow,
		"runtime.makemap_small":                         Make,
		"runtime.maps_clone":                            Clone,
		"internal/sync.(*HashTrieMap[...]).LoadOrStore": SyncMap,
		// Buckets, Go 1.21-1.23.
		"runtime.hashGrow":               Grow,
		"runtime.growWork_faststr":       Grow,
		"runtime.evacuate_fast64":        Grow,
		"runtime.(*hmap).newoverflow":    Grow,
		"runtime.(*hmap).createOverflow": Grow,
		"runtime.makeBucketArray":        Grow,
		"runtime.mapclone2":              Clone,
		"sync.(*Map).Store":              SyncMap,
		// Frames runtime/pprof keeps.
		"maps.clone":                 Clone,
		"reflect.mapassign_faststr0": Reflect,
		"reflect.MakeMapWithSize":    Reflect,
		"reflect.Value.SetMapIndex":  Reflect,
		"example.com/svc.map.init.0": Make,
		"main.map.init.2":            Make,
		// Nothing to do with maps.
		"runtime.mallocgc":     "",
		"runtime.newobject":    "",
		"reflect.MapOf":        "",
		"main.(*Server).serve": "",
	} {
		if got := OfFrame(fn); got != want {
			t.Errorf("OfFrame(%q) = %q, want %q", fn, got, want)
		}
	}
}

// The frame nearest the user's code gives the reason: a wrapper outranks
// the runtime call it makes.
func TestRank(t *testing.T) {
	order := []Kind{SyncMap, Reflect, Clone, Make, Grow}
	for i := 1; i < len(order); i++ {
		if Rank(order[i-1]) <= Rank(order[i]) {
			t.Errorf("Rank(%s) = %d, not above Rank(%s) = %d", order[i-1], Rank(order[i-1]), order[i], Rank(order[i]))
		}
	}
	for _, k := range []Kind{NonMap, Unknown, ""} {
		if Rank(k) != 0 {
			t.Errorf("Rank(%q) = %d, want 0", k, Rank(k))
		}
	}
}

func TestOfCallee(t *testing.T) {
	for _, tc := range []struct {
		callee string
		kind   Kind
		ok     bool
	}{
		{"runtime.mapassign_faststr", Grow, true},
		{"runtime.mapassign", Grow, true},
		{"runtime.makemap", Make, true},
		{"runtime.makemap_small", Make, true},
		{"internal/runtime/maps.NewMap", Make, true},
		{"maps.clone", Clone, true},
		{"runtime.newobject", NonMap, true},
		{"runtime.mallocgcSmallNoScanSC5", NonMap, true}, // Go 1.27's specialised allocators
		{"runtime.growslice", NonMap, true},
		{"runtime.convTstring", NonMap, true},
		{"runtime.gcWriteBarrier2", Unknown, false},
		{"main.helper", Unknown, false},
	} {
		k, ok := OfCallee(tc.callee)
		if k != tc.kind || ok != tc.ok {
			t.Errorf("OfCallee(%q) = %s, %v; want %s, %v", tc.callee, k, ok, tc.kind, tc.ok)
		}
	}
}

func TestIsMap(t *testing.T) {
	for _, k := range Kinds {
		want := k != NonMap && k != Unknown
		if k.IsMap() != want {
			t.Errorf("%s.IsMap() = %v", k, k.IsMap())
		}
	}
}
