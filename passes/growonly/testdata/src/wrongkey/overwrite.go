package wrongkey

// The values of refs hold the keys of lsets; they are cleaned up
// together, so overwriting a refs entry strands its lsets key.
type refEntry struct {
	ref  string
	iter int
}

type scrapeCache struct {
	iter  int
	refs  map[string]*refEntry
	lsets map[string]string
}

func (c *scrapeCache) done() {
	for s, e := range c.refs {
		if e.iter < c.iter {
			delete(c.refs, s)
			delete(c.lsets, e.ref)
		}
	}
	c.iter++
}

func (c *scrapeCache) add(met, ref, lset string) {
	c.refs[met] = &refEntry{ref: ref, iter: c.iter} // want `c.refs\[met\] = ... overwrites the entry whose ref field keys c.lsets: that key is never deleted once its entry is gone`
	c.lsets[ref] = lset
}

// Near miss: the old entry's key is deleted first.
type fixedCache struct {
	iter  int
	refs  map[string]*refEntry
	lsets map[string]string
}

func (c *fixedCache) done() {
	for s, e := range c.refs {
		if e.iter < c.iter {
			delete(c.refs, s)
			delete(c.lsets, e.ref)
		}
	}
}

func (c *fixedCache) add(met, ref, lset string) {
	if e, ok := c.refs[met]; ok {
		delete(c.lsets, e.ref)
	}
	c.refs[met] = &refEntry{ref: ref, iter: c.iter}
	c.lsets[ref] = lset
}
