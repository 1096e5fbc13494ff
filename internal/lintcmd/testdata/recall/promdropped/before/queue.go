// Package remote reproduces, in its own words, the dropped-series leak
// fixed in Prometheus: https://github.com/prometheus/prometheus/pull/8387
// (commit db445844d3d0521ed352a2a830b281329ba0f34e; before/ is the code
// before the fix, after/ as fixed). Series relabelled to nothing are
// remembered in droppedSeries, whose only clean-up walks
// seriesSegmentIndexes, where they were never recorded.
package remote

import "sync"

type HeadSeriesRef uint64

type RefSeries struct {
	Ref    HeadSeriesRef
	Labels string
}

type QueueManager struct {
	seriesMtx            sync.Mutex
	seriesLabels         map[HeadSeriesRef]string
	seriesSegmentIndexes map[HeadSeriesRef]int
	droppedSeries        map[HeadSeriesRef]struct{}
}

func relabel(l string) string { return l }

// StoreSeries keeps a record of every series of a WAL segment.
func (t *QueueManager) StoreSeries(series []RefSeries, index int) {
	t.seriesMtx.Lock()
	defer t.seriesMtx.Unlock()
	for _, s := range series {
		lbls := relabel(s.Labels)
		if lbls == "" {
			t.droppedSeries[s.Ref] = struct{}{} // want growonly "t.seriesSegmentIndexes, which this path skips"
			continue
		}
		t.seriesSegmentIndexes[s.Ref] = index
		t.seriesLabels[s.Ref] = lbls
	}
}

// SeriesReset forgets the series of segments older than index.
func (t *QueueManager) SeriesReset(index int) {
	t.seriesMtx.Lock()
	defer t.seriesMtx.Unlock()
	for k, v := range t.seriesSegmentIndexes {
		if v < index {
			delete(t.seriesSegmentIndexes, k)
			delete(t.seriesLabels, k)
			delete(t.droppedSeries, k)
		}
	}
}
