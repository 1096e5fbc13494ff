package binfile

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
)

// parsePE reads the headers of a PE executable (windows).
//
// A PE image is loaded whole, every section at ImageBase plus its relative
// virtual address (RVA); the sections play the part of ELF's segments.
func (f *File) parsePE() (layout, error) {
	pf, err := pe.NewFile(bytes.NewReader(f.data))
	if err != nil {
		return layout{}, fmt.Errorf("bad PE file: %w", err)
	}
	switch pf.Machine {
	case pe.IMAGE_FILE_MACHINE_AMD64:
		f.arch = "amd64"
	case pe.IMAGE_FILE_MACHINE_ARM64:
		f.arch = "arm64"
	default:
		return layout{}, fmt.Errorf("unsupported architecture %s (want amd64 or arm64)", peMachineName(pf.Machine))
	}
	oh, ok := pf.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		return layout{}, errors.New("PE file without a 64-bit (PE32+) optional header")
	}
	if pf.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 || pf.Characteristics&pe.IMAGE_FILE_DLL != 0 {
		return layout{}, fmt.Errorf("PE file with characteristics %#x is not an executable (a DLL or an object file)", pf.Characteristics)
	}
	f.order = binary.LittleEndian
	f.imageBase, f.imageSize = oh.ImageBase, uint64(oh.SizeOfImage)
	for _, s := range pf.Sections {
		// The raw data is padded to the file alignment; past VirtualSize
		// the loader maps zeros, not the padding.
		f.loads = append(f.loads, segment{
			vaddr:  f.imageBase + uint64(s.VirtualAddress),
			memsz:  uint64(s.VirtualSize),
			off:    uint64(s.Offset),
			filesz: uint64(min(s.Size, s.VirtualSize)),
			align:  uint64(oh.SectionAlignment),
			exec:   s.Characteristics&pe.IMAGE_SCN_MEM_EXECUTE != 0,
		})
	}

	text := peSection(pf, ".text")
	if text < 0 || pf.Sections[text].VirtualSize == 0 {
		return layout{}, errors.New("no .text section")
	}
	f.textLo = f.loads[text].vaddr
	f.textHi = f.textLo + f.loads[text].memsz

	if b, ok := f.peSectionData(peSection(pf, ".go.buildinfo")); ok {
		f.buildinfo = b
	} else if b, ok := f.peSectionData(peDataSection(pf)); ok {
		f.buildinfo = findBuildInfo(b)
	}

	if len(pf.Symbols) > 0 {
		t := &peSymtab{syms: pf.Symbols, textSect: int16(text + 1)}
		for _, s := range f.loads {
			t.sectAddr = append(t.sectAddr, s.vaddr)
		}
		f.symtab = t
	}

	// The pclntab is part of .rdata, between two symbols; a binary linked
	// with -s has no symbols, and the table is found by its header and the
	// module data that points at it.
	tab, tabAddr := f.symbolRange("runtime.pclntab", "runtime.epclntab")
	if tab == nil {
		tab, tabAddr = f.findPclntab(f.peDataRegions(pf))
	}
	if tab == nil {
		return layout{}, errors.New("no Go symbol table (runtime.pclntab): not a Go program")
	}
	var entry uint64
	if oh.AddressOfEntryPoint != 0 {
		entry = f.imageBase + uint64(oh.AddressOfEntryPoint)
	}
	return layout{textName: ".text", entry: entry, tab: tab, tabAddr: tabAddr, pf: pf}, nil
}

// peDataRegions lists where the module data may be: in .data (the Go
// linker merges .noptrdata into it); failing that, every data section.
func (f *File) peDataRegions(pf *pe.File) [][]byte {
	var regions [][]byte
	if b, ok := f.peSectionData(peSection(pf, ".data")); ok {
		regions = append(regions, b)
	}
	return append(regions, f.loadedData()...)
}

func peMachineName(m uint16) string {
	switch m {
	case pe.IMAGE_FILE_MACHINE_I386:
		return "386"
	case pe.IMAGE_FILE_MACHINE_ARMNT:
		return "arm"
	}
	return fmt.Sprintf("machine %#x", m)
}

// peSection returns the index of the section called name, or -1.
func peSection(pf *pe.File, name string) int {
	for i, s := range pf.Sections {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// IMAGE_SCN_ALIGN_32BYTES, which debug/pe does not export.
const peAlign32Bytes = 0x600000

// peDataSection returns the index of the first section of initialized,
// writable data, where the Go linker puts the build info: the section
// debug/buildinfo searches.
func peDataSection(pf *pe.File) int {
	const want = pe.IMAGE_SCN_CNT_INITIALIZED_DATA | pe.IMAGE_SCN_MEM_READ | pe.IMAGE_SCN_MEM_WRITE
	for i, s := range pf.Sections {
		if s.VirtualAddress != 0 && s.Size != 0 && s.Characteristics&^peAlign32Bytes == want {
			return i
		}
	}
	return -1
}

// peSectionData returns the file bytes of section i as loaded, false for a
// missing or truncated section.
func (f *File) peSectionData(i int) ([]byte, bool) {
	if i < 0 || i >= len(f.loads) {
		return nil, false
	}
	s := f.loads[i]
	return f.slice(s.off, s.filesz)
}

// peSymtab is the COFF symbol table, as debug/pe read it: short names are
// stored inline, so the names cannot be left in the file as ELF's are.
type peSymtab struct {
	syms     []*pe.Symbol
	sectAddr []uint64 // address of each section, by section number - 1
	textSect int16    // 1-based number of .text
}

// addr returns the address of a symbol defined in a section (COFF values
// are offsets into their section).
func (t *peSymtab) addr(s *pe.Symbol) (uint64, bool) {
	if s.SectionNumber < 1 || int(s.SectionNumber) > len(t.sectAddr) {
		return 0, false
	}
	return t.sectAddr[s.SectionNumber-1] + uint64(s.Value), true
}

func (t *peSymtab) index() *symIndex {
	idx := &symIndex{}
	for _, s := range t.syms {
		if s.SectionNumber != t.textSect || s.Name == "" {
			continue
		}
		a, _ := t.addr(s)
		idx.syms = append(idx.syms, sym{addr: a, nameOff: uint32(len(idx.strtab))})
		idx.strtab = append(append(idx.strtab, s.Name...), 0)
	}
	idx.sort()
	return idx
}

func (t *peSymtab) value(name string) (uint64, bool) {
	for _, s := range t.syms {
		if s.Name == name {
			if a, ok := t.addr(s); ok {
				return a, true
			}
		}
	}
	return 0, false
}
