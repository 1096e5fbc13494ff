package heapprof

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/google/pprof/profile"
)

// Lean decoding. profile.ParseData builds every sample as objects of its
// own (a slice of locations, a slice of values, a map of labels), which
// for a profile of hundreds of thousands of stacks is most of the memory
// and much of the time of reading it: on the half-million-sample profile
// of bench/heap-vs-pprof.sh, 190 MB, and 0.4 s of the kernel's time
// faulting those pages in. ParseLean decodes everything but the samples
// with profile.ParseData, checks the samples and keeps them encoded; Each
// decodes one at a time into the same storage, which is all heap analysis
// needs: it sums them per site as they come. Of a sample's labels only
// the block size ("bytes") is kept.

// A Lean profile is a heap profile whose samples are read one at a time
// with Each. A profile read by ParseLean from protobuf has no
// Profile.Sample; one made from a whole profile (Lean{Profile: p}) has.
type Lean struct {
	*profile.Profile
	// Blocks[i] is the block size of sample i (0 when it has none); when
	// shorter than the samples, their "bytes" labels give it.
	Blocks []int64
	// Totals sums each sample type's values over the samples, for a
	// profile read lean; nil otherwise.
	Totals []int64

	raw   []byte // the decompressed profile, which spans index
	spans []span // each sample's encoding in raw
	loc   func(uint64) *profile.Location
}

// Len returns the number of samples.
func (l *Lean) Len() int {
	if l.spans != nil {
		return len(l.spans)
	}
	return len(l.Sample)
}

// Each calls f with each sample in order, and its block size. A sample of
// a profile read lean is decoded into storage the next one reuses: f must
// not keep it, nor its Location or Value slices.
func (l *Lean) Each(f func(i int, s *profile.Sample, block int64)) {
	if l.spans == nil {
		for i, s := range l.Sample {
			var block int64
			if i < len(l.Blocks) {
				block = l.Blocks[i]
			} else if b := s.NumLabel["bytes"]; len(b) == 1 {
				block = b[0]
			}
			f(i, s, block)
		}
		return
	}
	var s profile.Sample
	for i, sp := range l.spans {
		// ParseLean decoded every sample once already: no errors here.
		s.Location, s.Value, _, _ = decodeSample(l.raw[sp.from:sp.to], s.Location[:0], s.Value[:0], l.loc, -1)
		f(i, &s, l.Blocks[i])
	}
}

// Total returns the sum of sample type col's values over the samples.
func (l *Lean) Total(col int) int64 {
	if col < len(l.Totals) {
		return l.Totals[col]
	}
	var t int64
	l.Each(func(_ int, s *profile.Sample, _ int64) {
		if col < len(s.Value) {
			t += s.Value[col]
		}
	})
	return t
}

// ParseLean decodes a heap or allocs profile as Parse does, leaner.
// Profiles that are not gzip-compressed or plain protobuf (the legacy text
// form) are read by Parse, their block sizes taken from their labels.
func ParseLean(data []byte) (lean *Lean, err error) {
	defer func() {
		if r := recover(); r != nil {
			lean, err = nil, fmt.Errorf("not a valid profile (decoder failed: %v)", r)
		}
	}()
	if len(data) == 0 {
		return nil, errors.New("empty file")
	}
	raw := data
	if isGzip(raw) {
		if raw, err = Gunzip(raw); err != nil {
			return nil, err
		}
		if len(raw) == 0 {
			return nil, errors.New("empty profile inside gzip data")
		}
	}
	if isText(raw) || !looksLikeProto(raw) {
		p, err := Parse(data)
		if err != nil {
			return nil, err
		}
		return &Lean{Profile: p, Blocks: blocksOf(p)}, nil
	}
	rest, spans, strs, err := splitSamples(raw)
	if err != nil {
		return nil, fmt.Errorf("not a pprof profile (%v)", err)
	}
	p, err := profile.ParseData(rest)
	if err != nil {
		return nil, fmt.Errorf("not a pprof profile (%v)", err)
	}
	if err := checkHeap(p); err != nil {
		return nil, err
	}
	loc := locationIndex(p.Location)
	blocks, totals, err := checkSamples(raw, spans, strs, loc, len(p.SampleType))
	if err != nil {
		return nil, fmt.Errorf("not a pprof profile (%v)", err)
	}
	return &Lean{Profile: p, Blocks: blocks, Totals: totals, raw: raw, spans: spans, loc: loc}, nil
}

