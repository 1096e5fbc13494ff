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
// and much of the time of reading it. ParseLean decodes everything but the
// samples with profile.ParseData and the samples itself: their stacks and
// values share two arrays, and of their labels it keeps only the block
// size ("bytes"), which is all heap analysis reads. The result is the
// same profile but for the samples' labels.

// A Lean profile is a heap profile whose samples carry no labels; the
// block size of sample i is Blocks[i] (0 when the sample has none).
type Lean struct {
	*profile.Profile
	Blocks []int64
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
		if raw, err = gunzip(raw); err != nil {
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
	blocks, err := decodeSamples(p, raw, spans, strs)
	if err != nil {
		return nil, fmt.Errorf("not a pprof profile (%v)", err)
	}
	return &Lean{Profile: p, Blocks: blocks}, nil
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

// decodeSamples decodes the samples into p, their stacks and values in
// two shared arrays, and returns their block sizes.
func decodeSamples(p *profile.Profile, raw []byte, samples []span, strs []string) ([]int64, error) {
	bytesKey := int64(-1)
	for i, s := range strs {
		if s == "bytes" {
			bytesKey = int64(i)
			break
		}
	}
	byID := locationIndex(p.Location)
	// First pass: how many locations and values in all.
	var nLocs, nVals int
	for _, sp := range samples {
		l, v, err := countSample(raw[sp.from:sp.to])
		if err != nil {
			return nil, err
		}
		nLocs, nVals = nLocs+l, nVals+v
	}
	locs := make([]*profile.Location, 0, nLocs)
	vals := make([]int64, 0, nVals)
	blocks := make([]int64, len(samples))
	objs := make([]profile.Sample, len(samples))
	p.Sample = make([]*profile.Sample, len(samples))
	nTypes := len(p.SampleType)
	for i, sp := range samples {
		l0, v0 := len(locs), len(vals)
		var err error
		locs, vals, blocks[i], err = decodeSample(raw[sp.from:sp.to], locs, vals, byID, bytesKey)
		if err != nil {
			return nil, err
		}
		if len(vals)-v0 != nTypes {
			return nil, fmt.Errorf("sample %d has %d values, the profile %d sample types", i, len(vals)-v0, nTypes)
		}
		objs[i] = profile.Sample{Location: locs[l0:len(locs):len(locs)], Value: vals[v0:len(vals):len(vals)]}
		p.Sample[i] = &objs[i]
	}
	return blocks, nil
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

func countSample(s []byte) (locs, vals int, err error) {
	for len(s) > 0 {
		field, wire, body, next, err := readField(s)
		if err != nil {
			return 0, 0, err
		}
		s = next
		n := 1
		if wire == wireBytes {
			n = countVarints(body)
		}
		switch field {
		case sampleLocationID:
			locs += n
		case sampleValue:
			vals += n
		}
	}
	return locs, vals, nil
}

func countVarints(b []byte) int {
	n := 0
	for _, c := range b {
		if c < 0x80 {
			n++
		}
	}
	return n
}

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
