package binfile

import (
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

// The Mach-O and PE tests cross-compile heapprog (CGO_ENABLED=0, which
// heaptest sets) and check the binaries without running them: against
// `go tool objdump`, which reads both formats, and against profiles made
// as runtime/pprof on darwin and windows would write them.
var crossTargets = []struct {
	goos, goarch, format string
}{
	{"darwin", "amd64", "Mach-O"},
	{"darwin", "arm64", "Mach-O"},
	{"windows", "amd64", "PE"},
	{"windows", "arm64", "PE"},
}

// TestMachOAndPE checks, for each target, binaries built with and without
// -trimpath, each also linked with -s -w: Open reads what the binary says
// about itself, and Callee agrees with `go tool objdump` at every call in
// the main package. A stripped binary is checked against its unstripped
// twin's disassembly (objdump cannot list a stripped binary's functions).
//
// Then a profile is made of the -trimpath build's calls, with the mapping
// runtime/pprof records on that system, for the build and for its stripped
// twin: Match accepts it, and Callee names every call's target through the
// mapping; Match refuses it for a build of the source with one line added
// above the allocation sites, and refuses a mapping larger than the
// binary's text segment (on windows, its image).
func TestMachOAndPE(t *testing.T) {
	prog := newProgram(t, "heapprog", nil)
	modified := newProgram(t, "heapprog", func(s string) string {
		return strings.Replace(s, "//go:noinline\nfunc grow(", "var extra = 1\n\n//go:noinline\nfunc grow(", 1)
	})
	for _, tg := range crossTargets {
		t.Run(tg.goos+"-"+tg.goarch, func(t *testing.T) {
			env := []string{"GOOS=" + tg.goos, "GOARCH=" + tg.goarch}
			compared := 0
			for _, trim := range [][]string{nil, {"-trimpath"}} {
				exe := prog.build(t, "local", env, trim...)
				stripped := prog.build(t, "local", env, append(trim, "-ldflags=-s -w")...)
				calls := objdumpCalls(t, exe)
				for _, path := range []string{exe, stripped} {
					f, err := Open(path)
					if err != nil {
						t.Fatal(err)
					}
					if f.format != tg.format || f.Arch() != tg.goarch {
						t.Errorf("%s: format %s, Arch() = %q; want %s, %s", path, f.format, f.Arch(), tg.format, tg.goarch)
					}
					if f.GoVersion() != runtime.Version() || f.MainModule() != "example.com/heapprog" {
						t.Errorf("%s: GoVersion() = %q, MainModule() = %q; want %s, example.com/heapprog", path, f.GoVersion(), f.MainModule(), runtime.Version())
					}
					if f.BuildID() != "" {
						t.Errorf("%s: BuildID() = %q, want none", path, f.BuildID())
					}
					checkCallees(t, f, prog, calls)
					compared += len(calls)
					f.Close()
				}
			}
			t.Logf("%d calls compared with objdump, both address conventions", compared)

			trim := []string{"-trimpath"}
			exe := prog.build(t, "local", env, trim...)
			stripped := prog.build(t, "local", env, append(trim, "-ldflags=-s -w")...)
			other := modified.build(t, "local", env, trim...)
			calls := objdumpCalls(t, exe)
			// A relink with -s -w has the same code and the same __TEXT,
			// but on windows a smaller image (no DWARF, no symbols): it is
			// refused there for the unstripped run's profile, as a
			// different build ID refuses it on linux.
			unstripped, _ := crossProfile(t, exe, calls)
			if f, err := Open(stripped); err != nil {
				t.Fatal(err)
			} else {
				err := f.Match(unstripped)
				if tg.format == "PE" && (err == nil || !strings.Contains(err.Error(), "more than the binary's image")) {
					t.Errorf("Match(profile of the unstripped build) with the stripped one = %v, want an image size error", err)
				}
				if tg.format == "Mach-O" && err != nil {
					t.Errorf("Match(profile of the unstripped build) with the stripped one = %v, want nil: same code, same __TEXT", err)
				}
				f.Close()
			}
			var p *profile.Profile
			for i, path := range []string{exe, stripped} {
				// The stripped twin has the same text, but on windows a
				// smaller image: its run's mapping is its own.
				var toProfile func(uint64) uint64
				p, toProfile = crossProfile(t, path, calls)
				f, err := Open(path)
				if err != nil {
					t.Fatal(err)
				}
				if err := f.Match(p); err != nil {
					t.Errorf("Match(profile of its own calls) = %v", err)
				}
				direct := 0
				for _, c := range calls {
					loc := locationAt(p, toProfile(c.end-1))
					name, ok := f.Callee(loc)
					want := strings.TrimSuffix(c.target, ".abi0")
					if ok != (want != "") || name != want {
						t.Errorf("%s: %s: Callee(%#x in mapping at %#x) = %q, %v; want %q", path, c.text, loc.Address, loc.Mapping.Start, name, ok, want)
					}
					if ok {
						direct++
					}
				}
				t.Logf("%s: Match accepts a profile of %d locations; Callee names %d direct calls through the mapping", []string{"unstripped", "stripped"}[i], len(p.Location), direct)

				if name, ok := f.Callee(locationAt(p, p.Mapping[1].Start+0x1234)); ok {
					t.Errorf("Callee of a location in %s = %q, want none", p.Mapping[1].File, name)
				}

				big := p.Copy()
				big.Mapping[0].Limit += 64 << 10
				if err := f.Match(big); err == nil || !strings.Contains(err.Error(), "bytes, more than the binary's") {
					t.Errorf("Match with a mapping 64 KB too big = %v, want a size error", err)
				}
				f.Close()
			}

			f, err := Open(other)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Match(p); err == nil || !strings.Contains(err.Error(), "symbolize differently") || !strings.Contains(err.Error(), other) {
				t.Errorf("Match(profile of another build) = %v, want a symbolization error naming %s", err, other)
			}
		})
	}
}

// TestMachOAndPEToolchains checks Open and Callee on binaries of the oldest
// and newest toolchains the tests use, whose layouts differ from the
// current one's (Go 1.23 puts __gopclntab in __DATA_CONST, not __TEXT, and
// has no __go_module section).
func TestMachOAndPEToolchains(t *testing.T) {
	prog := newProgram(t, "heapprog", nil)
	for _, toolchain := range []string{oldToolchain, newToolchain} {
		for _, tg := range []struct{ goos, goarch string }{{"darwin", "arm64"}, {"windows", "amd64"}} {
			t.Run(toolchain+"-"+tg.goos+"-"+tg.goarch, func(t *testing.T) {
				env := []string{"GOOS=" + tg.goos, "GOARCH=" + tg.goarch}
				exe := prog.build(t, toolchain, env)
				stripped := prog.build(t, toolchain, env, "-ldflags=-s -w")
				calls := objdumpCalls(t, exe)
				for _, path := range []string{exe, stripped} {
					f, err := Open(path)
					if err != nil {
						t.Fatal(err)
					}
					if f.Arch() != tg.goarch || f.GoVersion() != toolchain || f.MainModule() != "example.com/heapprog" {
						t.Errorf("%s: Arch() = %q, GoVersion() = %q, MainModule() = %q", path, f.Arch(), f.GoVersion(), f.MainModule())
					}
					checkCallees(t, f, prog, calls)
					f.Close()
				}
				t.Logf("%d calls compared with objdump in each of 2 binaries", len(calls))
			})
		}
	}
}

// crossProfile makes the profile runtime/pprof would write for a process
// of exe that allocated at every call in calls: one location per call, at
// the return address - 1, symbolized as objdump shows the call, in the
// main executable's mapping as that system records it. It returns the
// profile and the translation from link-time to profile addresses.
//
// On darwin the mapping is the __TEXT segment (which starts the file) at
// its slid address, Offset 0, no build ID. On windows it is the whole image
// at its load address, Offset 0, and a build ID of the executable's path
// and modification time (runtime/pprof's peBuildID). A second mapping, of
// a system library, comes after it.
func crossProfile(t *testing.T, exe string, calls []objdumpCall) (*profile.Profile, func(uint64) uint64) {
	t.Helper()
	main := &profile.Mapping{ID: 1, File: exe, HasFunctions: true}
	lib := &profile.Mapping{ID: 2}
	var toProfile func(uint64) uint64
	if mf, err := macho.Open(exe); err == nil {
		defer mf.Close()
		seg := mf.Segment("__TEXT")
		if seg == nil || seg.Offset != 0 {
			t.Fatalf("%s: no __TEXT segment at file offset 0", exe)
		}
		const slide = 0x2d4c000 // ASLR slides by pages
		main.Start, main.Limit = seg.Addr+slide, seg.Addr+slide+seg.Memsz
		lib.Start, lib.Limit, lib.File = 0x7ff80a4c1000, 0x7ff80a4c1000+0x8a000, "/usr/lib/system/libsystem_malloc.dylib"
		toProfile = func(a uint64) uint64 { return a + slide }
	} else {
		pf, err := pe.Open(exe)
		if err != nil {
			t.Fatalf("%s is neither Mach-O nor PE: %v", exe, err)
		}
		defer pf.Close()
		oh := pf.OptionalHeader.(*pe.OptionalHeader64)
		st, err := os.Stat(exe)
		if err != nil {
			t.Fatal(err)
		}
		const base = 0x7ff7_4c2a_0000 // where windows' ASLR puts 64-bit executables
		main.Start, main.Limit = base, base+uint64(oh.SizeOfImage)
		main.BuildID = exe + st.ModTime().String()
		lib.Start, lib.Limit, lib.File = 0x7ffa_5e3b_0000, 0x7ffa_5e3b_0000+0x1f8000, `C:\WINDOWS\SYSTEM32\ntdll.dll`
		lib.BuildID = lib.File + "2024-05-14 09:21:08 +0000 UTC"
		toProfile = func(a uint64) uint64 { return a - oh.ImageBase + base }
	}
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "alloc_space", Unit: "bytes"}},
		Mapping:    []*profile.Mapping{main, lib},
	}
	funcs := map[string]*profile.Function{}
	for _, c := range calls {
		if filepath.Base(c.file) != "main.go" {
			// The call's line is in main.go, but not the function's
			// first: its inner frame's file is not known.
			t.Fatalf("%s: %s is in %s, not main.go", exe, c.fn, c.file)
		}
		fn := funcs[c.fn]
		if fn == nil {
			fn = &profile.Function{ID: uint64(len(funcs) + 1), Name: c.fn, SystemName: c.fn, Filename: c.file}
			funcs[c.fn] = fn
			p.Function = append(p.Function, fn)
		}
		loc := &profile.Location{ID: uint64(len(p.Location) + 1), Mapping: main, Address: toProfile(c.end - 1), Line: []profile.Line{{Function: fn, Line: int64(c.line)}}}
		p.Location = append(p.Location, loc)
		p.Sample = append(p.Sample, &profile.Sample{Location: []*profile.Location{loc}, Value: []int64{64}})
	}
	// A frame of the system library, which Match must leave alone.
	p.Location = append(p.Location, &profile.Location{ID: uint64(len(p.Location) + 1), Mapping: lib, Address: lib.Start + 0x1234})
	if err := p.CheckValid(); err != nil {
		t.Fatal(err)
	}
	return p, toProfile
}

