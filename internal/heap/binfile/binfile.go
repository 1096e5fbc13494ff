package binfile

import (
	"bytes"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
)

// File is an opened executable.
//
// The file is mapped, not read: Open parses only the headers (ELF, Mach-O
// or PE) and checks the Go pclntab header; the symbol table, build info
// and instruction bytes are read when a query needs them. A File is safe
// for concurrent use.
type File struct {
	path  string
	data  []byte
	unmap func() error

	format  string // "ELF", "Mach-O" or "PE"
	arch    string
	order   binary.ByteOrder
	loads   []segment // loaded segments (PE: sections), for file offset <-> address
	buildID string
	textLo  uint64 // [textLo, textHi): the text section, where calls can be
	textHi  uint64

	// A PE image is loaded whole at one base, and windows profiles give
	// addresses relative to it: these translate them (see linkAddr).
	imageBase, imageSize uint64

	pcln *pclntab

	symtab   symbolTable // nil when the binary has no usable symbol table
	elfSyms  elfSymtab   // what symtab points to in an ELF file, kept here to save an allocation
	symsOnce sync.Once
	syms     *symIndex // function symbols, built on first use

	buildinfo  []byte // the build info blob (.go.buildinfo), nil if absent
	infoOnce   sync.Once
	goVersion  string
	mainModule string

	mu      sync.Mutex        // guards the caches below
	callees map[uint64]callee // by link-time address of the location
	targets map[uint64]string // function name by entry address, "" if none
}

type segment struct {
	vaddr, memsz, off, filesz, align uint64
	exec                             bool
}

type callee struct {
	name string
	ok   bool
}

// Open opens the executable at path. It fails when the file is not an ELF,
// Mach-O or PE executable, is built for an architecture other than amd64 or
// arm64, or has no readable Go pclntab (the table every Go binary carries,
// even when built with -ldflags=-s). A universal (fat) Mach-O file is
// refused with the architectures it holds: a profile does not say which
// one wrote it.
func Open(path string) (f *File, err error) {
	osf, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("binfile: %w", err)
	}
	defer osf.Close()
	st, err := osf.Stat()
	if err != nil {
		return nil, fmt.Errorf("binfile: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("binfile: %s: not a regular file", path)
	}
	if st.Size() == 0 {
		return nil, fmt.Errorf("binfile: %s: empty file, not an executable", path)
	}
	if st.Size() < 4 {
		return nil, fmt.Errorf("binfile: %s: not an executable (%d bytes)", path, st.Size())
	}
	data, unmap, err := mapFile(osf, st.Size())
	if err != nil {
		return nil, fmt.Errorf("binfile: reading %s: %w", path, err)
	}
	f = &File{path: path, data: data, unmap: unmap}
	defer func() {
		if err != nil {
			unmap()
			f = nil
		}
	}()
	if err := f.parse(); err != nil {
		return nil, fmt.Errorf("binfile: %s: %w", path, err)
	}
	return f, nil
}

// Close releases the mapping. The File must not be used afterwards.
func (f *File) Close() error {
	if f == nil || f.unmap == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	err := f.unmap()
	f.unmap = nil
	f.data = nil
	f.pcln = nil
	if err != nil {
		return fmt.Errorf("binfile: closing %s: %w", f.path, err)
	}
	return nil
}

// Path returns the path the file was opened with.
func (f *File) Path() string { return f.path }

// Arch returns the Go name of the architecture: "amd64" or "arm64".
func (f *File) Arch() string { return f.arch }

// BuildID returns the GNU build ID note in hex, the value runtime/pprof puts
// in Mapping.BuildID for this executable, or "" when it has none (Go before
// 1.24 writes no such note unless linked with -B; Mach-O and PE files have
// none).
func (f *File) BuildID() string { return f.buildID }

// GoVersion returns the Go version that built the binary ("go1.26.8"), or
// "" when the build info cannot be read.
func (f *File) GoVersion() string {
	f.readBuildInfo()
	return f.goVersion
}

// MainModule returns the main module path from the build info, or "".
func (f *File) MainModule() string {
	f.readBuildInfo()
	return f.mainModule
}

func (f *File) readBuildInfo() {
	f.infoOnce.Do(func() {
		defer guard(nil)
		if f.buildinfo == nil {
			return
		}
		f.goVersion, f.mainModule = parseBuildInfo(f.buildinfo)
	})
}

