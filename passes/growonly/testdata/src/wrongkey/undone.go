package wrongkey

// A delete undone by a later insertion on the same path.
func update(counts, queued map[string]int, key string, delta int, isQueue bool) {
	n := counts[key] + delta
	if n <= 0 {
		delete(counts, key)
		delete(queued, key)
	} else {
		counts[key] = n
	}
	if isQueue {
		if q, ok := queued[key]; ok && q == n {
			return
		} else {
			queued[key] = n // want `delete\(queued, key\) at line 8 is undone by the insertion here, on the same path: the key stays`
		}
	}
}

// Near misses: the insertion's condition excludes the delete's; a
// re-insertion in the same block is on purpose; a return in between.
func updateFixed(counts, queued map[string]int, key string, delta int, isQueue bool) {
	n := counts[key] + delta
	if n <= 0 {
		delete(queued, key)
	}
	if isQueue {
		if n > 0 {
			queued[key] = n
		}
	}
}

func reinsert(m map[string]int, k string) {
	delete(m, k)
	m[k] = 1
}

func leaves(m map[string]int, k string, gone bool) {
	if gone {
		delete(m, k)
	}
	if gone {
		return
	}
	if len(k) > 0 {
		m[k] = 1
	}
}

// The delete's own branch leaves (caddy's header rewriting deletes a
// header and moves on to the next); two loops' variables of one name are
// two keys.
func leavesInBranch(m map[string]string, keys []string) {
	for _, k := range keys {
		if m[k] == "" {
			delete(m, k)
			continue
		}
		if len(k) > 1 {
			m[k] = "kept"
		}
	}
}

func twoLoops(m map[string]int, stale, fresh []string) {
	for _, k := range stale {
		if m[k] > 0 {
			delete(m, k)
		}
	}
	for _, k := range fresh {
		if m[k] == 0 {
			m[k] = 1
		}
	}
}

// A bare break in a case clause ends the switch only: the path goes on
// to the insertion.
func afterSwitch(m map[string]int, k string, op int) {
	switch op {
	case 0:
		if k != "" {
			delete(m, k)
			break
		}
	}
	if op == 0 {
		m[k] = 1 // want `delete\(m, k\) at line \d+ is undone by the insertion here, on the same path: the key stays`
	}
}

// The old entry, looked up, is deleted to be replaced (bigcache's set).
func replace(index map[uint64]uint32, h uint64, push func() (uint32, bool)) {
	if old := index[h]; old != 0 {
		delete(index, h)
	}
	for {
		if i, ok := push(); ok {
			index[h] = i
			return
		}
	}
}
