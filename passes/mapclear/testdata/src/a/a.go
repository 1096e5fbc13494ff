package a

var sessions = map[string]int{}

var weights = map[float64]string{}

type cache struct {
	entries map[string][]byte
	inner   *cache
}

func resetSessions() {
	for k := range sessions { // want `deleting every key of sessions keeps its memory: clear\(sessions\) keeps it for reuse, re-making the map releases it`
		delete(sessions, k)
	}
}

func (c *cache) reset() {
	for k := range c.entries { // want `deleting every key of c.entries keeps its memory`
		delete(c.entries, k)
	}
}

func (c *cache) resetInner() {
	for key, _ := range c.inner.entries { // want `deleting every key of c.inner.entries keeps its memory`
		delete(c.inner.entries, key)
	}
}

func clearSessions() {
	clear(sessions) // want `clear\(sessions\) keeps the memory of the map's largest size: re-make the map to release it`
}

// A float key may be NaN, which the loop cannot delete but clear would:
// reported, but without a fix.
func resetWeights() {
	for k := range weights { // want `deleting every key of weights keeps its memory`
		delete(weights, k)
	}
}

// Near misses below: none of them is reported.

// clear on a field is the reuse idiom; the map lives with its owner.
func (c *cache) clearAll() {
	clear(c.entries)
}

func local() map[string]int {
	m := map[string]int{"a": 1}
	for k := range m {
		delete(m, k)
	}
	clear(m)
	return m
}

func partial() {
	for k, v := range sessions {
		if v > 10 {
			delete(sessions, k)
		}
	}
}

func otherMap(c *cache) {
	for k := range c.entries {
		delete(c.inner.entries, k)
	}
}

func otherKey() {
	for k := range sessions {
		delete(sessions, k+"x")
	}
}

func valueUsed() {
	for k, v := range sessions {
		_ = v
		delete(sessions, k)
	}
}

func remake(c *cache) {
	c.entries = make(map[string][]byte)
	sessions = map[string]int{}
}

func clearSlice(s []int) {
	clear(s)
}

var buf = make([]int, 10)

func clearGlobalSlice() {
	clear(buf)
}

func generic[M ~map[string]int](m M) {
	clear(m)
}