// parseBuildInfo decodes the build info blob of Go 1.18+ binaries (strings
// stored inline): ELF's .go.buildinfo, Mach-O's __go_buildinfo, the start
// of PE's .data. debug/buildinfo is not used because on a corrupt file it
// searches the whole claimed data segment, which a crafted header can make
// practically endless; the search here (findBuildInfo) is bounded by the
// bytes of the file.
func parseBuildInfo(b []byte) (goVersion, mainModule string) {
	const headerSize = 32
	const flagsInline = 2
	if len(b) < headerSize || string(b[:len(buildInfoMagic)]) != buildInfoMagic || b[15]&flagsInline == 0 {
		return "", ""
	}
	b = b[headerSize:]
	readString := func() (string, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return "", false
		}
		s := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return s, true
	}
	vers, ok := readString()
	if !ok {
		return "", ""
	}
	mod, ok := readString()
	// The module information is framed by 16-byte sentinels.
	if !ok || len(mod) < 33 || mod[len(mod)-17] != '\n' {
		return vers, ""
	}
	bi, err := debug.ParseBuildInfo(mod[16 : len(mod)-16])
	if err != nil {
		return vers, ""
	}
	return vers, bi.Main.Path
}

var errNotExec = errors.New("not an executable (ELF, Mach-O or PE)")

const buildInfoMagic = "\xff Go buildinf:"

// findBuildInfo returns the build info blob in b, a section or segment
// starting at a 16-byte aligned address, for formats that do not give the
// blob a section of its own: the linker aligns it to 16 bytes, and
// debug/buildinfo searches the same way.
func findBuildInfo(b []byte) []byte {
	for i := 0; i < len(b); {
		j := bytes.Index(b[i:], []byte(buildInfoMagic))
		if j < 0 {
			return nil
		}
		i += j
		if i%16 == 0 {
			return b[i:]
		}
		i = (i + 15) &^ 15
	}
	return nil
}

// layout is what a format's parser hands to the format-independent rest of
// Open.
type layout struct {
	textName string // the text section's name, for messages
	entry    uint64 // the entry point, 0 if unknown
	tab      []byte // the Go pclntab, nil if not found
	tabAddr  uint64
	// The headers of the format read, for dataRegions.
	ef *elf.File
	mf *macho.File
	pf *pe.File
}

// dataRegions lists where the runtime's module data may be, likeliest
// first; it is called only for a binary whose text start is in doubt.
func (f *File) dataRegions(lay *layout) [][]byte {
	switch {
	case lay.ef != nil:
		return f.elfDataRegions(lay.ef)
	case lay.mf != nil:
		return f.machoDataRegions(lay.mf)
	case lay.pf != nil:
		return f.peDataRegions(lay.pf)
	}
	return nil
}

// parse reads the headers and the pclntab header.
func (f *File) parse() (err error) {
	// debug/elf, debug/macho and debug/pe are fuzzed upstream but a corrupt
	// file must never crash the caller, so a panic in parsing is turned
	// into an error.
	defer guard(&err)
	var lay layout
	switch {
	case bytes.HasPrefix(f.data, []byte(elf.ELFMAG)):
		f.format = "ELF"
		lay, err = f.parseELF()
	case isMachO(f.data):
		f.format = "Mach-O"
		lay, err = f.parseMachO()
	case isFat(f.data):
		return fatError(f.data)
	case bytes.HasPrefix(f.data, []byte("MZ")):
		f.format = "PE"
		lay, err = f.parsePE()
	default:
		return fmt.Errorf("%w%s", errNotExec, describeFormat(f.data))
	}
	if err != nil {
		return err
	}
	// Function entries are offsets from runtime.text, which is where the Go
	// linker starts the text section. An external linker may put C code
	// first; then the entry point (_start) is not a Go function and
	// runtime.text has to be looked up in the symbol table. Scanning that
	// table touches a megabyte or more of a large binary, so it is done
	// only then.
	f.pcln, err = parsePclntab(lay.tab, f.order, f.textLo)
	if err != nil {
		return err
	}
	if !f.goEntry(lay.entry) {
		if v, ok := f.symbolValue("runtime.text"); ok {
			f.pcln.textStart = v
		} else if v, ok := f.moduledataText(f.dataRegions(&lay), lay.tab, lay.tabAddr); ok {
			// Externally linked and stripped: only the runtime's module
			// data still says where Go's text starts.
			f.pcln.textStart = v
		}
	}
	if lo, hi := f.pcln.textRange(); lo < f.textLo || hi > f.textHi || lo >= hi {
		return fmt.Errorf("Go pclntab covers %#x-%#x, outside %s %#x-%#x", lo, hi, lay.textName, f.textLo, f.textHi)
	}
	return nil
}

