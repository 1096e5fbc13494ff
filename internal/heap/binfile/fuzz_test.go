package binfile

import (
	"bytes"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/pprof/profile"
)

// miniCode returns the text and the Go 1.20+ pclntab of two functions,
// main.a calling main.b (main.a on lines 10-11 of a.go, main.b on line 20),
// for the smallest executables Open accepts.
func miniCode() (text, pcln []byte) {
	le := binary.LittleEndian
	// main.a: CALL main.b; RET; padding. main.b at +16: RET.
	text = make([]byte, miniTextLen)
	for i := range text {
		text[i] = 0xcc
	}
	text[0] = 0xe8
	le.PutUint32(text[1:], 16-5) // rel32 from the end of the call to main.b
	text[5] = 0xc3
	text[16] = 0xc3

	// pclntab: header, then funcnametab, cutab, filetab, pctab, pclntable.
	funcnames := []byte("main.a\x00main.b\x00")
	cutab := make([]byte, 4) // one file index: offset 0 in filetab
	filetab := []byte("a.go\x00")
	// pctab: a leading 0 so that no table is at offset 0; then pcln for
	// main.a (line 10 for 5 bytes, 11 for 11 more), pcfile (file 0 for 16),
	// pcln for main.b (line 20 for 16 bytes).
	pctab := []byte{0,
		22, 5, 2, 11, 0, // pcln a at 1: -1+11=10 for 5 bytes, +1=11 for 11 bytes
		2, 16, 0, // pcfile at 6: -1+1=0 for 16 bytes
		42, 16, 0, // pcln b at 9: -1+21=20 for 16 bytes
	}
	funcRec := func(entryOff uint32, nameOff int32, pcfile, pcln uint32) []byte {
		r := make([]byte, 44)
		le.PutUint32(r[0:], entryOff)
		le.PutUint32(r[4:], uint32(nameOff))
		le.PutUint32(r[20:], pcfile)
		le.PutUint32(r[24:], pcln)
		return r
	}
	functab := make([]byte, 20)
	le.PutUint32(functab[0:], 0)
	le.PutUint32(functab[4:], 20)
	le.PutUint32(functab[8:], 16)
	le.PutUint32(functab[12:], 64)
	le.PutUint32(functab[16:], miniTextLen)
	pclntable := append(append(functab, funcRec(0, 0, 6, 1)...), funcRec(16, 7, 6, 9)...)

	var hdr bytes.Buffer
	binary.Write(&hdr, le, uint32(magicGo120))
	hdr.Write([]byte{0, 0, 1, 8})
	off := uint64(8 + 8*8)
	words := []uint64{2, 1, 0}
	for _, tab := range [][]byte{funcnames, cutab, filetab, pctab} {
		words = append(words, off)
		off += uint64(len(tab))
	}
	words = append(words, off)
	for _, w := range words {
		binary.Write(&hdr, le, w)
	}
	return text, bytes.Join([][]byte{hdr.Bytes(), funcnames, cutab, filetab, pctab, pclntable}, nil)
}

const miniTextLen = 32

// miniELF builds the smallest ELF executable Open accepts: amd64, one
// PT_LOAD segment, a .text and a .gopclntab holding miniCode. It gives the
// fuzzer a seed that reaches every parser.
func miniELF() []byte {
	le := binary.LittleEndian
	const (
		base    = 0x400000
		textOff = 0x100
		textLen = miniTextLen
	)
	text, pcln := miniCode()

	shstrtab := []byte("\x00.text\x00.gopclntab\x00.shstrtab\x00")
	pclnOff := uint64(textOff + textLen)
	shstrOff := pclnOff + uint64(len(pcln))
	shOff := (shstrOff + uint64(len(shstrtab)) + 7) &^ 7

	out := make([]byte, shOff+4*64)
	copy(out, "\x7fELF\x02\x01\x01")
	le.PutUint16(out[16:], 2)  // ET_EXEC
	le.PutUint16(out[18:], 62) // EM_X86_64
	le.PutUint32(out[20:], 1)
	le.PutUint64(out[24:], base+textOff)
	le.PutUint64(out[32:], 64) // phoff
	le.PutUint64(out[40:], shOff)
	le.PutUint16(out[52:], 64)
	le.PutUint16(out[54:], 56)
	le.PutUint16(out[56:], 1)
	le.PutUint16(out[58:], 64)
	le.PutUint16(out[60:], 4)
	le.PutUint16(out[62:], 3)
	ph := out[64:]
	le.PutUint32(ph[0:], 1) // PT_LOAD
	le.PutUint32(ph[4:], 5) // R+X
	le.PutUint64(ph[16:], base)
	le.PutUint64(ph[24:], base)
	le.PutUint64(ph[32:], uint64(len(out)))
	le.PutUint64(ph[40:], uint64(len(out)))
	copy(out[textOff:], text)
	copy(out[pclnOff:], pcln)
	copy(out[shstrOff:], shstrtab)
	section := func(i int, name, typ uint32, addr, off, size uint64) {
		sh := out[shOff+uint64(i)*64:]
		le.PutUint32(sh[0:], name)
		le.PutUint32(sh[4:], typ)
		le.PutUint64(sh[16:], addr)
		le.PutUint64(sh[24:], off)
		le.PutUint64(sh[32:], size)
		le.PutUint64(sh[48:], 1)
	}
	section(1, 1, 1, base+textOff, textOff, textLen)
	section(2, 7, 1, base+pclnOff, pclnOff, uint64(len(pcln)))
	section(3, 18, 3, 0, shstrOff, uint64(len(shstrtab)))
	return out
}

