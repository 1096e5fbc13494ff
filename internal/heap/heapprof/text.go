package heapprof

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

// A heap profile served with ?debug=1 is text: pprof's legacy parser
// reads its figures and raw addresses but not the symbols runtime/pprof
// prints under each record ("#\t0x6c786a\tmain.(*server).product+0x26a\t
// /src/server.go:76"), nor can it know where the executable was mapped.
// symbolizeText gives the locations those symbols (inlined frames
// included, as runtime.CallersFrames expanded them), drops the leading
// runtime frames that runtime/pprof leaves unsymbolized (and strips from
// protobuf profiles too), and removes the mapping pprof invents: the
// addresses are the running program's, which are the binary's own for an
// executable that is not position-independent.
func symbolizeText(data []byte, p *profile.Profile) {
	frames := textFrames(data)
	if len(frames) == 0 {
		return
	}
	funcs := map[string]*profile.Function{}
	fn := func(name, file string) *profile.Function {
		k := name + "\x00" + file
		f := funcs[k]
		if f == nil {
			f = &profile.Function{ID: uint64(len(p.Function) + 1), Name: name, SystemName: name, Filename: file}
			p.Function = append(p.Function, f)
			funcs[k] = f
		}
		return f
	}
	for _, loc := range p.Location {
		loc.Mapping = nil
		fs := frames[loc.Address]
		if fs == nil {
			fs = frames[loc.Address-1] // a return address, printed as the call's
		}
		if fs == nil {
			continue
		}
		// The text lists the outermost frame last; a Location holds the
		// innermost first.
		loc.Line = loc.Line[:0]
		for _, f := range fs {
			loc.Line = append(loc.Line, profile.Line{Function: fn(f.name, f.file), Line: f.line})
		}
		loc.Address = fs[0].addr
	}
	p.Mapping = nil
	p.Comments = append(p.Comments, textComment)
	// As runtime/pprof writes protobuf heap profiles: the allocator's
	// leading frames go (runtime/pprof prints them in text only for
	// stacks that are all runtime, and may name them through another
	// record's lines), unless nothing would be left.
	for _, s := range p.Sample {
		i := 0
		for i < len(s.Location) && hiddenFrame(s.Location[i]) {
			i++
		}
		if i < len(s.Location) {
			s.Location = s.Location[i:]
		}
	}
}

// hiddenFrame reports a location runtime/pprof leaves out of the front of
// a heap profile's stack: one it did not name, or the runtime's.
func hiddenFrame(loc *profile.Location) bool {
	if len(loc.Line) == 0 {
		return true
	}
	name := loc.Line[len(loc.Line)-1].Function.Name
	return strings.HasPrefix(name, "runtime.") || strings.HasPrefix(name, "internal/runtime/")
}

type textFrame struct {
	addr uint64
	name string
	file string
	line int64
}

// textFrames reads the "#\taddr\tfunc+off\tfile:line" lines, by address;
// an address repeated on consecutive lines is a call with inlined frames,
// innermost first.
func textFrames(data []byte) map[uint64][]textFrame {
	out := map[uint64][]textFrame{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	var prev uint64
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "#\t0x") {
			prev = 0
			continue
		}
		fields := strings.Split(strings.TrimPrefix(line, "#\t"), "\t")
		var parts []string
		for _, f := range fields {
			if f != "" {
				parts = append(parts, f)
			}
		}
		if len(parts) != 3 {
			continue
		}
		addr, err := strconv.ParseUint(strings.TrimPrefix(parts[0], "0x"), 16, 64)
		if err != nil {
			continue
		}
		name := parts[1]
		if i := strings.LastIndex(name, "+0x"); i > 0 {
			name = name[:i]
		}
		file, ln, ok := strings.Cut(parts[2], ":")
		if i := strings.LastIndexByte(parts[2], ':'); i > 0 {
			file, ln, ok = parts[2][:i], parts[2][i+1:], true
		}
		n, err := strconv.ParseInt(ln, 10, 64)
		if !ok || err != nil {
			continue
		}
		f := textFrame{addr: addr, name: name, file: file, line: n}
		if addr == prev && len(out[addr]) > 0 {
			out[addr] = append(out[addr], f)
		} else if out[addr] == nil {
			out[addr] = []textFrame{f}
		}
		prev = addr
	}
	return out
}

// textComment marks a profile read from text.
const textComment = "mapscope: read from a ?debug=1 text profile"

// FromText reports whether p was read from a ?debug=1 text profile, which
// records no mapping and no inlining: a binary cannot be checked against
// it.
func FromText(p *profile.Profile) bool {
	for _, c := range p.Comments {
		if c == textComment {
			return true
		}
	}
	return false
}

// isText reports whether data is a legacy text heap profile.
func isText(data []byte) bool { return bytes.HasPrefix(data, []byte("heap profile:")) }
