// Package hfile reads the served files: sorted key-value pairs, looked up
// by key (a stand-in for HBase HFiles and their block index).
package hfile

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
)

type pair struct {
	key, value []byte
}

// Reader is one loaded file.
type Reader struct {
	Name  string
	pairs []pair // sorted by key; a key may repeat
	bloom map[string]bool
}

// MightContain is the file's filter: false means the key is absent.
func (r *Reader) MightContain(key []byte) bool {
	return r.bloom == nil || r.bloom[string(key)]
}

// GetScanner returns a scanner over the file.
func (r *Reader) GetScanner() *Scanner {
	return &Scanner{reader: r}
}

// Scanner looks keys up in a file.
type Scanner struct {
	reader          *Reader
	EnforceKeyOrder bool
	last            []byte
}

// Release returns the scanner.
func (s *Scanner) Release() { s.last = nil }

func (s *Scanner) find(key []byte) (int, error) {
	if s.EnforceKeyOrder && s.last != nil && bytes.Compare(key, s.last) < 0 {
		return 0, fmt.Errorf("keys out of order: %x after %x", key, s.last)
	}
	s.last = key
	p := s.reader.pairs
	return sort.Search(len(p), func(i int) bool { return bytes.Compare(p[i].key, key) >= 0 }), nil
}

// GetFirst returns the first value of key.
func (s *Scanner) GetFirst(key []byte) ([]byte, error, bool) {
	i, err := s.find(key)
	if err != nil {
		return nil, err, false
	}
	if i < len(s.reader.pairs) && bytes.Equal(s.reader.pairs[i].key, key) {
		return s.reader.pairs[i].value, nil, true
	}
	return nil, nil, false
}

// GetAll returns every value of key.
func (s *Scanner) GetAll(key []byte) ([][]byte, error) {
	i, err := s.find(key)
	if err != nil {
		return nil, err
	}
	var values [][]byte
	for ; i < len(s.reader.pairs) && bytes.Equal(s.reader.pairs[i].key, key); i++ {
		values = append(values, s.reader.pairs[i].value)
	}
	return values, nil
}

// CollectionSet is the set of files served, by name.
type CollectionSet struct {
	mu      sync.RWMutex
	readers map[string]*Reader
}

// LoadCollections loads each "name=path" spec; a file holds one "hexkey
// hexvalue" line per pair.
func LoadCollections(specs []string) (*CollectionSet, error) {
	cs := &CollectionSet{readers: make(map[string]*Reader, len(specs))}
	for _, spec := range specs {
		name, path, ok := strings.Cut(spec, "=")
		if !ok {
			return nil, fmt.Errorf("bad collection %q", spec)
		}
		r, err := load(name, path)
		if err != nil {
			return nil, err
		}
		cs.readers[name] = r
	}
	return cs, nil
}

func load(name, path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := &Reader{Name: name, bloom: map[string]bool{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		kb, err1 := hex.DecodeString(k)
		vb, err2 := hex.DecodeString(v)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: bad pair %q", path, sc.Text())
		}
		r.pairs = append(r.pairs, pair{kb, vb})
		r.bloom[string(kb)] = true
	}
	sort.SliceStable(r.pairs, func(i, j int) bool { return bytes.Compare(r.pairs[i].key, r.pairs[j].key) < 0 })
	return r, sc.Err()
}

// ReaderFor returns the file named name.
func (cs *CollectionSet) ReaderFor(name string) (*Reader, error) {
	cs.mu.RLock()
	defer cs.mu.RUnlock()
	r, ok := cs.readers[name]
	if !ok {
		return nil, fmt.Errorf("not configured with reader for %s", name)
	}
	return r, nil
}
