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
