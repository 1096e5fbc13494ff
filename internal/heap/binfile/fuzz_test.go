package binfile

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/pprof/profile"
)

// miniELF builds the smallest executable Open accepts: an amd64 ELF with
// one PT_LOAD segment, a .text of two functions where main.a calls main.b,
// and a Go 1.20+ pclntab describing them (main.a on lines 10-11 of a.go).
// It gives the fuzzer a seed that reaches every parser.
func miniELF() []byte {
	le := binary.LittleEndian
	const (
		base    = 0x400000
		textOff = 0x100
		textLen = 32
	)
	// main.a: CALL main.b; RET; padding. main.b at +16: RET.
	text := make([]byte, textLen)
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
	le.PutUint32(functab[16:], textLen)
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
	pcln := bytes.Join([][]byte{hdr.Bytes(), funcnames, cutab, filetab, pctab, pclntable}, nil)

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
		m := &profile.Mapping{ID: 1, Start: 0x400000, Limit: 0x401000}
		var locs []*profile.Location
		for _, addr := range []uint64{0x400104, 0x400105, 0x400112, 0x400000, 0x400fff} {
			locs = append(locs, &profile.Location{Mapping: m, Address: addr, Line: []profile.Line{{Function: &profile.Function{Name: "main.a", Filename: "a.go"}, Line: 10}}})
			bf.CalleeAt(addr)
		}
		for _, loc := range locs {
			bf.Callee(loc)
		}
		bf.Match(&profile.Profile{Mapping: []*profile.Mapping{m}, Location: locs})
	})
}