func blocksOf(p *profile.Profile) []int64 {
	out := make([]int64, len(p.Sample))
	for i, s := range p.Sample {
		if b := s.NumLabel["bytes"]; len(b) == 1 {
			out[i] = b[0]
		}
	}
	return out
}

// looksLikeProto reports whether data starts like a pprof protobuf: a
// field of the Profile message with a valid wire type.
func looksLikeProto(data []byte) bool {
	tag, n := binary.Uvarint(data)
	if n <= 0 {
		return false
	}
	field, wire := tag>>3, tag&7
	return field >= 1 && field <= 14 && (wire == 0 || wire == 2)
}

// The Profile message's fields this decoder cares about.
const (
	fieldSample      = 2
	fieldStringTable = 6
	wireVarint       = 0
	wireFixed64      = 1
	wireBytes        = 2
	wireFixed32      = 5
)

// splitSamples walks the top-level fields of a Profile message: it copies
// every field but the samples into rest, returns the samples' encodings,
// and decodes the string table.
//
// The samples are returned as offsets into data, not as slices: an array
// of half a million slice headers is half a million pointers for the
// collector to scan, again at every cycle while the profile is read.
func splitSamples(data []byte) (rest []byte, samples []span, strs []string, err error) {
	rest = make([]byte, 0, len(data)/2)
	samples = make([]span, 0, countSamples(data))
	all := data
	for len(data) > 0 {
		start := data
		field, wire, body, next, err := readField(data)
		if err != nil {
			return nil, nil, nil, err
		}
		data = next
		switch {
		case field == fieldSample && wire == wireBytes:
			off := len(all) - len(start) + (len(start) - len(next) - len(body))
			samples = append(samples, span{off, off + len(body)})
			continue
		case field == fieldStringTable && wire == wireBytes:
			strs = append(strs, string(body))
		}
		rest = append(rest, start[:len(start)-len(next)]...)
	}
	return rest, samples, strs, nil
}

// countSamples counts the Profile message's sample fields, stopping
// quietly at anything malformed (splitSamples reports it).
func countSamples(data []byte) int {
	n := 0
	for len(data) > 0 {
		field, wire, _, next, err := readField(data)
		if err != nil {
			break
		}
		if field == fieldSample && wire == wireBytes {
			n++
		}
		data = next
	}
	return n
}

// A span is the place of a sample's encoding in the profile's data.
type span struct{ from, to int }

// readField reads one field: its number, wire type, its payload (for
// length-delimited fields) and what follows.
func readField(data []byte) (field uint64, wire uint64, body, next []byte, err error) {
	tag, n := binary.Uvarint(data)
	if n <= 0 {
		return 0, 0, nil, nil, errors.New("bad field tag")
	}
	data = data[n:]
	field, wire = tag>>3, tag&7
	switch wire {
	case wireVarint:
		_, m := binary.Uvarint(data)
		if m <= 0 {
			return 0, 0, nil, nil, errors.New("bad varint")
		}
		return field, wire, data[:m], data[m:], nil
	case wireFixed64:
		if len(data) < 8 {
			return 0, 0, nil, nil, errors.New("truncated fixed64")
		}
		return field, wire, data[:8], data[8:], nil
	case wireFixed32:
		if len(data) < 4 {
			return 0, 0, nil, nil, errors.New("truncated fixed32")
		}
		return field, wire, data[:4], data[4:], nil
	case wireBytes:
		l, m := binary.Uvarint(data)
		if m <= 0 || l > uint64(len(data)-m) {
			return 0, 0, nil, nil, errors.New("truncated message")
		}
		return field, wire, data[m : m+int(l)], data[m+int(l):], nil
	}
	return 0, 0, nil, nil, fmt.Errorf("unknown wire type %d", wire)
}