// goEntry reports whether the entry point is the start of a Go function
// (_rt0_amd64_linux, _rt0_arm64_darwin and friends) according to the
// pclntab as parsed.
func (f *File) goEntry(entry uint64) bool {
	fn, ok := f.pcln.funcAtEntry(entry)
	if !ok {
		return false
	}
	name, _ := f.pcln.funcName(fn)
	return strings.HasPrefix(name, "_rt0_")
}

// moduledataText finds runtime.firstmoduledata, the runtime's description
// of the binary, by searching the data for its first word (the address of
// the pclntab), and returns its text field (runtime.text).
func (f *File) moduledataText(regions [][]byte, tab []byte, tabAddr uint64) (uint64, bool) {
	if len(tab) < 8+5*8 {
		return 0, false
	}
	funcnameOff := f.order.Uint64(tab[8+3*8:])
	var text uint64
	found := false
	f.eachModuledata(regions, tabAddr, funcnameOff, func(md []byte) bool {
		minpc, t := f.order.Uint64(md[mdMinPC:]), f.order.Uint64(md[mdText:])
		if t >= f.textLo && t < f.textHi && minpc == t+f.pcln.entryOff(0) {
			text, found = t, true
			return false
		}
		return true
	})
	return text, found
}

// Offsets of the fields of runtime.moduledata that we read (64-bit). The
// layout of these fields is the same from Go 1.18 through 1.27.
const (
	mdFuncnametab  = 8   // funcnametab []byte: its data pointer
	mdPclntable    = 104 // pclntable []byte: data pointer, then length
	mdMinPC        = 160
	mdText         = 176
	moduledataSize = 192 // enough to hold the fields above
)

// eachModuledata calls yield with every 8-aligned place in regions that
// looks like the start of a runtime.moduledata for the pclntab at tabAddr
// (its first word is tabAddr, its funcnametab pointer is tabAddr plus the
// table's offset), until yield returns false.
func (f *File) eachModuledata(regions [][]byte, tabAddr, funcnameOff uint64, yield func(md []byte) bool) {
	for _, r := range regions {
		for i := 0; i+moduledataSize <= len(r); i += 8 {
			if f.order.Uint64(r[i:]) != tabAddr || f.order.Uint64(r[i+mdFuncnametab:]) != tabAddr+funcnameOff {
				continue
			}
			if !yield(r[i : i+moduledataSize]) {
				return
			}
		}
	}
}

// findPclntab finds the pclntab of a binary that names it neither by a
// section nor by symbols (a PE file linked with -s) by its header, and
// trusts a candidate only when the runtime's module data in regions points
// at it. The module data also says where the table ends.
func (f *File) findPclntab(regions [][]byte) ([]byte, uint64) {
	minLC := byte(1)
	if f.arch == "arm64" {
		minLC = 4
	}
	for _, magic := range []uint32{magicGo120, magicGo118} {
		var hdr [8]byte
		f.order.PutUint32(hdr[:], magic)
		hdr[6], hdr[7] = minLC, 8
		for _, s := range f.loads {
			b, ok := f.slice(s.off, s.filesz)
			if !ok {
				continue
			}
			for i := 0; i < len(b); i++ {
				j := bytes.Index(b[i:], hdr[:])
				if j < 0 {
					break
				}
				i += j
				if tab, ok := f.pclntabAt(regions, b[i:], s.vaddr+uint64(i)); ok {
					return tab, s.vaddr + uint64(i)
				}
			}
		}
	}
	return nil, 0
}

// pclntabAt returns the pclntab at the start of rest, at address addr, if
// the module data confirms it: its pclntable slice must be where the
// header says, and its end is the end of the table.
func (f *File) pclntabAt(regions [][]byte, rest []byte, addr uint64) ([]byte, bool) {
	if len(rest) < 8+8*8 {
		return nil, false
	}
	funcnameOff := f.order.Uint64(rest[8+3*8:])
	pclnOff := f.order.Uint64(rest[8+7*8:])
	if pclnOff > uint64(len(rest)) {
		return nil, false
	}
	var tab []byte
	f.eachModuledata(regions, addr, funcnameOff, func(md []byte) bool {
		ptr, n := f.order.Uint64(md[mdPclntable:]), f.order.Uint64(md[mdPclntable+8:])
		if ptr != addr+pclnOff || n > uint64(len(rest))-pclnOff {
			return true
		}
		tab = rest[:pclnOff+n]
		return false
	})
	return tab, tab != nil
}

// loadedData returns the file bytes of the segments that are not
// executable: the last place to look for the module data.
func (f *File) loadedData() [][]byte {
	var regions [][]byte
	for _, s := range f.loads {
		if !s.exec && s.off <= uint64(len(f.data)) && s.filesz <= uint64(len(f.data))-s.off {
			regions = append(regions, f.data[s.off:s.off+s.filesz])
		}
	}
	return regions
}

