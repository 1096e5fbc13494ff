package cpuprof

import (
	"errors"
	"fmt"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/heap/heapprof"
)

// A Profile is a CPU profile reduced to what attribution needs: each
// sample's stack and values, and the functions and lines of its
// locations. Decode reads it straight from the protobuf, without the
// object per sample, location and line that profile.Parse builds: on a
// profile of tens of thousands of stacks that is most of the time
// mapscope cpu takes (docs/bench/cpu-trace.md).
type Profile struct {
	SampleType    []ValueType
	PeriodType    ValueType
	Period        int64
	DurationNanos int64

	Samples   []Sample
	locIDs    []uint64 // the samples' stacks, concatenated
	values    []int64  // the samples' values, concatenated
	Locations map[uint64]Location
	Functions map[uint64]Function
}

// A ValueType names a sample value ("cpu", "nanoseconds").
type ValueType struct{ Type, Unit string }

// A Sample is one stack with its values.
type Sample struct {
	locs, vals [2]int32 // ranges of locIDs and values
}

// Location IDs of the sample's stack, leaf first.
func (p *Profile) Stack(s Sample) []uint64 { return p.locIDs[s.locs[0]:s.locs[1]] }

// Values of the sample, in SampleType order.
func (p *Profile) Values(s Sample) []int64 { return p.values[s.vals[0]:s.vals[1]] }

// A Location is a program counter's frames, inlined ones first.
type Location struct{ Lines []Line }

// A Line is one frame of a location.
type Line struct {
	Function uint64
	Line     int64
}

// A Function is a function's name and file.
type Function struct{ Name, File string }

// Decode reads a CPU profile, gzip-compressed or not, and refuses other
// data as Parse does. It reads runtime/pprof's protobuf directly; other
// encodings (the legacy text formats) go through profile.Parse.
func Decode(data []byte) (*Profile, error) {
	if IsTrace(data) {
		return nil, errors.New("an execution trace, not a CPU profile: use mapscope trace")
	}
	if len(data) == 0 {
		return nil, errors.New("empty file")
	}
	raw := data
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		var err error
		if raw, err = heapprof.Gunzip(data); err != nil {
			return nil, err
		}
		if len(raw) == 0 {
			return nil, errors.New("empty profile inside gzip data")
		}
	}
	p, err := decodeProto(raw)
	if err != nil {
		// Not protobuf, or not as runtime/pprof writes it: let pprof's
		// parser, which knows every format, have the last word.
		pp, perr := heapprof.Decode(data)
		if perr != nil {
			return nil, perr
		}
		if p, err = FromProfile(pp); err != nil {
			return nil, err
		}
	}
	if _, err := p.cpuValue(); err != nil {
		return nil, err
	}
	return p, nil
}