// checkSamples decodes every sample once, as Each will, so that a profile
// that names a missing location or has the wrong number of values is
// refused when read, and returns the samples' block sizes and the totals
// of each sample type.
func checkSamples(raw []byte, samples []span, strs []string, loc func(uint64) *profile.Location, nTypes int) (blocks, totals []int64, err error) {
	bytesKey := int64(-1)
	for i, s := range strs {
		if s == "bytes" {
			bytesKey = int64(i)
			break
		}
	}
	blocks = make([]int64, len(samples))
	totals = make([]int64, nTypes)
	var locs []*profile.Location
	var vals []int64
	for i, sp := range samples {
		locs, vals, blocks[i], err = decodeSample(raw[sp.from:sp.to], locs[:0], vals[:0], loc, bytesKey)
		if err != nil {
			return nil, nil, err
		}
		if len(vals) != nTypes {
			return nil, nil, fmt.Errorf("sample %d has %d values, the profile %d sample types", i, len(vals), nTypes)
		}
		for j, v := range vals {
			totals[j] += v
		}
	}
	return blocks, totals, nil
}

// locationIndex finds locations by ID: a slice when the IDs are dense, as
// runtime/pprof writes them.
func locationIndex(locs []*profile.Location) func(uint64) *profile.Location {
	dense := make([]*profile.Location, len(locs)+1)
	ok := true
	for _, l := range locs {
		if l.ID == 0 || l.ID > uint64(len(locs)) {
			ok = false
			break
		}
		dense[l.ID] = l
	}
	if ok {
		return func(id uint64) *profile.Location {
			if id < uint64(len(dense)) {
				return dense[id]
			}
			return nil
		}
	}
	m := make(map[uint64]*profile.Location, len(locs))
	for _, l := range locs {
		m[l.ID] = l
	}
	return func(id uint64) *profile.Location { return m[id] }
}

// Sample fields.
const (
	sampleLocationID = 1
	sampleValue      = 2
	sampleLabel      = 3
	labelKey         = 1
	labelNum         = 3
)

func decodeSample(s []byte, locs []*profile.Location, vals []int64, byID func(uint64) *profile.Location, bytesKey int64) ([]*profile.Location, []int64, int64, error) {
	var block int64
	for len(s) > 0 {
		field, wire, body, next, err := readField(s)
		if err != nil {
			return nil, nil, 0, err
		}
		s = next
		switch field {
		case sampleLocationID:
			err := eachVarint(wire, body, func(id uint64) error {
				l := byID(id)
				if l == nil {
					return fmt.Errorf("sample names location %d, which the profile lacks", id)
				}
				locs = append(locs, l)
				return nil
			})
			if err != nil {
				return nil, nil, 0, err
			}
		case sampleValue:
			err := eachVarint(wire, body, func(v uint64) error {
				vals = append(vals, int64(v))
				return nil
			})
			if err != nil {
				return nil, nil, 0, err
			}
		case sampleLabel:
			if wire != wireBytes {
				return nil, nil, 0, errors.New("bad label")
			}
			key, num, hasNum, err := decodeLabel(body)
			if err != nil {
				return nil, nil, 0, err
			}
			if key == bytesKey && hasNum && block == 0 {
				block = num
			}
		}
	}
	return locs, vals, block, nil
}

// eachVarint calls f for each varint of a repeated field, packed or not.
func eachVarint(wire uint64, body []byte, f func(uint64) error) error {
	if wire == wireVarint {
		v, _ := binary.Uvarint(body)
		return f(v)
	}
	if wire != wireBytes {
		return errors.New("bad repeated field")
	}
	for len(body) > 0 {
		v, n := binary.Uvarint(body)
		if n <= 0 {
			return errors.New("bad packed varint")
		}
		if err := f(v); err != nil {
			return err
		}
		body = body[n:]
	}
	return nil
}

func decodeLabel(b []byte) (key, num int64, hasNum bool, err error) {
	for len(b) > 0 {
		field, wire, body, next, err := readField(b)
		if err != nil {
			return 0, 0, false, err
		}
		b = next
		if wire != wireVarint {
			continue
		}
		v, _ := binary.Uvarint(body)
		switch field {
		case labelKey:
			key = int64(v)
		case labelNum:
			num, hasNum = int64(v), true
		}
	}
	return key, num, hasNum, nil
}