// describeFormat names the format of a file that is not an executable, so
// the error says what the file is rather than only what it is not.
func describeFormat(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		return " (gzip data: is this a profile?)"
	case bytes.HasPrefix(data, []byte("#!")):
		return " (script)"
	}
	return ""
}

// guard turns a panic (including a fault reading a mapped file that was
// truncated underneath us) into an error, or into nothing when errp is nil.
// It must be deferred directly.
func guard(errp *error) {
	if r := recover(); r != nil {
		if errp != nil {
			*errp = fmt.Errorf("corrupt executable: %v", r)
		}
	}
}

// withFaults makes memory faults on the mapping recoverable panics for the
// duration of a call; it returns the function that restores the setting.
func withFaults() func() {
	old := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(old) }
}

// slice returns n bytes of the file at offset off.
func (f *File) slice(off, n uint64) ([]byte, bool) {
	if off > uint64(len(f.data)) || n > uint64(len(f.data))-off {
		return nil, false
	}
	return f.data[off : off+n], true
}

// offsetToAddr converts a file offset inside a loaded segment to the
// virtual address it is linked at.
func (f *File) offsetToAddr(off uint64) (uint64, bool) {
	for _, s := range f.loads {
		if off >= s.off && off-s.off < s.filesz {
			return s.vaddr + (off - s.off), true
		}
	}
	return 0, false
}

// bytesAt returns up to n bytes of the file image at virtual address addr,
// ending at end of its segment.
func (f *File) bytesAt(addr, n uint64) ([]byte, bool) {
	for _, s := range f.loads {
		if addr >= s.vaddr && addr-s.vaddr < s.filesz {
			off := s.off + (addr - s.vaddr)
			avail := s.filesz - (addr - s.vaddr)
			if n > avail {
				return nil, false
			}
			if off > uint64(len(f.data)) || n > uint64(len(f.data))-off {
				return nil, false
			}
			return f.data[off : off+n], true
		}
	}
	return nil, false
}

// A symbolTable is the linker's symbol table of an executable, in its
// format. It is the fallback for names the pclntab does not have (C code)
// and, in binaries an external linker made, says where Go's text starts.
type symbolTable interface {
	// value returns the address of the defined symbol called name,
	// scanning the table without building an index.
	value(name string) (uint64, bool)
	// index returns the function symbols sorted by address.
	index() *symIndex
}

// symIndex is the function symbols of a symbol table sorted by address,
// kept as offsets into a string table so that building it allocates one
// slice.
type symIndex struct {
	strtab []byte
	syms   []sym
}

type sym struct {
	addr    uint64
	nameOff uint32
}

func (s *symIndex) sort() {
	sort.Slice(s.syms, func(i, j int) bool { return s.syms[i].addr < s.syms[j].addr })
}

// symbols returns the function symbol index, building it on first use;
// nil when the binary is stripped.
func (f *File) symbols() *symIndex {
	f.symsOnce.Do(func() {
		defer guard(nil)
		if f.symtab != nil {
			f.syms = f.symtab.index()
		}
	})
	return f.syms
}

// nameAt returns the name of the function symbol at exactly addr.
func (s *symIndex) nameAt(addr uint64) (string, bool) {
	if s == nil {
		return "", false
	}
	i := sort.Search(len(s.syms), func(i int) bool { return s.syms[i].addr >= addr })
	if i == len(s.syms) || s.syms[i].addr != addr {
		return "", false
	}
	return cstring(s.strtab, uint64(s.syms[i].nameOff))
}

// symbolValue looks one symbol up by name without building the index;
// used at Open for runtime.text and the pclntab's bounds.
func (f *File) symbolValue(name string) (uint64, bool) {
	if f.symtab == nil {
		return 0, false
	}
	return f.symtab.value(name)
}

// symbolRange returns the bytes between two symbols and the address of the
// first, for binaries whose pclntab is not in a section of its own.
func (f *File) symbolRange(start, end string) ([]byte, uint64) {
	lo, ok1 := f.symbolValue(start)
	hi, ok2 := f.symbolValue(end)
	if !ok1 || !ok2 || hi <= lo {
		return nil, 0
	}
	b, _ := f.bytesAt(lo, hi-lo)
	return b, lo
}

// cstringIs reports whether the NUL-terminated string at off in tab is name.
func cstringIs(tab []byte, off uint64, name string) bool {
	if off+uint64(len(name)) >= uint64(len(tab)) {
		return false
	}
	return string(tab[off:off+uint64(len(name))]) == name && tab[off+uint64(len(name))] == 0
}
