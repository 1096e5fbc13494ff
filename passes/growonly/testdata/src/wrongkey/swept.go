package wrongkey

// A map deleted from only while ranging over another one keeps the keys
// inserted on a path that skips the other map.
type queue struct {
	segment map[int]int
	labels  map[int]string
	dropped map[int]bool
}

func (q *queue) store(refs []int, labels []string, index int) {
	for i, ref := range refs {
		if labels[i] == "" {
			q.dropped[ref] = true // want `map field dropped is deleted from only while ranging over q.segment, which this path skips: ref is never inserted there, so its entry stays`
			continue
		}
		q.labels[ref] = labels[i] // same block as the segment insert below: covered
		q.segment[ref] = index
	}
}

func (q *queue) reset(index int) {
	for k, v := range q.segment {
		if v < index {
			delete(q.segment, k)
			delete(q.labels, k)
			delete(q.dropped, k)
		}
	}
}

// Near miss: the sweeping map is filled first, on every path.
type fixedQueue struct {
	segment map[int]int
	dropped map[int]bool
}

func (q *fixedQueue) store(refs []int, labels []string, index int) {
	for i, ref := range refs {
		q.segment[ref] = index
		if labels[i] == "" {
			q.dropped[ref] = true
		}
	}
}

func (q *fixedQueue) reset(index int) {
	for k, v := range q.segment {
		if v < index {
			delete(q.segment, k)
			delete(q.dropped, k)
		}
	}
}

// Near miss: a callback fills the map only for names a watch was started
// for, in another function (found on grpc's RDS handler).
type watches struct {
	cancels map[string]func()
	updates map[string]int
}

func (w *watches) watch(names []string) {
	for _, n := range names {
		w.cancels[n] = func() {}
	}
	for n := range w.cancels {
		delete(w.cancels, n)
		delete(w.updates, n)
	}
}

func (w *watches) onUpdate(name string, v int) { w.updates[name] = v }