// miniMachO builds the smallest Mach-O executable Open accepts: amd64, one
// __TEXT segment holding the header, __text and __gopclntab (miniCode),
// and an LC_MAIN entry point.
func miniMachO() []byte {
	le := binary.LittleEndian
	const (
		base    = 0x100000000
		textOff = 0x200
	)
	text, pcln := miniCode()
	pclnOff := uint64(textOff + len(text))
	out := make([]byte, pclnOff+uint64(len(pcln)))
	const segCmdSize = 72 + 2*80
	le.PutUint32(out[0:], macho.Magic64)
	le.PutUint32(out[4:], uint32(macho.CpuAmd64))
	le.PutUint32(out[8:], 3)
	le.PutUint32(out[12:], uint32(macho.TypeExec))
	le.PutUint32(out[16:], 2)             // ncmds
	le.PutUint32(out[20:], segCmdSize+24) // sizeofcmds
	seg := out[32:]
	le.PutUint32(seg[0:], uint32(macho.LoadCmdSegment64))
	le.PutUint32(seg[4:], segCmdSize)
	copy(seg[8:], "__TEXT")
	le.PutUint64(seg[24:], base)
	le.PutUint64(seg[32:], 0x4000)
	le.PutUint64(seg[40:], 0)
	le.PutUint64(seg[48:], uint64(len(out)))
	le.PutUint32(seg[56:], 5) // maxprot r-x
	le.PutUint32(seg[60:], 5) // initprot r-x
	le.PutUint32(seg[64:], 2) // nsects
	section := func(i int, name string, off, size uint64) {
		sh := seg[72+80*i:]
		copy(sh[0:], name)
		copy(sh[16:], "__TEXT")
		le.PutUint64(sh[32:], base+off)
		le.PutUint64(sh[40:], size)
		le.PutUint32(sh[48:], uint32(off))
	}
	section(0, "__text", textOff, uint64(len(text)))
	section(1, "__gopclntab", pclnOff, uint64(len(pcln)))
	main := out[32+segCmdSize:]
	le.PutUint32(main[0:], machoLCMain)
	le.PutUint32(main[4:], 24)
	le.PutUint64(main[8:], textOff)
	copy(out[textOff:], text)
	copy(out[pclnOff:], pcln)
	return out
}