func locationAt(p *profile.Profile, addr uint64) *profile.Location {
	for _, loc := range p.Location {
		if loc.Address == addr {
			return loc
		}
	}
	return nil
}

// TestOpenRefusesBadMachOPE checks the errors for Mach-O and PE files
// Open does not read, each made from a real binary by changing a field.
func TestOpenRefusesBadMachOPE(t *testing.T) {
	prog := newProgram(t, "heapprog", nil)
	build := func(goos, goarch string) []byte {
		data, err := os.ReadFile(prog.build(t, "local", []string{"GOOS=" + goos, "GOARCH=" + goarch}, "-ldflags=-s -w"))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	machoAmd64, machoArm64, peAmd64 := build("darwin", "amd64"), build("darwin", "arm64"), build("windows", "amd64")
	le, be := binary.LittleEndian, binary.BigEndian
	patch := func(data []byte, off int, v uint32, size int) []byte {
		out := append([]byte(nil), data...)
		if size == 2 {
			le.PutUint16(out[off:], uint16(v))
		} else {
			le.PutUint32(out[off:], v)
		}
		return out
	}
	peHeader := int(le.Uint32(peAmd64[0x3c:])) + 4 // the COFF file header

	// A universal file of the two darwin builds, slices 16 KB aligned.
	var fat []byte
	fat = be.AppendUint32(fat, macho.MagicFat)
	fat = be.AppendUint32(fat, 2)
	off := uint32(0x4000)
	for _, s := range []struct {
		cpu  macho.Cpu
		data []byte
	}{{macho.CpuAmd64, machoAmd64}, {macho.CpuArm64, machoArm64}} {
		fat = be.AppendUint32(fat, uint32(s.cpu))
		fat = be.AppendUint32(fat, 3) // CPU_SUBTYPE_ALL
		fat = be.AppendUint32(fat, off)
		fat = be.AppendUint32(fat, uint32(len(s.data)))
		fat = be.AppendUint32(fat, 14)
		off = (off + uint32(len(s.data)) + 0x3fff) &^ 0x3fff
	}
	fat = append(fat, make([]byte, 0x4000-len(fat))...)
	for _, s := range [][]byte{machoAmd64, machoArm64} {
		fat = append(fat, s...)
		fat = append(fat, make([]byte, (len(fat)+0x3fff)&^0x3fff-len(fat))...)
	}

	// A PE file whose pclntab header is gone: no section, no symbols,
	// nothing left to find it by.
	noPcln := append([]byte(nil), peAmd64...)
	var magic [8]byte
	le.PutUint32(magic[:], magicGo120)
	magic[6], magic[7] = 1, 8
	for i := strings.Index(string(noPcln), string(magic[:])); i >= 0; i = strings.Index(string(noPcln), string(magic[:])) {
		noPcln[i] = 0
	}

	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"java class", []byte{0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x34, 1, 2, 3, 4}, "not an executable (ELF, Mach-O or PE)"},
		{"universal", fat, "universal Mach-O file (x86_64, arm64): extract the architecture"},
		{"mach-o ppc64", patch(machoAmd64, 4, uint32(macho.CpuPpc64), 4), "unsupported architecture ppc64"},
		{"mach-o dylib", patch(machoArm64, 12, uint32(macho.TypeDylib), 4), "Mach-O file of type Dylib is not an executable"},
		{"mach-o header only", machoArm64[:32], "bad Mach-O file"},
		{"pe 386", patch(peAmd64, peHeader, uint32(pe.IMAGE_FILE_MACHINE_I386), 2), "unsupported architecture 386"},
		{"pe dll", patch(peAmd64, peHeader+18, pe.IMAGE_FILE_EXECUTABLE_IMAGE|pe.IMAGE_FILE_DLL, 2), "is not an executable (a DLL"},
		{"pe header only", peAmd64[:0x100], "bad PE file"},
		{"pe without pclntab", noPcln, "no Go symbol table (runtime.pclntab)"},
		{"dos executable", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), "bad PE file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Open(path)
			if err == nil {
				f.Close()
				t.Fatalf("Open(%s) succeeded", tc.name)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Open error %q is not one line naming the file and %q", err, tc.want)
			}
		})
	}

	// Every truncation must fail or give a File that answers without
	// panicking.
	for _, data := range [][]byte{machoAmd64, peAmd64} {
		m := &profile.Mapping{ID: 1, Start: 0x100000000, Limit: 0x100200000}
		loc := &profile.Location{ID: 1, Mapping: m, Address: 0x100001234, Line: []profile.Line{{Function: &profile.Function{Name: "main.main", Filename: "main.go"}, Line: 3}}}
		p := &profile.Profile{Mapping: []*profile.Mapping{m}, Location: []*profile.Location{loc}}
		for _, n := range []int{4, 16, 31, 33, 0x40, 0x100, 0x1000, len(data) / 4, len(data) / 2, len(data) - 4096, len(data) - 1} {
			path := filepath.Join(dir, "trunc")
			if err := os.WriteFile(path, data[:n], 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Open(path)
			if err != nil {
				if !strings.Contains(err.Error(), path) {
					t.Errorf("truncated to %d: error %q does not name the file", n, err)
				}
				continue
			}
			_ = f.Match(p)
			f.Callee(loc)
			f.GoVersion()
			f.Close()
		}
	}
}
