package lab

import "fmt"

// The freeing experiments fill a map[int]int with 1e6 entries (about
// 38 MB of tables on every Go since 1.21) and measure the heap it holds
// after a full GC, before and after an operation that is said to free it.
//
// Verdict threshold for all of them: the claim "gives the memory back"
// holds when what is still held is below half of the peak. The runtime
// either keeps every table (100%) or frees them all (under 1%), so any
// threshold far from both ends gives the same verdict; half is the one a
// reader can check in their head.
const keptShare = 0.5

var deleteAllFrees = &Experiment{
	Name:     "delete-all-frees",
	Claim:    "deleting every key gives the map's memory back",
	Predicts: "heap held after deleting all keys is far below the peak",
	Method:   "fill map[int]int with 1e6 entries, delete every key in a range loop, compare the heap held by the map after GC",
	Rule:     "holds when after_bytes < 50% of peak_bytes",
	needs:    []string{"peak_bytes", "after_bytes"},
	holds:    freed,
	summary:  freedSummary("after deleting all"),
}

var clearFrees = &Experiment{
	Name:     "clear-frees",
	Claim:    "clear(m) gives the map's memory back",
	Predicts: "heap held after clear(m) is far below the peak",
	Method:   "fill map[int]int with 1e6 entries, clear(m), compare the heap held by the map after GC",
	Rule:     "holds when after_bytes < 50% of peak_bytes",
	needs:    []string{"peak_bytes", "after_bytes"},
	holds:    freed,
	summary:  freedSummary("after clear"),
}

var remakeFrees = &Experiment{
	Name:     "remake-frees",
	Claim:    "m = make(...) and dropping the old map gives it back",
	Predicts: "heap held after replacing the map is far below the peak",
	Method:   "fill map[int]int with 1e6 entries, assign m = make(map[int]int) so the old map is unreachable, compare the heap after GC",
	Rule:     "holds when after_bytes < 50% of peak_bytes",
	needs:    []string{"peak_bytes", "after_bytes"},
	holds:    freed,
	summary:  freedSummary("after m = make"),
}

func freed(f Figures) bool {
	return f["after_bytes"] < keptShare*f["peak_bytes"]
}

func freedSummary(after string) func(Figures) string {
	return func(f Figures) string {
		return fmt.Sprintf("%s at 1e6, %s %s (%s)", fmtBytes(f["peak_bytes"]), fmtBytes(f["after_bytes"]), after,
			percent(f["after_bytes"], f["peak_bytes"]))
	}
}

var cloneCompacts = &Experiment{
	Name:     "clone-compacts",
	Claim:    "maps.Clone of a map emptied from 1e6 to 10 entries is small",
	Predicts: "the clone holds about what a fresh 10-entry map holds, not the source's tables",
	Method:   "fill map[int]int with 1e6 entries, delete all but 10, maps.Clone it; compare the clone's heap with the emptied source's and with a fresh 10-entry map's",
	Rule:     "holds when clone_bytes < 50% of source_bytes",
	needs:    []string{"source_bytes", "clone_bytes", "fresh_bytes"},
	// A compacting clone is the size of a 10-entry map (hundreds of
	// bytes), a copying one the size of the source (tens of MB): half of
	// the source separates them with room to spare.
	holds: func(f Figures) bool { return f["clone_bytes"] < keptShare*f["source_bytes"] },
	summary: func(f Figures) string {
		return fmt.Sprintf("source %s, clone %s (fresh 10-entry map %s)",
			fmtBytes(f["source_bytes"]), fmtBytes(f["clone_bytes"]), fmtBytes(f["fresh_bytes"]))
	},
}

var freeOSMemoryAfterRebuild = &Experiment{
	Name:     "freeosmemory-after-rebuild",
	Claim:    "after a rebuild, debug.FreeOSMemory returns the pages to the OS (RSS drops)",
	Predicts: "VmRSS after FreeOSMemory falls back towards where it was before the map",
	Method:   "fill map[int]int with 2e6 entries, delete all but 10, rebuild those into a new map and drop the old one, runtime.GC, debug.FreeOSMemory; VmRSS from /proc/self/status at each step (Linux only)",
	Rule:     "holds when RSS after FreeOSMemory has given back at least half of the growth from before the map to the peak",
	needs:    []string{"rss_before_bytes", "rss_peak_bytes", "rss_after_gc_bytes", "rss_after_free_bytes"},
	// The map's pages are about 75 MB against a few MB of runtime RSS:
	// returned pages bring RSS back to within a few MB of the start,
	// kept pages leave it at the peak. Half of the growth splits the two.
	holds: func(f Figures) bool {
		growth := f["rss_peak_bytes"] - f["rss_before_bytes"]
		released := f["rss_peak_bytes"] - f["rss_after_free_bytes"]
		return growth > 0 && released >= 0.5*growth
	},
	summary: func(f Figures) string {
		return fmt.Sprintf("RSS %s before, %s at peak, %s after GC, %s after FreeOSMemory",
			fmtBytes(f["rss_before_bytes"]), fmtBytes(f["rss_peak_bytes"]), fmtBytes(f["rss_after_gc_bytes"]), fmtBytes(f["rss_after_free_bytes"]))
	},
}