// miniPE builds the smallest PE executable Open accepts: amd64, .text
// (miniCode's text), .rdata (its pclntab) and .data (build info, then the
// module data pointing at the pclntab), and no symbols, as linked with -s:
// the pclntab must be found through the module data.
func miniPE() []byte {
	le := binary.LittleEndian
	const (
		imageBase = 0x140000000
		textRVA   = 0x1000
		rdataRVA  = 0x2000
		dataRVA   = 0x3000
		textOff   = 0x200
		rdataOff  = 0x400
	)
	text, pcln := miniCode()
	dataOff := (rdataOff + len(pcln) + 0x1ff) &^ 0x1ff

	data := make([]byte, 64+moduledataSize)
	copy(data, buildInfoMagic)
	data[14], data[15] = 8, 2 // pointer size, strings inline
	copy(data[32:], "\x06go1.99\x00")
	md := data[64:]
	le.PutUint64(md[0:], imageBase+rdataRVA)
	le.PutUint64(md[mdFuncnametab:], imageBase+rdataRVA+le.Uint64(pcln[8+3*8:]))
	pclnOff := le.Uint64(pcln[8+7*8:])
	le.PutUint64(md[mdPclntable:], imageBase+rdataRVA+pclnOff)
	le.PutUint64(md[mdPclntable+8:], uint64(len(pcln))-pclnOff)
	le.PutUint64(md[mdMinPC:], imageBase+textRVA)
	le.PutUint64(md[mdText:], imageBase+textRVA)

	out := make([]byte, dataOff+0x200)
	copy(out, "MZ")
	le.PutUint32(out[0x3c:], 0x40)
	copy(out[0x40:], "PE\x00\x00")
	coff := out[0x44:]
	le.PutUint16(coff[0:], pe.IMAGE_FILE_MACHINE_AMD64)
	le.PutUint16(coff[2:], 3)    // sections
	le.PutUint16(coff[16:], 240) // optional header size
	le.PutUint16(coff[18:], pe.IMAGE_FILE_EXECUTABLE_IMAGE|pe.IMAGE_FILE_LARGE_ADDRESS_AWARE)
	oh := coff[20:]
	le.PutUint16(oh[0:], 0x20b) // PE32+
	le.PutUint32(oh[16:], textRVA)
	le.PutUint64(oh[24:], imageBase)
	le.PutUint32(oh[32:], 0x1000) // section alignment
	le.PutUint32(oh[36:], 0x200)  // file alignment
	le.PutUint32(oh[56:], 0x4000) // image size
	le.PutUint32(oh[60:], 0x200)  // headers size
	le.PutUint32(oh[108:], 16)    // data directories
	section := func(i int, name string, rva, vsize, off, size, chars uint32) {
		sh := oh[240+40*i:]
		copy(sh, name)
		le.PutUint32(sh[8:], vsize)
		le.PutUint32(sh[12:], rva)
		le.PutUint32(sh[16:], size)
		le.PutUint32(sh[20:], off)
		le.PutUint32(sh[36:], chars)
	}
	section(0, ".text", textRVA, uint32(len(text)), textOff, 0x200, pe.IMAGE_SCN_CNT_CODE|pe.IMAGE_SCN_MEM_EXECUTE|pe.IMAGE_SCN_MEM_READ)
	section(1, ".rdata", rdataRVA, uint32(len(pcln)), rdataOff, uint32(dataOff-rdataOff), pe.IMAGE_SCN_CNT_INITIALIZED_DATA|pe.IMAGE_SCN_MEM_READ)
	section(2, ".data", dataRVA, uint32(len(data)), uint32(dataOff), 0x200, pe.IMAGE_SCN_CNT_INITIALIZED_DATA|pe.IMAGE_SCN_MEM_READ|pe.IMAGE_SCN_MEM_WRITE)
	copy(out[textOff:], text)
	copy(out[rdataOff:], pcln)
	copy(out[dataOff:], data)
	return out
}

// TestMiniMachOPE checks that the synthetic Mach-O and PE seeds are read
// as the real binaries are, through each format's address translation.
func TestMiniMachOPE(t *testing.T) {
	for _, tc := range []struct {
		name      string
		data      []byte
		call      uint64 // link-time address of the CALL in main.a
		start     uint64 // where the profile's mapping starts
		limit     uint64
		toProfile uint64 // added to a link-time address
		goVersion string
	}{
		{"mach-o", miniMachO(), 0x100000200, 0x100000000 + 0x8000, 0x100000000 + 0x8000 + 0x4000, 0x8000, ""},
		{"pe", miniPE(), 0x140001000, 0x7ff700000000, 0x7ff700000000 + 0x4000, 0x7ff700000000 - 0x140000000, "go1.99"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "mini")
			if err := os.WriteFile(path, tc.data, 0o755); err != nil {
				t.Fatal(err)
			}
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Arch() != "amd64" || f.GoVersion() != tc.goVersion {
				t.Errorf("Arch() = %q, GoVersion() = %q; want amd64, %q", f.Arch(), f.GoVersion(), tc.goVersion)
			}
			if name, ok := f.CalleeAt(tc.call + 4); !ok || name != "main.b" {
				t.Errorf("CalleeAt(call end - 1) = %q, %v; want main.b", name, ok)
			}
			fn := func(name string) *profile.Function { return &profile.Function{Name: name, Filename: "a.go"} }
			m := &profile.Mapping{ID: 1, Start: tc.start, Limit: tc.limit, File: path}
			p := &profile.Profile{Mapping: []*profile.Mapping{m}, Location: []*profile.Location{
				{ID: 1, Mapping: m, Address: tc.call + 4 + tc.toProfile, Line: []profile.Line{{Function: fn("main.a"), Line: 10}}},
				{ID: 2, Mapping: m, Address: tc.call + 18 + tc.toProfile, Line: []profile.Line{{Function: fn("main.b"), Line: 20}}},
			}}
			if err := f.Match(p); err != nil {
				t.Errorf("Match = %v", err)
			}
			if name, ok := f.Callee(p.Location[0]); !ok || name != "main.b" {
				t.Errorf("Callee(%#x in mapping at %#x) = %q, %v; want main.b", p.Location[0].Address, m.Start, name, ok)
			}
			p.Location[0].Line[0].Line = 11
			if err := f.Match(p); err == nil {
				t.Error("Match accepted a location on the wrong line")
			}
		})
	}
}