// FromProfile converts a parsed profile.
func FromProfile(pp *profile.Profile) (*Profile, error) {
	p := &Profile{
		Period:        pp.Period,
		DurationNanos: pp.DurationNanos,
		Locations:     make(map[uint64]Location, len(pp.Location)),
		Functions:     make(map[uint64]Function, len(pp.Function)),
	}
	for _, st := range pp.SampleType {
		p.SampleType = append(p.SampleType, ValueType{st.Type, st.Unit})
	}
	if pp.PeriodType != nil {
		p.PeriodType = ValueType{pp.PeriodType.Type, pp.PeriodType.Unit}
	}
	for _, f := range pp.Function {
		p.Functions[f.ID] = Function{f.Name, f.Filename}
	}
	for _, l := range pp.Location {
		var loc Location
		for _, ln := range l.Line {
			if ln.Function != nil {
				loc.Lines = append(loc.Lines, Line{ln.Function.ID, ln.Line})
			}
		}
		p.Locations[l.ID] = loc
	}
	for _, s := range pp.Sample {
		var ids []uint64
		for _, l := range s.Location {
			ids = append(ids, l.ID)
		}
		if err := p.addSample(ids, s.Value); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *Profile) addSample(ids []uint64, vals []int64) error {
	if len(p.locIDs)+len(ids) > 1<<31-1 || len(p.values)+len(vals) > 1<<31-1 {
		return errors.New("profile too large")
	}
	var s Sample
	s.locs[0] = int32(len(p.locIDs))
	p.locIDs = append(p.locIDs, ids...)
	s.locs[1] = int32(len(p.locIDs))
	s.vals[0] = int32(len(p.values))
	p.values = append(p.values, vals...)
	s.vals[1] = int32(len(p.values))
	p.Samples = append(p.Samples, s)
	return nil
}

// CheckCPU returns an error, naming what the profile is instead, when it
// holds no CPU time.
func (p *Profile) CheckCPU() error {
	_, err := p.cpuValue()
	return err
}

// cpuValue finds the CPU time in the samples, as CPUValue does for a
// profile.Profile.
func (p *Profile) cpuValue() (Value, error) {
	pp := &profile.Profile{Period: p.Period}
	for _, st := range p.SampleType {
		pp.SampleType = append(pp.SampleType, &profile.ValueType{Type: st.Type, Unit: st.Unit})
	}
	if p.PeriodType != (ValueType{}) {
		pp.PeriodType = &profile.ValueType{Type: p.PeriodType.Type, Unit: p.PeriodType.Unit}
	}
	return CPUValue(pp)
}

// errProto says the data is not a profile protobuf Decode reads.
var errProto = errors.New("not a profile protobuf")

// decodeProto decodes profile.proto's Profile message: sample types,
// samples, locations, functions, strings, period and duration; the rest
// (mappings, labels, comments) is skipped.
func decodeProto(b []byte) (*Profile, error) {
	p := &Profile{Locations: make(map[uint64]Location), Functions: make(map[uint64]Function)}
	p.presize(b)
	var strs []string
	type vt struct{ typ, unit int64 }
	var sampleTypes []vt
	var periodType vt
	type fn struct{ name, file int64 }
	fns := make(map[uint64]fn)
	d := decoder{b: b}
	for !d.done() {
		field, wire, err := d.key()
		if err != nil {
			return nil, err
		}
		switch {
		case field == 1 && wire == 2: // sample_type
			m, err := d.bytes()
			if err != nil {
				return nil, err
			}
			t, err := decodeValueType(m)
			if err != nil {
				return nil, err
			}
			sampleTypes = append(sampleTypes, vt{t[0], t[1]})
		case field == 2 && wire == 2: // sample
			m, err := d.bytes()
			if err != nil {
				return nil, err
			}
			// Straight into the profile's slabs, without a copy.
			var smp Sample
			smp.locs[0], smp.vals[0] = int32(len(p.locIDs)), int32(len(p.values))
			if p.locIDs, p.values, err = decodeSample(m, p.locIDs, p.values); err != nil {
				return nil, err
			}
			if len(p.locIDs) > 1<<31-1 || len(p.values) > 1<<31-1 {
				return nil, errors.New("profile too large")
			}
			smp.locs[1], smp.vals[1] = int32(len(p.locIDs)), int32(len(p.values))
			p.Samples = append(p.Samples, smp)
		case field == 4 && wire == 2: // location
			m, err := d.bytes()
			if err != nil {
				return nil, err
			}
			id, loc, err := decodeLocation(m)
			if err != nil {
				return nil, err
			}
			p.Locations[id] = loc
		case field == 5 && wire == 2: // function
			m, err := d.bytes()
			if err != nil {
				return nil, err
			}
			id, name, file, err := decodeFunction(m)
			if err != nil {
				return nil, err
			}
			fns[id] = fn{name, file}
		case field == 6 && wire == 2: // string_table
			s, err := d.bytes()
			if err != nil {
				return nil, err
			}
			strs = append(strs, string(s))
		case field == 10 && wire == 0: // duration_nanos
			v, err := d.varint()
			if err != nil {
				return nil, err
			}
			p.DurationNanos = int64(v)
		case field == 11 && wire == 2: // period_type
			m, err := d.bytes()
			if err != nil {
				return nil, err
			}
			t, err := decodeValueType(m)
			if err != nil {
				return nil, err
			}
			periodType = vt{t[0], t[1]}
		case field == 12 && wire == 0: // period
			v, err := d.varint()
			if err != nil {
				return nil, err
			}
			p.Period = int64(v)
		default:
			if err := d.skip(wire); err != nil {
				return nil, err
			}
		}
	}
	if len(strs) == 0 || strs[0] != "" {
		return nil, errProto // every profile's string table starts with ""
	}
	str := func(i int64) (string, error) {
		if i < 0 || i >= int64(len(strs)) {
			return "", fmt.Errorf("%w: string index %d out of range", errProto, i)
		}
		return strs[i], nil
	}
	var err error
	for _, t := range sampleTypes {
		var v ValueType
		if v.Type, err = str(t.typ); err != nil {
			return nil, err
		}
		if v.Unit, err = str(t.unit); err != nil {
			return nil, err
		}
		p.SampleType = append(p.SampleType, v)
	}
	if p.PeriodType.Type, err = str(periodType.typ); err != nil {
		return nil, err
	}
	if p.PeriodType.Unit, err = str(periodType.unit); err != nil {
		return nil, err
	}
	for id, f := range fns {
		var g Function
		if g.Name, err = str(f.name); err != nil {
			return nil, err
		}
		if g.File, err = str(f.file); err != nil {
			return nil, err
		}
		p.Functions[id] = g
	}
	for i := range p.Samples {
		if n := p.Samples[i].vals[1] - p.Samples[i].vals[0]; int(n) != len(p.SampleType) {
			return nil, fmt.Errorf("%w: a sample has %d values for %d sample types", errProto, n, len(p.SampleType))
		}
	}
	return p, nil
}

// presize counts the samples, their location IDs and values, so that
// decoding appends without growing the slices: on a large profile the
// copies of growing them cost more than the decoding.
func (p *Profile) presize(b []byte) {
	var samples, ids, vals int
	d := decoder{b: b}
	for !d.done() {
		field, wire, err := d.key()
		if err != nil {
			return
		}
		if field != 2 || wire != 2 {
			if d.skip(wire) != nil {
				return
			}
			continue
		}
		m, err := d.bytes()
		if err != nil {
			return
		}
		samples++
		sd := decoder{b: m}
		for !sd.done() {
			f, w, err := sd.key()
			if err != nil {
				break
			}
			if w != 2 {
				if sd.skip(w) != nil {
					break
				}
				if f == 1 {
					ids++
				} else if f == 2 {
					vals++
				}
				continue
			}
			packed, err := sd.bytes()
			if err != nil {
				break
			}
			n := 0
			for _, c := range packed {
				if c < 0x80 {
					n++
				}
			}
			if f == 1 {
				ids += n
			} else if f == 2 {
				vals += n
			}
		}
	}
	p.Samples = make([]Sample, 0, samples)
	p.locIDs = make([]uint64, 0, ids)
	p.values = make([]int64, 0, vals)
}

func decodeValueType(b []byte) ([2]int64, error) {
	var t [2]int64
	d := decoder{b: b}
	for !d.done() {
		field, wire, err := d.key()
		if err != nil {
			return t, err
		}
		if (field == 1 || field == 2) && wire == 0 {
			v, err := d.varint()
			if err != nil {
				return t, err
			}
			t[field-1] = int64(v)
			continue
		}
		if err := d.skip(wire); err != nil {
			return t, err
		}
	}
	return t, nil
}

func decodeSample(b []byte, ids []uint64, vals []int64) ([]uint64, []int64, error) {
	d := decoder{b: b}
	for !d.done() {
		field, wire, err := d.key()
		if err != nil {
			return nil, nil, err
		}
		switch {
		case (field == 1 || field == 2) && wire == 2: // packed
			m, err := d.bytes()
			if err != nil {
				return nil, nil, err
			}
			pd := decoder{b: m}
			for !pd.done() {
				v, err := pd.varint()
				if err != nil {
					return nil, nil, err
				}
				if field == 1 {
					ids = append(ids, v)
				} else {
					vals = append(vals, int64(v))
				}
			}
		case (field == 1 || field == 2) && wire == 0:
			v, err := d.varint()
			if err != nil {
				return nil, nil, err
			}
			if field == 1 {
				ids = append(ids, v)
			} else {
				vals = append(vals, int64(v))
			}
		default:
			if err := d.skip(wire); err != nil {
				return nil, nil, err
			}
		}
	}
	return ids, vals, nil
}

func decodeLocation(b []byte) (uint64, Location, error) {
	var id uint64
	var loc Location
	d := decoder{b: b}
	for !d.done() {
		field, wire, err := d.key()
		if err != nil {
			return 0, loc, err
		}
		switch {
		case field == 1 && wire == 0:
			if id, err = d.varint(); err != nil {
				return 0, loc, err
			}
		case field == 4 && wire == 2:
			m, err := d.bytes()
			if err != nil {
				return 0, loc, err
			}
			var ln Line
			ld := decoder{b: m}
			for !ld.done() {
				f, w, err := ld.key()
				if err != nil {
					return 0, loc, err
				}
				if (f == 1 || f == 2) && w == 0 {
					v, err := ld.varint()
					if err != nil {
						return 0, loc, err
					}
					if f == 1 {
						ln.Function = v
					} else {
						ln.Line = int64(v)
					}
					continue
				}
				if err := ld.skip(w); err != nil {
					return 0, loc, err
				}
			}
			loc.Lines = append(loc.Lines, ln)
		default:
			if err := d.skip(wire); err != nil {
				return 0, loc, err
			}
		}
	}
	return id, loc, nil
}

func decodeFunction(b []byte) (id uint64, name, file int64, err error) {
	d := decoder{b: b}
	for !d.done() {
		field, wire, err := d.key()
		if err != nil {
			return 0, 0, 0, err
		}
		if wire == 0 && (field == 1 || field == 2 || field == 4) {
			v, err := d.varint()
			if err != nil {
				return 0, 0, 0, err
			}
			switch field {
			case 1:
				id = v
			case 2:
				name = int64(v)
			case 4:
				file = int64(v)
			}
			continue
		}
		if err := d.skip(wire); err != nil {
			return 0, 0, 0, err
		}
	}
	return id, name, file, nil
}

// decoder reads protobuf wire format.
type decoder struct {
	b []byte
	i int
}

func (d *decoder) done() bool { return d.i >= len(d.b) }

func (d *decoder) varint() (uint64, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if d.i >= len(d.b) {
			return 0, fmt.Errorf("%w: truncated varint", errProto)
		}
		c := d.b[d.i]
		d.i++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: varint too long", errProto)
}

func (d *decoder) key() (field int, wire int, err error) {
	v, err := d.varint()
	if err != nil {
		return 0, 0, err
	}
	if v>>3 == 0 || v>>3 > 1<<29 {
		return 0, 0, fmt.Errorf("%w: bad field number", errProto)
	}
	return int(v >> 3), int(v & 7), nil
}

func (d *decoder) bytes() ([]byte, error) {
	n, err := d.varint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(d.b)-d.i) {
		return nil, fmt.Errorf("%w: length %d past the end", errProto, n)
	}
	b := d.b[d.i : d.i+int(n)]
	d.i += int(n)
	return b, nil
}

func (d *decoder) skip(wire int) error {
	switch wire {
	case 0:
		_, err := d.varint()
		return err
	case 1:
		if len(d.b)-d.i < 8 {
			return fmt.Errorf("%w: truncated fixed64", errProto)
		}
		d.i += 8
	case 2:
		_, err := d.bytes()
		return err
	case 5:
		if len(d.b)-d.i < 4 {
			return fmt.Errorf("%w: truncated fixed32", errProto)
		}
		d.i += 4
	default:
		return fmt.Errorf("%w: wire type %d", errProto, wire)
	}
	return nil
}
