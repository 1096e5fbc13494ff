package binfile

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
)

// parseELF reads the headers of an ELF executable (linux and the BSDs).
func (f *File) parseELF() (layout, error) {
	ef, err := elf.NewFile(bytes.NewReader(f.data))
	if err != nil {
		return layout{}, fmt.Errorf("bad ELF file: %w", err)
	}
	switch ef.Machine {
	case elf.EM_X86_64:
		f.arch = "amd64"
	case elf.EM_AARCH64:
		f.arch = "arm64"
	default:
		return layout{}, fmt.Errorf("unsupported architecture %v (want amd64 or arm64)", ef.Machine)
	}
	if ef.Class != elf.ELFCLASS64 {
		return layout{}, fmt.Errorf("unsupported ELF class %v", ef.Class)
	}
	if ef.Type != elf.ET_EXEC && ef.Type != elf.ET_DYN {
		return layout{}, fmt.Errorf("ELF file of type %v is not an executable", ef.Type)
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
		return layout{}, errors.New("no .text section")
	}
	f.textLo, f.textHi = text.Addr, text.Addr+text.Size

	f.buildinfo, _ = f.sectionData(ef.Section(".go.buildinfo"))
	symtab, ok1 := f.sectionData(ef.Section(".symtab"))
	strtab, ok2 := f.sectionData(ef.Section(".strtab"))
	if ok1 && ok2 {
		f.elfSyms = elfSymtab{order: f.order, symtab: symtab, strtab: strtab}
		f.symtab = &f.elfSyms
	}

	tab, tabAddr, err := f.sectionBytes(ef, ".gopclntab", ".data.rel.ro.gopclntab")
	if tab == nil && err == nil {
		tab, tabAddr = f.symbolRange("runtime.pclntab", "runtime.epclntab")
	}
	if err != nil {
		return layout{}, err
	}
	if tab == nil {
		return layout{}, errors.New("no Go symbol table (.gopclntab): not a Go program")
	}
	return layout{textName: ".text", entry: ef.Entry, tab: tab, tabAddr: tabAddr, ef: ef}, nil
}

// elfDataRegions lists where the module data may be: the Go linker puts it
// in .noptrdata; external linkers have been seen to put it in .data.
// Failing both, search every data segment.
func (f *File) elfDataRegions(ef *elf.File) [][]byte {
	var regions [][]byte
	for _, name := range []string{".noptrdata", ".data"} {
		if b, ok := f.sectionData(ef.Section(name)); ok {
			regions = append(regions, b)
		}
	}
	return append(regions, f.loadedData()...)
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

// elfSymtab is .symtab and .strtab, as slices of the mapping.
type elfSymtab struct {
	order          binary.ByteOrder
	symtab, strtab []byte
}

const elf64SymSize = 24

func (t *elfSymtab) index() *symIndex {
	idx := &symIndex{strtab: t.strtab}
	for off := elf64SymSize; off+elf64SymSize <= len(t.symtab); off += elf64SymSize {
		e := t.symtab[off : off+elf64SymSize]
		if elf.ST_TYPE(e[4]) != elf.STT_FUNC {
			continue
		}
		v := t.order.Uint64(e[8:])
		if v == 0 {
			continue
		}
		idx.syms = append(idx.syms, sym{addr: v, nameOff: t.order.Uint32(e[0:])})
	}
	idx.sort()
	return idx
}

func (t *elfSymtab) value(name string) (uint64, bool) {
	for off := elf64SymSize; off+elf64SymSize <= len(t.symtab); off += elf64SymSize {
		e := t.symtab[off : off+elf64SymSize]
		if cstringIs(t.strtab, uint64(t.order.Uint32(e[0:])), name) {
			return t.order.Uint64(e[8:]), true
		}
	}
	return 0, false
}