func TestMiniELF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mini")
	if err := os.WriteFile(path, miniELF(), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if name, ok := f.CalleeAt(0x400100 + 4); !ok || name != "main.b" {
		t.Errorf("CalleeAt(call end - 1) = %q, %v; want main.b", name, ok)
	}
	if name, ok := f.CalleeAt(0x400100 + 16 + 1); ok {
		t.Errorf("CalleeAt(after RET) = %q, want no call", name)
	}
	fn := func(name string) *profile.Function { return &profile.Function{Name: name, Filename: "a.go"} }
	m := &profile.Mapping{ID: 1, Start: 0x400000, Limit: 0x401000}
	p := &profile.Profile{Mapping: []*profile.Mapping{m}, Location: []*profile.Location{
		{ID: 1, Mapping: m, Address: 0x400104, Line: []profile.Line{{Function: fn("main.a"), Line: 10}}},
		{ID: 2, Mapping: m, Address: 0x400112, Line: []profile.Line{{Function: fn("main.b"), Line: 20}}},
	}}
	if err := f.Match(p); err != nil {
		t.Errorf("Match = %v", err)
	}
	p.Location[0].Line[0].Line = 11
	if err := f.Match(p); err == nil {
		t.Error("Match accepted a location on the wrong line")
	}
}

// FuzzOpen feeds arbitrary bytes to Open and, when it accepts them, to
// every query: none may panic.
func FuzzOpen(f *testing.F) {
	mini := miniELF()
	f.Add(mini)
	f.Add(mini[:64])
	f.Add([]byte{})
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Add([]byte("MZ"))
	mini = miniMachO()
	f.Add(mini)
	f.Add(mini[:32+72+80])
	mini = miniPE()
	f.Add(mini)
	f.Add(mini[:0x200])
	f.Add([]byte("\xca\xfe\xba\xbe\x00\x00\x00\x02\x01\x00\x00\x07\x00\x00\x00\x03\x00\x00\x40\x00"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		bf, err := Open(path)
		if err != nil {
			return
		}
		defer bf.Close()
		bf.Arch()
		bf.BuildID()
		bf.GoVersion()
		bf.MainModule()
		// Addresses of the ELF, Mach-O and PE seeds, as link-time
		// addresses and in a mapping at the link address and elsewhere.
		for _, m := range []*profile.Mapping{
			{ID: 1, Start: 0x400000, Limit: 0x401000},
			{ID: 1, Start: 0x100000000, Limit: 0x100004000},
			{ID: 1, Start: 0x140000000, Limit: 0x140004000},
			{ID: 1, Start: 0x7ff700000000, Limit: 0x7ff700004000},
		} {
			var locs []*profile.Location
			for _, off := range []uint64{0x104, 0x105, 0x112, 0x204, 0x1004, 0, 0xfff} {
				addr := m.Start + off
				locs = append(locs, &profile.Location{Mapping: m, Address: addr, Line: []profile.Line{{Function: &profile.Function{Name: "main.a", Filename: "a.go"}, Line: 10}}})
				bf.CalleeAt(addr)
			}
			for _, loc := range locs {
				bf.Callee(loc)
			}
			bf.Match(&profile.Profile{Mapping: []*profile.Mapping{m}, Location: locs})
		}
	})
}
