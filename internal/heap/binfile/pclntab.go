package binfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/mapscope/mapscope/internal/mapruntime/funcname"
)

// pclntab is a lean reader of the Go 1.18+ runtime PC/line table: it answers
// "which function starts at / contains this PC" by binary search over the
// function table, and "which file and line is this PC" by decoding one
// function's pcfile/pcln tables, without building the whole symbol table
// the way debug/gosym does. Every read is bounds-checked, so a corrupt table
// gives "not found" instead of a panic.
type pclntab struct {
	order     binary.ByteOrder
	minLC     uint64 // instruction size quantum for pc deltas
	nfunc     int
	textStart uint64 // address that function entry offsets are relative to

	funcnametab []byte
	cutab       []byte
	filetab     []byte
	pctab       []byte
	pclntable   []byte // functab followed by the _func records
}

// Pclntab header magics (internal/abi.PCLnTabMagic).
const (
	magicGo118 = 0xfffffff0 // Go 1.18 - 1.19
	magicGo120 = 0xfffffff1 // Go 1.20 and later
	magicGo116 = 0xfffffffa // Go 1.16 - 1.17 (unsupported)
	magicGo12  = 0xfffffffb // Go 1.2 - 1.15 (unsupported)
)

// Offsets of the fields of runtime._func that we read. They are the same
// from Go 1.18 through 1.27.
const (
	funcNameOff  = 4
	funcPCFile   = 20
	funcPCLn     = 24
	funcCUOffset = 32
	funcMinSize  = 36
)

func parsePclntab(data []byte, order binary.ByteOrder, textStart uint64) (*pclntab, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("Go pclntab too short (%d bytes)", len(data))
	}
	magic := order.Uint32(data)
	switch magic {
	case magicGo118, magicGo120:
	case magicGo116, magicGo12:
		return nil, fmt.Errorf("Go pclntab of a Go version before 1.18 (magic %#x) is not supported", magic)
	default:
		return nil, fmt.Errorf("bad Go pclntab magic %#x", magic)
	}
	if data[4] != 0 || data[5] != 0 {
		return nil, fmt.Errorf("bad Go pclntab header padding")
	}
	minLC, ptrSize := data[6], data[7]
	if minLC != 1 && minLC != 2 && minLC != 4 || ptrSize != 4 && ptrSize != 8 {
		return nil, fmt.Errorf("bad Go pclntab header (quantum %d, pointer size %d)", minLC, ptrSize)
	}
	word := func(i int) (uint64, bool) {
		off := 8 + i*int(ptrSize)
		if off+int(ptrSize) > len(data) {
			return 0, false
		}
		if ptrSize == 4 {
			return uint64(order.Uint32(data[off:])), true
		}
		return order.Uint64(data[off:]), true
	}
	var hdr [8]uint64 // nfunc nfiles textStart funcname cu filetab pctab pcln
	for i := range hdr {
		v, ok := word(i)
		if !ok {
			return nil, fmt.Errorf("truncated Go pclntab header")
		}
		hdr[i] = v
	}
	sub := func(what string, start, end uint64) ([]byte, error) {
		if start > end || end > uint64(len(data)) {
			return nil, fmt.Errorf("Go pclntab %s out of range", what)
		}
		return data[start:end], nil
	}
	t := &pclntab{order: order, minLC: uint64(minLC), textStart: textStart}
	// The tables follow each other in this order: funcnametab, cutab,
	// filetab, pctab, pclntable (cmd/link/internal/ld/pcln.go).
	var err error
	if t.funcnametab, err = sub("function name table", hdr[3], hdr[4]); err != nil {
		return nil, err
	}
	if t.cutab, err = sub("compilation unit table", hdr[4], hdr[5]); err != nil {
		return nil, err
	}
	if t.filetab, err = sub("file table", hdr[5], hdr[6]); err != nil {
		return nil, err
	}
	if t.pctab, err = sub("pc table", hdr[6], hdr[7]); err != nil {
		return nil, err
	}
	if t.pclntable, err = sub("function table", hdr[7], uint64(len(data))); err != nil {
		return nil, err
	}
	// The function table holds nfunc (entry, offset) pairs and the end PC.
	if len(t.pclntable) < 4 || hdr[0] == 0 || hdr[0] > uint64(len(t.pclntable)-4)/8 {
		return nil, fmt.Errorf("bad Go pclntab function count %d", hdr[0])
	}
	t.nfunc = int(hdr[0])
	return t, nil
}

