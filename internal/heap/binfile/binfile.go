package binfile

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
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
// The file is mapped, not read: Open parses only the ELF headers and checks
// the Go pclntab header; the symbol table, build info and instruction bytes
// are read when a query needs them. A File is safe for concurrent use.
type File struct {
	path  string
	data  []byte
	unmap func() error

	arch    string
	order   binary.ByteOrder
	loads   []segment // PT_LOAD segments, for file offset <-> address
	buildID string
	textLo  uint64 // [textLo, textHi): the .text section, where calls can be
	textHi  uint64

	pcln *pclntab

	symsOnce sync.Once
	syms     *symIndex // nil when the binary has no usable .symtab
	symtab   *elf.Section
	strtab   *elf.Section

	buildinfo  []byte // .go.buildinfo contents, nil if absent
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

// Open opens the executable at path. It fails when the file is not an ELF
// executable, is built for an architecture other than amd64 or arm64, or has
// no readable Go pclntab (the table every Go binary carries, even when
// built with -ldflags=-s).
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
// 1.24 writes no such note unless linked with -B).
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

// parseBuildInfo decodes the .go.buildinfo section of Go 1.18+ binaries
// (strings stored inline). debug/buildinfo is not used because on a corrupt
// file it searches the whole claimed data segment, which a crafted header
// can make practically endless.
func parseBuildInfo(b []byte) (goVersion, mainModule string) {
	const magic = "\xff Go buildinf:"
	const headerSize = 32
	const flagsInline = 2
	if len(b) < headerSize || string(b[:len(magic)]) != magic || b[15]&flagsInline == 0 {
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

var (
	errNotELF = errors.New("not an ELF executable")
)

// parse reads the ELF headers and the pclntab header.
func (f *File) parse() (err error) {
	// debug/elf is fuzzed upstream but a corrupt file must never crash the
	// caller, so a panic in parsing is turned into an error.
	defer guard(&err)
	if !bytes.HasPrefix(f.data, []byte(elf.ELFMAG)) {
		return fmt.Errorf("%w%s", errNotELF, describeFormat(f.data))
	}
	ef, err := elf.NewFile(bytes.NewReader(f.data))
	if err != nil {
		return fmt.Errorf("bad ELF file: %w", err)
	}
	switch ef.Machine {
	case elf.EM_X86_64:
		f.arch = "amd64"
	case elf.EM_AARCH64:
		f.arch = "arm64"
	default:
		return fmt.Errorf("unsupported architecture %v (want amd64 or arm64)", ef.Machine)
	}
	if ef.Class != elf.ELFCLASS64 {
		return fmt.Errorf("unsupported ELF class %v", ef.Class)
	}
	if ef.Type != elf.ET_EXEC && ef.Type != elf.ET_DYN {
		return fmt.Errorf("ELF file of type %v is not an executable", ef.Type)
	}
	f.order = ef.ByteOrder
	for _, p := range ef.Progs {
		if p.Type == elf.PT_LOAD {
			f.loads = append(f.loads, segment{vaddr: p.Vaddr, memsz: p.Memsz, off: p.Off, filesz: p.Filesz, align: p.Align, exec: p.Flags&elf.PF_X != 0})
		}
	}
	f.buildID = gnuBuildID(ef, f.data)

	text := ef.Section(".text")
	if text == nil || text.Type != elf.SHT_PROGBITS {
		return errors.New("no .text section")
	}
	f.textLo, f.textHi = text.Addr, text.Addr+text.Size

	f.buildinfo, _ = f.sectionData(ef.Section(".go.buildinfo"))
	f.symtab = ef.Section(".symtab")
	f.strtab = ef.Section(".strtab")

	tab, tabAddr, err := f.sectionBytes(ef, ".gopclntab", ".data.rel.ro.gopclntab")
	if tab == nil && err == nil {
		tab, tabAddr = f.symbolRange("runtime.pclntab", "runtime.epclntab")
	}
	if err != nil {
		return err
	}
	if tab == nil {
		return errors.New("no Go symbol table (.gopclntab): not a Go program")
	}
	// Function entries are offsets from runtime.text, which is where the Go
	// linker starts .text. An external linker may put C code first; then
	// the entry point (_start) is not a Go function and runtime.text has
	// to be looked up in the symbol table. Scanning that table touches a
	// megabyte or more of a large binary, so it is done only then.
	f.pcln, err = parsePclntab(tab, f.order, f.textLo)
	if err != nil {
		return err
	}
	if !f.goEntry(ef.Entry) {
		if v, ok := f.symbolValue("runtime.text"); ok {
			f.pcln.textStart = v
		} else if v, ok := f.moduledataText(ef, tab, tabAddr); ok {
			// Externally linked and stripped: only the runtime's module
			// data still says where Go's text starts.
			f.pcln.textStart = v
		}
	}
	if lo, hi := f.pcln.textRange(); lo < f.textLo || hi > f.textHi || lo >= hi {
		return fmt.Errorf("Go pclntab covers %#x-%#x, outside .text %#x-%#x", lo, hi, f.textLo, f.textHi)
	}
	return nil
}

// goEntry reports whether the ELF entry point is the start of a Go function
// (_rt0_amd64_linux and friends) according to the pclntab as parsed.
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
// the pclntab), and returns its text field (runtime.text). The layout of
// the fields read is the same from Go 1.18 through 1.27.
func (f *File) moduledataText(ef *elf.File, tab []byte, tabAddr uint64) (uint64, bool) {
	if len(tab) < 8+5*8 {
		return 0, false
	}
	funcnameOff := f.order.Uint64(tab[8+3*8:])
	// The Go linker puts it in .noptrdata; external linkers have been seen
	// to put it in .data. Failing both, search every data segment.
	var regions [][]byte
	for _, name := range []string{".noptrdata", ".data"} {
		if b, ok := f.sectionData(ef.Section(name)); ok {
			regions = append(regions, b)
		}
	}
	for _, s := range f.loads {
		if !s.exec && s.off <= uint64(len(f.data)) && s.filesz <= uint64(len(f.data))-s.off {
			regions = append(regions, f.data[s.off:s.off+s.filesz])
		}
	}
	const (
		offFuncnametab = 8
		offMinPC       = 160
		offText        = 176
		size           = 192
	)
	for _, r := range regions {
		for i := 0; i+size <= len(r); i += 8 {
			if f.order.Uint64(r[i:]) != tabAddr || f.order.Uint64(r[i+offFuncnametab:]) != tabAddr+funcnameOff {
				continue
			}
			minpc, text := f.order.Uint64(r[i+offMinPC:]), f.order.Uint64(r[i+offText:])
			if text >= f.textLo && text < f.textHi && minpc == text+f.pcln.entryOff(0) {
				return text, true
			}
		}
	}
	return 0, false
}

// sectionBytes returns the contents of the first of the named sections that
// exists, as a slice of the mapping, and its address.
func (f *File) sectionBytes(ef *elf.File, names ...string) ([]byte, uint64, error) {
	for _, name := range names {
		s := ef.Section(name)
		if s == nil {
			continue
		}
		b, ok := f.sectionData(s)
		if !ok {
			return nil, 0, fmt.Errorf("section %s is truncated or compressed", name)
		}
		return b, s.Addr, nil
	}
	return nil, 0, nil
}

func (f *File) sectionData(s *elf.Section) ([]byte, bool) {
	if s == nil || s.Type == elf.SHT_NOBITS || s.Flags&elf.SHF_COMPRESSED != 0 {
		return nil, false
	}
	if s.Offset > uint64(len(f.data)) || s.Size > uint64(len(f.data))-s.Offset {
		return nil, false
	}
	return f.data[s.Offset : s.Offset+s.Size], true
}

// gnuBuildID returns the first NT_GNU_BUILD_ID note of the SHT_NOTE sections
// in hex, exactly as runtime/pprof's elfBuildID finds it.
func gnuBuildID(ef *elf.File, data []byte) string {
	for _, s := range ef.Sections {
		if s.Type != elf.SHT_NOTE || s.Offset > uint64(len(data)) || s.Size > uint64(len(data))-s.Offset {
			continue
		}
		notes := data[s.Offset : s.Offset+s.Size]
		for len(notes) >= 12 {
			nameSize := uint64(ef.ByteOrder.Uint32(notes[0:]))
			descSize := uint64(ef.ByteOrder.Uint32(notes[4:]))
			typ := ef.ByteOrder.Uint32(notes[8:])
			descOff := 12 + (nameSize+3)&^3
			end := descOff + (descSize+3)&^3
			if nameSize > uint64(len(notes)) || descSize > uint64(len(notes)) || descOff+descSize > uint64(len(notes)) {
				break
			}
			if nameSize == 4 && typ == 3 && string(notes[12:16]) == "GNU\x00" {
				return hex.EncodeToString(notes[descOff : descOff+descSize])
			}
			if end >= uint64(len(notes)) {
				break
			}
			notes = notes[end:]
		}
	}
	return ""
}

// describeFormat names the format of a file that is not ELF, so the error
// says what the file is rather than only what it is not.
func describeFormat(data []byte) string {
	switch {
	case len(data) >= 4 && (binary.LittleEndian.Uint32(data) == 0xfeedfacf || binary.LittleEndian.Uint32(data) == 0xfeedface || binary.BigEndian.Uint32(data) == 0xcafebabe):
		return " (Mach-O file: only ELF executables are supported)"
	case bytes.HasPrefix(data, []byte("MZ")):
		return " (PE file: only ELF executables are supported)"
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

// symIndex is the function symbols of .symtab sorted by address, kept as
// offsets into .strtab so that building it allocates one slice.
type symIndex struct {
	strtab []byte
	syms   []sym
}

type sym struct {
	addr    uint64
	nameOff uint32
}

const elf64SymSize = 24

// symbols returns the function symbol index, building it on first use;
// nil when the binary is stripped.
func (f *File) symbols() *symIndex {
	f.symsOnce.Do(func() {
		defer guard(nil)
		symtab, ok1 := f.sectionData(f.symtab)
		strtab, ok2 := f.sectionData(f.strtab)
		if !ok1 || !ok2 {
			return
		}
		idx := &symIndex{strtab: strtab}
		for off := elf64SymSize; off+elf64SymSize <= len(symtab); off += elf64SymSize {
			e := symtab[off : off+elf64SymSize]
			if elf.ST_TYPE(e[4]) != elf.STT_FUNC {
				continue
			}
			v := f.order.Uint64(e[8:])
			if v == 0 {
				continue
			}
			idx.syms = append(idx.syms, sym{addr: v, nameOff: f.order.Uint32(e[0:])})
		}
		sort.Slice(idx.syms, func(i, j int) bool { return idx.syms[i].addr < idx.syms[j].addr })
		f.syms = idx
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

// symbolValue scans .symtab for one symbol by name without building the
// index; used once at Open for runtime.text.
func (f *File) symbolValue(name string) (uint64, bool) {
	symtab, ok1 := f.sectionData(f.symtab)
	strtab, ok2 := f.sectionData(f.strtab)
	if !ok1 || !ok2 {
		return 0, false
	}
	for off := elf64SymSize; off+elf64SymSize <= len(symtab); off += elf64SymSize {
		e := symtab[off : off+elf64SymSize]
		nameOff := uint64(f.order.Uint32(e[0:]))
		if nameOff+uint64(len(name)) >= uint64(len(strtab)) {
			continue
		}
		if string(strtab[nameOff:nameOff+uint64(len(name))]) == name && strtab[nameOff+uint64(len(name))] == 0 {
			return f.order.Uint64(e[8:]), true
		}
	}
	return 0, false
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
