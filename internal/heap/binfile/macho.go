package binfile

import (
	"bytes"
	"debug/macho"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Mach-O constants debug/macho does not export.
const (
	machoMagicFat64 = 0xcafebabf
	machoProtExec   = 4          // VM_PROT_EXECUTE
	machoLCMain     = 0x80000028 // LC_MAIN: entry point as a file offset
	machoLCThread   = 0x5        // LC_UNIXTHREAD: entry point in the initial registers
	machoNlistSize  = 16         // struct nlist_64
	machoNStab      = 0xe0       // n_type bits of debugger symbols
	machoNTypeMask  = 0x0e
	machoNSect      = 0x0e // n_type of a symbol defined in a section
	// Segments are aligned to pages: 4 KB on amd64, 16 KB on arm64. The Go
	// linker aligns __TEXT to 16 KB on both, so rounding to the larger
	// page never changes its size.
	machoSegAlign = 0x4000
)

func isMachO(data []byte) bool {
	if len(data) < 4 {
		return false
	}
	le, be := binary.LittleEndian.Uint32(data), binary.BigEndian.Uint32(data)
	return le == macho.Magic32 || le == macho.Magic64 || be == macho.Magic32 || be == macho.Magic64
}

func isFat(data []byte) bool {
	return len(data) >= 4 && (binary.BigEndian.Uint32(data) == macho.MagicFat || binary.BigEndian.Uint32(data) == machoMagicFat64)
}

// fatError refuses a universal Mach-O file, naming the architectures in
// it. Picking one would be a guess: a profile does not record the
// architecture of the process that wrote it, and `lipo -thin` extracts the
// right one in a moment.
func fatError(data []byte) error {
	entSize := uint64(20) // struct fat_arch
	if binary.BigEndian.Uint32(data) == machoMagicFat64 {
		entSize = 32
	}
	// Java class files share the magic; their next word, the class file
	// version, is larger than any real count of architectures.
	var n uint64
	if len(data) >= 8 {
		n = uint64(binary.BigEndian.Uint32(data[4:]))
	}
	if n == 0 || n > 20 || 8+n*entSize > uint64(len(data)) {
		return errNotExec
	}
	var names []string
	for i := uint64(0); i < n; i++ {
		names = append(names, machoCPUName(macho.Cpu(binary.BigEndian.Uint32(data[8+i*entSize:]))))
	}
	return fmt.Errorf("universal Mach-O file (%s): extract the architecture that wrote the profile with lipo -thin ARCH and give that file", strings.Join(names, ", "))
}

// machoCPUName names a CPU type as lipo does.
func machoCPUName(c macho.Cpu) string {
	switch c {
	case macho.CpuAmd64:
		return "x86_64"
	case macho.CpuArm64:
		return "arm64"
	case macho.Cpu386:
		return "i386"
	case macho.CpuArm:
		return "arm"
	case macho.CpuPpc:
		return "ppc"
	case macho.CpuPpc64:
		return "ppc64"
	}
	return fmt.Sprintf("cpu %#x", uint32(c))
}

// parseMachO reads the headers of a Mach-O executable (darwin).
func (f *File) parseMachO() (layout, error) {
	mf, err := macho.NewFile(bytes.NewReader(f.data))
	if err != nil {
		return layout{}, fmt.Errorf("bad Mach-O file: %w", err)
	}
	switch mf.Cpu {
	case macho.CpuAmd64:
		f.arch = "amd64"
	case macho.CpuArm64:
		f.arch = "arm64"
	default:
		return layout{}, fmt.Errorf("unsupported architecture %s (want amd64 or arm64)", machoCPUName(mf.Cpu))
	}
	if mf.Magic != macho.Magic64 {
		return layout{}, errors.New("unsupported 32-bit Mach-O file")
	}
	if mf.Type != macho.TypeExec {
		return layout{}, fmt.Errorf("Mach-O file of type %v is not an executable", mf.Type)
	}
	f.order = mf.ByteOrder
	for _, l := range mf.Loads {
		s, ok := l.(*macho.Segment)
		// __PAGEZERO maps nothing from the file; __DWARF is not loaded.
		if !ok || s.Filesz == 0 || s.Memsz == 0 {
			continue
		}
		f.loads = append(f.loads, segment{vaddr: s.Addr, memsz: s.Memsz, off: s.Offset, filesz: min(s.Filesz, s.Memsz), align: machoSegAlign, exec: s.Prot&machoProtExec != 0})
	}

	textIdx := machoSection(mf, "__TEXT", "__text")
	if textIdx < 0 {
		return layout{}, errors.New("no __TEXT,__text section")
	}
	text := mf.Sections[textIdx]
	f.textLo, f.textHi = text.Addr, text.Addr+text.Size

	if b, ok := f.machoSectionData(mf, machoSection(mf, "", "__go_buildinfo")); ok {
		f.buildinfo = b
	} else {
		// debug/buildinfo's fallback: the first writable segment.
		for _, l := range mf.Loads {
			if s, ok := l.(*macho.Segment); ok && s.Addr != 0 && s.Filesz != 0 && s.Prot == 3 && s.Maxprot == 3 {
				if b, ok := f.slice(s.Offset, s.Filesz); ok {
					f.buildinfo = findBuildInfo(b)
				}
				break
			}
		}
	}

	if st := mf.Symtab; st != nil {
		syms, ok1 := f.slice(uint64(st.Symoff), uint64(st.Nsyms)*machoNlistSize)
		strtab, ok2 := f.slice(uint64(st.Stroff), uint64(st.Strsize))
		if ok1 && ok2 && textIdx < 255 {
			f.symtab = &machoSymtab{order: f.order, syms: syms, strtab: strtab, textSect: uint8(textIdx + 1)}
		}
	}

	// The Go linker puts the pclntab in __TEXT,__gopclntab (Go 1.26) or
	// __DATA_CONST,__gopclntab (Go 1.23); any segment will do.
	var tab []byte
	var tabAddr uint64
	if i := machoSection(mf, "", "__gopclntab"); i >= 0 {
		b, ok := f.machoSectionData(mf, i)
		if !ok {
			return layout{}, errors.New("section __gopclntab is truncated")
		}
		tab, tabAddr = b, mf.Sections[i].Addr
	} else if tab, tabAddr = f.symbolRange("runtime.pclntab", "runtime.epclntab"); tab == nil {
		tab, tabAddr = f.findPclntab(f.machoDataRegions(mf))
	}
	if tab == nil {
		return layout{}, errors.New("no Go symbol table (__gopclntab): not a Go program")
	}
	return layout{textName: "__text", entry: f.machoEntry(mf), tab: tab, tabAddr: tabAddr, mf: mf}, nil
}

// machoDataRegions lists where the module data may be: in __go_module (Go
// 1.26), __noptrdata (Go 1.23); failing those, every data segment.
func (f *File) machoDataRegions(mf *macho.File) [][]byte {
	var regions [][]byte
	for _, name := range []string{"__go_module", "__noptrdata", "__data"} {
		if b, ok := f.machoSectionData(mf, machoSection(mf, "", name)); ok {
			regions = append(regions, b)
		}
	}
	return append(regions, f.loadedData()...)
}

// machoSection returns the index of the section called name in segment
// seg (any segment when seg is ""), or -1.
func machoSection(mf *macho.File, seg, name string) int {
	for i, s := range mf.Sections {
		if s.Name == name && (seg == "" || s.Seg == seg) {
			return i
		}
	}
	return -1
}

// machoSectionData returns the file bytes of section i; false for a
// missing, zero-filled or truncated section.
func (f *File) machoSectionData(mf *macho.File, i int) ([]byte, bool) {
	if i < 0 {
		return nil, false
	}
	s := mf.Sections[i]
	switch s.Flags & 0xff { // S_ZEROFILL, S_GB_ZEROFILL, S_THREAD_LOCAL_ZEROFILL
	case 0x1, 0xc, 0x12:
		return nil, false
	}
	return f.slice(uint64(s.Offset), s.Size)
}

// machoEntry returns the address of the entry point: LC_MAIN gives it as a
// file offset, the older LC_UNIXTHREAD (darwin/amd64 binaries of the Go
// linker) as the initial program counter.
func (f *File) machoEntry(mf *macho.File) uint64 {
	for _, l := range mf.Loads {
		raw := l.Raw()
		if len(raw) < 16 {
			continue
		}
		switch f.order.Uint32(raw) {
		case machoLCMain:
			if addr, ok := f.offsetToAddr(f.order.Uint64(raw[8:])); ok {
				return addr
			}
		case machoLCThread:
			// x86_THREAD_STATE64 (flavor 4): rip is register 16;
			// ARM_THREAD_STATE64 (flavor 6): pc is register 32.
			pc := -1
			switch flavor := f.order.Uint32(raw[8:]); {
			case f.arch == "amd64" && flavor == 4:
				pc = 16 + 16*8
			case f.arch == "arm64" && flavor == 6:
				pc = 16 + 32*8
			}
			if pc > 0 && len(raw) >= pc+8 {
				return f.order.Uint64(raw[pc:])
			}
		}
	}
	return 0
}

// machoSymtab is the LC_SYMTAB symbols and strings, as slices of the
// mapping: read in place as the ELF table is, rather than through the
// names debug/macho copied.
type machoSymtab struct {
	order        binary.ByteOrder
	syms, strtab []byte
	textSect     uint8 // 1-based number of __TEXT,__text
}

func (t *machoSymtab) index() *symIndex {
	idx := &symIndex{strtab: t.strtab}
	for off := 0; off+machoNlistSize <= len(t.syms); off += machoNlistSize {
		e := t.syms[off : off+machoNlistSize]
		if e[4]&machoNStab != 0 || e[4]&machoNTypeMask != machoNSect || e[5] != t.textSect {
			continue
		}
		if v := t.order.Uint64(e[8:]); v != 0 {
			idx.syms = append(idx.syms, sym{addr: v, nameOff: t.order.Uint32(e[0:])})
		}
	}
	idx.sort()
	return idx
}

func (t *machoSymtab) value(name string) (uint64, bool) {
	for off := 0; off+machoNlistSize <= len(t.syms); off += machoNlistSize {
		e := t.syms[off : off+machoNlistSize]
		if e[4]&machoNStab != 0 || e[4]&machoNTypeMask != machoNSect {
			continue
		}
		if cstringIs(t.strtab, uint64(t.order.Uint32(e[0:])), name) {
			return t.order.Uint64(e[8:]), true
		}
	}
	return 0, false
}