// entryOff returns the entry offset of function i; i == nfunc gives the end
// of the last function.
func (t *pclntab) entryOff(i int) uint64 {
	return uint64(t.order.Uint32(t.pclntable[8*i:]))
}

// textRange returns the [start, end) addresses covered by the table.
func (t *pclntab) textRange() (uint64, uint64) {
	return t.textStart + t.entryOff(0), t.textStart + t.entryOff(t.nfunc)
}

// funcRef is a function found in the table: its entry address and the
// offset of its _func record in pclntable.
type funcRef struct {
	entry uint64
	rec   []byte
}

// findFunc returns the function containing pc.
func (t *pclntab) findFunc(pc uint64) (funcRef, bool) {
	if pc < t.textStart {
		return funcRef{}, false
	}
	off := pc - t.textStart
	if off >= t.entryOff(t.nfunc) {
		return funcRef{}, false
	}
	// Index of the first function whose entry is after pc, minus one.
	i := sort.Search(t.nfunc, func(i int) bool { return t.entryOff(i) > off }) - 1
	if i < 0 {
		return funcRef{}, false
	}
	return t.funcAt(i)
}

// funcAtEntry returns the function whose entry address is exactly pc.
func (t *pclntab) funcAtEntry(pc uint64) (funcRef, bool) {
	f, ok := t.findFunc(pc)
	if !ok || f.entry != pc {
		return funcRef{}, false
	}
	return f, true
}

func (t *pclntab) funcAt(i int) (funcRef, bool) {
	recOff := uint64(t.order.Uint32(t.pclntable[8*i+4:]))
	if recOff+funcMinSize > uint64(len(t.pclntable)) {
		return funcRef{}, false
	}
	rec := t.pclntable[recOff:]
	return funcRef{entry: t.textStart + t.entryOff(i), rec: rec}, true
}

func (t *pclntab) field(f funcRef, off int) uint32 {
	return t.order.Uint32(f.rec[off:])
}

// funcName returns the linker's name of f, as runtime.FuncForPC reports it.
func (t *pclntab) funcName(f funcRef) (string, bool) {
	return cstring(t.funcnametab, uint64(t.field(f, funcNameOff)))
}

// lineAt returns the file and line of pc in f: for code inlined into f, the
// innermost inlined function's position, the way the runtime symbolizes.
func (t *pclntab) lineAt(f funcRef, pc uint64) (file string, line int, ok bool) {
	line32, ok := t.pcvalue(t.field(f, funcPCLn), f.entry, pc)
	if !ok {
		return "", 0, false
	}
	fileno, ok := t.pcvalue(t.field(f, funcPCFile), f.entry, pc)
	if !ok || fileno < 0 {
		return "", 0, false
	}
	idx := (uint64(t.field(f, funcCUOffset)) + uint64(fileno)) * 4
	if idx+4 > uint64(len(t.cutab)) {
		return "", 0, false
	}
	fileOff := t.order.Uint32(t.cutab[idx:])
	if fileOff == ^uint32(0) {
		return "", 0, false
	}
	file, ok = cstring(t.filetab, uint64(fileOff))
	return file, int(line32), ok
}

// pcvalue decodes the pc-value table at off for the function starting at
// entry and returns the value at target (runtime.pcvalue).
func (t *pclntab) pcvalue(off uint32, entry, target uint64) (int32, bool) {
	if off == 0 || uint64(off) >= uint64(len(t.pctab)) {
		return 0, false
	}
	p := t.pctab[off:]
	val := int32(-1)
	pc := entry
	for first := true; ; first = false {
		uvdelta, n := binary.Uvarint(p)
		if n <= 0 || uvdelta == 0 && !first {
			return 0, false
		}
		p = p[n:]
		if uvdelta&1 != 0 {
			uvdelta = ^(uvdelta >> 1)
		} else {
			uvdelta >>= 1
		}
		pcdelta, n := binary.Uvarint(p)
		if n <= 0 {
			return 0, false
		}
		p = p[n:]
		val += int32(uvdelta)
		pc += pcdelta * t.minLC
		if target < pc {
			return val, true
		}
	}
}

// cstring returns the NUL-terminated string at off in tab.
func cstring(tab []byte, off uint64) (string, bool) {
	if off >= uint64(len(tab)) {
		return "", false
	}
	s := tab[off:]
	n := bytes.IndexByte(s, 0)
	if n < 0 {
		return "", false
	}
	return string(s[:n]), true
}

// printName rewrites a linker function name the way runtime.Frame.Function
// shows it: the shape arguments of a generic function become "...".
func printName(name string) string { return funcname.Generic(name) }
