package lab

import "fmt"

var hintAvoidsGrowth = &Experiment{
	Name:     "hint-avoids-growth",
	Claim:    "a size hint removes growth allocations while filling",
	Predicts: "filling a map made with make(map, n) allocates next to nothing, unlike filling one made without a hint",
	Method:   "insert 1e5 int keys into make(map[int]int) and into make(map[int]int, 1e5); count allocations and bytes (MemStats) during the inserts only",
	Rule:     "holds when the hinted fill allocates < 10% of the bytes of the unhinted fill",
	needs:    []string{"nohint_allocs", "nohint_bytes", "hint_fill_allocs", "hint_fill_bytes"},
	// Growth reallocates the tables again and again (about 1.3x the final
	// size in total); a presized map needs none of it. Bucket maps
	// (Go <= 1.23) still allocate overflow buckets while filling, about 5%
	// of the unhinted bytes, which are not growth: 10% leaves them room
	// and is still far below what growth costs.
	holds: func(f Figures) bool { return f["hint_fill_bytes"] < 0.1*f["nohint_bytes"] },
	summary: func(f Figures) string {
		return fmt.Sprintf("fill of 1e5: %.0f allocs, %s without hint; %.0f allocs, %s with hint",
			f["nohint_allocs"], fmtBytes(f["nohint_bytes"]), f["hint_fill_allocs"], fmtBytes(f["hint_fill_bytes"]))
	},
}

var smallMapInHandler = &Experiment{
	Name:     "small-map-in-handler",
	Claim:    "a small map made per request allocates on every request",
	Predicts: "a handler that makes a 5-entry map and drops it allocates at least once per call",
	Method:   "testing.AllocsPerRun over a handler that builds a 5-entry map[string]int that does not escape; for contrast the same map escaping, and a 20-entry map",
	Rule:     "holds when the non-escaping 5-entry map costs >= 1 allocation per call",
	needs:    []string{"allocs_per_call", "escaping_allocs_per_call", "large_allocs_per_call"},
	// AllocsPerRun returns a whole number per call; any allocation at all
	// makes the claim true.
	holds: func(f Figures) bool { return f["allocs_per_call"] >= 1 },
	summary: func(f Figures) string {
		return fmt.Sprintf("%.0f allocs/call (escaping: %.0f, 20 entries: %.0f)",
			f["allocs_per_call"], f["escaping_allocs_per_call"], f["large_allocs_per_call"])
	},
}

var poolClearKeepsPeak = &Experiment{
	Name:     "pool-clear-keeps-peak",
	Claim:    "a pooled value's map cleared on Put keeps its largest size",
	Predicts: "after one 1e5-entry request and 1000 10-entry ones, the pooled map still holds its peak bytes",
	Method:   "a sync.Pool of values holding a map[int]int, cleared before Put; one request fills 1e5 entries, 1000 requests fill 10; heap held by the checked-out value at the peak and at the end",
	Rule:     "holds when held_bytes >= 50% of peak_bytes",
	needs:    []string{"peak_bytes", "held_bytes", "same_value"},
	// A cleared map keeps its tables (clear-frees) or drops them: the
	// pooled value holds either about all of its peak or about nothing.
	holds: func(f Figures) bool { return f["held_bytes"] >= keptShare*f["peak_bytes"] },
	summary: func(f Figures) string {
		return fmt.Sprintf("peak %s, held after 1000 small requests %s (%s)",
			fmtBytes(f["peak_bytes"]), fmtBytes(f["held_bytes"]), percent(f["held_bytes"], f["peak_bytes"]))
	},
}

var reflectZeroHintPollutes = &Experiment{
	Name:     "reflect-zero-hint-pollutes",
	Claim:    "reflect.MakeMapWithSize(t, 0) leaves buckets in a shared pool",
	Predicts: "after many such maps are filled and dropped, the heap stays above its baseline",
	Method:   "make 1000 maps with reflect.MakeMapWithSize(t, 0), put 100 entries in each through reflect, drop them all; heap after GC against the baseline and against the live maps",
	Rule:     "holds when retained_bytes >= 10% of live_bytes",
	needs:    []string{"live_bytes", "retained_bytes", "fresh_map_allocs"},
	// There is no pool in the runtime to keep anything: the heap returns
	// to within a few KB of the baseline. 10% of the live maps would be
	// hundreds of KB of buckets nobody owns.
	holds: func(f Figures) bool { return f["retained_bytes"] >= 0.1*f["live_bytes"] },
	summary: func(f Figures) string {
		return fmt.Sprintf("1000 maps held %s, %s left after dropping them", fmtBytes(f["live_bytes"]), fmtBytes(f["retained_bytes"]))
	},
}

var syncMapBytesPerEntry = &Experiment{
	Name:     "syncmap-bytes-per-entry",
	Claim:    "sync.Map costs about the same per entry as a map with a mutex",
	Predicts: "heap per entry of a sync.Map is within 1.5x of a map[int]int guarded by a mutex",
	Method:   "1e5 int->int entries stored (and loaded once) in a sync.Map, in a map[int]int with a mutex, and in a map[any]any with a mutex; heap per entry after GC",
	Rule:     "holds when syncmap_bytes_per_entry <= 1.5 x mutexmap_bytes_per_entry",
	needs:    []string{"syncmap_bytes_per_entry", "mutexmap_bytes_per_entry", "anymap_bytes_per_entry"},
	// "About the same" read generously: a map's own per-entry cost varies
	// by up to 2x with its load (7/8 full after a split, under half full
	// after a grow), so 1.5x is within what a map itself varies by.
	holds: func(f Figures) bool {
		return f["syncmap_bytes_per_entry"] <= 1.5*f["mutexmap_bytes_per_entry"]
	},
	summary: func(f Figures) string {
		return fmt.Sprintf("sync.Map %.0f B/entry, map+mutex %.0f B/entry (%.1fx; map[any]any %.0f)",
			f["syncmap_bytes_per_entry"], f["mutexmap_bytes_per_entry"],
			ratio(f["syncmap_bytes_per_entry"], f["mutexmap_bytes_per_entry"]), f["anymap_bytes_per_entry"])
	},
}
