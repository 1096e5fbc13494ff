package traceprof

import (
	"cmp"
	"slices"
)

func sortSpans(r *Result) {
	slices.SortStableFunc(r.Assists, func(x, y Assist) int { return cmp.Compare(x.Start, y.Start) })
	slices.SortStableFunc(r.STWs, func(x, y STW) int { return cmp.Compare(x.Start, y.Start) })
	slices.SortStableFunc(r.GCs, func(x, y Span) int { return cmp.Compare(x.Start, y.Start) })
}

// GCTime returns the nanoseconds the concurrent mark phases lasted.
func (r *Result) GCTime() int64 {
	var n int64
	for _, s := range r.GCs {
		n += s.Len()
	}
	return n
}

// STWTime returns the nanoseconds the world was stopped, and the longest
// pause.
func (r *Result) STWTime() (total, longest int64) {
	for _, s := range r.STWs {
		total += s.Len()
		longest = max(longest, s.Len())
	}
	return total, longest
}

// PeakHeap returns the largest heap and heap goal the trace recorded.
func (r *Result) PeakHeap() (heap, goal uint64) {
	for _, p := range r.Heap {
		heap = max(heap, p.Value)
	}
	for _, p := range r.Goal {
		goal = max(goal, p.Value)
	}
	return heap, goal
}
