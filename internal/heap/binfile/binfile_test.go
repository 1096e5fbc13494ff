package binfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/mapruntime/testenv"
)

// A build of testdata/heapprog: toolchain, flags, and what the binary
// should say about itself.
type buildCase struct {
	name      string
	toolchain string
	env       []string
	flags     []string
	buildID   bool // whether the binary has a GNU build ID
}

var buildCases = []buildCase{
	{name: "default", toolchain: "local", buildID: true},
	{name: "trimpath", toolchain: "local", flags: []string{"-trimpath"}, buildID: true},
	{name: "stripped", toolchain: "local", flags: []string{"-ldflags=-s -w"}, buildID: true},
	{name: "pie", toolchain: "local", flags: []string{"-buildmode=pie"}, buildID: true},
	{name: "nobuildid", toolchain: "local", flags: []string{"-ldflags=-B=none"}},
	// An external linker puts C code before Go's text, so function offsets
	// are not relative to .text; stripped, only the module data says where
	// runtime.text is.
	{name: "external", toolchain: "local", env: []string{"CGO_ENABLED=1"}, flags: []string{"-ldflags=-linkmode=external"}, buildID: true},
	{name: "external-stripped", toolchain: "local", env: []string{"CGO_ENABLED=1"}, flags: []string{"-ldflags=-linkmode=external -s -w"}, buildID: true},
	{name: "external-pie-stripped", toolchain: "local", env: []string{"CGO_ENABLED=1"}, flags: []string{"-buildmode=pie", "-ldflags=-linkmode=external -s -w"}, buildID: true},
	{name: oldToolchain, toolchain: oldToolchain},
	{name: oldToolchain + "-trimpath", toolchain: oldToolchain, flags: []string{"-trimpath"}},
	{name: "go1.24.13", toolchain: "go1.24.13", buildID: true},
	{name: "go1.25.14", toolchain: "go1.25.14", buildID: true},
	{name: newToolchain, toolchain: newToolchain, buildID: true},
}

func requireAmd64Linux(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("runs the programs it builds: needs linux/amd64, have %s/%s", runtime.GOOS, runtime.GOARCH)
	}
}

// TestHeapProfileCallees builds heapprog in every buildCase, runs it, and
// checks that the binary matches its own profile and names the allocator
// called at each marked line.
func TestHeapProfileCallees(t *testing.T) {
	requireAmd64Linux(t)
	prog := newProgram(t, "heapprog", nil)
	for _, bc := range buildCases {
		t.Run(bc.name, func(t *testing.T) {
			if len(bc.env) > 0 {
				if _, err := exec.LookPath("gcc"); err != nil {
					testenv.Missing(t, "external linking needs gcc: %v", err)
				}
			}
			exe := prog.build(t, bc.toolchain, bc.env, bc.flags...)
			p := runForProfile(t, exe)
			f, err := Open(exe)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()

			if got := f.Arch(); got != "amd64" {
				t.Errorf("Arch() = %q, want amd64", got)
			}
			if bc.toolchain != "local" && f.GoVersion() != bc.toolchain {
				t.Errorf("GoVersion() = %q, want %q", f.GoVersion(), bc.toolchain)
			}
			if bc.toolchain == "local" && f.GoVersion() != runtime.Version() {
				t.Errorf("GoVersion() = %q, want %q", f.GoVersion(), runtime.Version())
			}
			if got := f.MainModule(); got != "example.com/heapprog" {
				t.Errorf("MainModule() = %q, want example.com/heapprog", got)
			}
			if (f.BuildID() != "") != bc.buildID {
				t.Errorf("BuildID() = %q, want one: %v", f.BuildID(), bc.buildID)
			}
			if m := mainMapping(p); m == nil || m.BuildID != f.BuildID() {
				t.Errorf("profile's main mapping %+v, want build ID %q", m, f.BuildID())
			}
			if err := f.Match(p); err != nil {
				t.Errorf("Match(own profile) = %v", err)
			}
			// Without the build ID, Match must check symbolization.
			noID := p.Copy()
			for _, m := range noID.Mapping {
				m.BuildID = ""
			}
			if err := f.Match(noID); err != nil {
				t.Errorf("Match(own profile without build ID) = %v", err)
			}

			newobject := func(name string) bool {
				// Go 1.27 calls size-class-specialized allocators
				// (runtime.mallocgcSmallNoScanSC3) for small fixed-size
				// objects instead of runtime.newobject.
				return name == "runtime.newobject" || strings.HasPrefix(name, "runtime.mallocgc")
			}
			sites := []struct {
				site string
				ok   func(string) bool
				want string
			}{
				{"grow", func(s string) bool { return s == "runtime.mapassign_fast64" }, "runtime.mapassign_fast64"},
				{"growstr", func(s string) bool { return s == "runtime.mapassign_faststr" }, "runtime.mapassign_faststr"},
				{"make", func(s string) bool { return s == "runtime.makemap" }, "runtime.makemap"},
				{"makesmall", func(s string) bool { return s == "runtime.makemap_small" }, "runtime.makemap_small"},
				{"newobject", newobject, "runtime.newobject or runtime.mallocgc*"},
			}
			for _, s := range sites {
				line := prog.siteLine(t, s.site)
				locs := locationsAt(p, line)
				if len(locs) == 0 {
					t.Errorf("SITE:%s (line %d): no location in the profile", s.site, line)
					continue
				}
				for _, loc := range locs {
					name, ok := f.Callee(loc)
					if !ok || !s.ok(name) {
						t.Errorf("SITE:%s (line %d) Callee(%#x) = %q, %v; want %s", s.site, line, loc.Address, name, ok, s.want)
					}
					// The convention the package documents: runtime/pprof
					// records the return address - 1.
					addr, _ := f.linkAddr(loc.Address, loc.Mapping)
					if _, ok := f.amd64DirectCall(addr + 1); !ok {
						t.Errorf("SITE:%s (line %d): no call ends at address+1 (%#x): the profile's address convention is not return-1", s.site, line, addr+1)
					}
				}
			}

			// A location of another file or build is not answered.
			if f.BuildID() != "" {
				loc := *locationsAt(p, prog.siteLine(t, "grow"))[0]
				m := *loc.Mapping
				m.BuildID = "0123456789abcdef"
				loc.Mapping = &m
				if name, ok := f.Callee(&loc); ok {
					t.Errorf("Callee of a location in a mapping with another build ID = %q", name)
				}
			}

			// One line, two allocations: the map assignment and the &T{}.
			line := prog.siteLine(t, "both")
			locs := locationsAt(p, line)
			callees := map[string]bool{}
			for _, loc := range locs {
				if name, ok := f.Callee(loc); ok {
					callees[name] = true
				}
			}
			var mapassign, alloc bool
			for name := range callees {
				mapassign = mapassign || strings.Contains(name, "mapassign")
				alloc = alloc || newobject(name)
			}
			if len(locs) != 2 || len(callees) != 2 || !mapassign || !alloc {
				t.Errorf("SITE:both (line %d): %d locations with callees %v, want 2 locations calling mapassign and newobject", line, len(locs), callees)
			}
		})
	}
}

// TestCalleeAgreesWithObjdump checks every call in the main package, direct
// and indirect, against `go tool objdump`, with both address conventions.
// A binary linked with -s -w has the same text as its unstripped twin, so
// it is checked against the twin's disassembly: it must name the same
// callees from its pclntab alone.
func TestCalleeAgreesWithObjdump(t *testing.T) {
	prog := newProgram(t, "heapprog", nil)
	for _, bc := range []struct {
		name  string
		arch  string
		flags []string
	}{
		{name: "amd64", arch: "amd64"},
		{name: "amd64-pie", arch: "amd64", flags: []string{"-buildmode=pie"}},
		{name: "arm64", arch: "arm64"},
		{name: "arm64-pie", arch: "arm64", flags: []string{"-buildmode=pie"}},
	} {
		t.Run(bc.name, func(t *testing.T) {
			env := []string{"GOOS=linux", "GOARCH=" + bc.arch}
			exe := prog.build(t, "local", env, bc.flags...)
			stripped := prog.build(t, "local", env, append(bc.flags, "-ldflags=-s -w")...)
			calls := objdumpCalls(t, exe)
			for _, path := range []string{exe, stripped} {
				f, err := Open(path)
				if err != nil {
					t.Fatal(err)
				}
				if f.Arch() != bc.arch {
					t.Fatalf("Arch() = %q, want %q", f.Arch(), bc.arch)
				}
				checkCallees(t, f, prog, calls)
				f.Close()
			}
		})
	}
}

func checkCallees(t *testing.T, f *File, prog *program, calls []objdumpCall) {
	t.Helper()
	direct, indirect := 0, 0
	for _, c := range calls {
		want := strings.TrimSuffix(c.target, ".abi0")
		for _, addr := range []uint64{c.end - 1, c.end} { // runtime/pprof's convention, and the plain return address
			name, ok := f.CalleeAt(addr)
			if want == "" {
				if ok {
					t.Errorf("%s: %s: CalleeAt(%#x) = %q for an indirect call", f.Path(), c.text, addr, name)
				}
				continue
			}
			if !ok || name != want {
				t.Errorf("%s: %s: CalleeAt(%#x) = %q, %v; want %q", f.Path(), c.text, addr, name, ok, want)
			}
		}
		if want == "" {
			indirect++
		} else {
			direct++
		}
	}
	if direct < 10 || indirect < 1 {
		t.Errorf("objdump found %d direct and %d indirect calls; the test needs both", direct, indirect)
	}
	// The calls on the marked lines, found by objdump's line table.
	for site, want := range map[string]string{"grow": "mapassign", "growstr": "mapassign_faststr", "make": "makemap", "makesmall": "makemap_small"} {
		line := prog.siteLine(t, site)
		found := false
		for _, c := range calls {
			if int64(c.line) != line {
				continue
			}
			if name, ok := f.CalleeAt(c.end - 1); ok && strings.Contains(name, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: SITE:%s (line %d): no call there resolves to a %s function", f.Path(), site, line, want)
		}
	}
	// Addresses that are not after a call, and outside the text.
	for _, addr := range []uint64{0, 1, f.textLo, f.textHi + 100, ^uint64(0)} {
		if name, ok := f.CalleeAt(addr); ok {
			t.Errorf("%s: CalleeAt(%#x) = %q, want no call", f.Path(), addr, name)
		}
	}
}

// TestMatchRefusesOtherBuilds checks that Match refuses binaries of other
// builds, both by build ID and, when there is none, by symbolization.
func TestMatchRefusesOtherBuilds(t *testing.T) {
	requireAmd64Linux(t)
	orig := newProgram(t, "heapprog", nil)
	// A small edit: one more line above the allocation sites.
	modified := newProgram(t, "heapprog", func(s string) string {
		return strings.Replace(s, "//go:noinline\nfunc grow(", "var extra = 1\n\n//go:noinline\nfunc grow(", 1)
	})

	for _, tc := range []struct {
		name      string
		toolchain string
		flags     []string
		other     func(t *testing.T) string // builds the binary that must be refused
		wantErr   string
	}{
		{
			name: "modified source, build IDs", toolchain: "local",
			other:   func(t *testing.T) string { return modified.build(t, "local", nil) },
			wantErr: "build ID",
		},
		{
			// -trimpath gives both builds the same file names, so only
			// the lines differ.
			name: "modified source, no build IDs", toolchain: "local", flags: []string{"-trimpath", "-ldflags=-B=none"},
			other:   func(t *testing.T) string { return modified.build(t, "local", nil, "-trimpath", "-ldflags=-B=none") },
			wantErr: "symbolize differently",
		},
		{
			name: "same source with -trimpath, no build IDs", toolchain: "local", flags: []string{"-ldflags=-B=none"},
			other:   func(t *testing.T) string { return orig.build(t, "local", nil, "-trimpath", "-ldflags=-B=none") },
			wantErr: "symbolize differently",
		},
		{
			name: "binary without build ID for a profile with one", toolchain: "local",
			other:   func(t *testing.T) string { return orig.build(t, "local", nil, "-ldflags=-B=none") },
			wantErr: "has no build ID",
		},
		{
			name: "modified source, " + oldToolchain, toolchain: oldToolchain, flags: []string{"-trimpath"},
			other:   func(t *testing.T) string { return modified.build(t, oldToolchain, nil, "-trimpath") },
			wantErr: "symbolize differently",
		},
		{
			name: "other toolchain, same source", toolchain: oldToolchain,
			other:   func(t *testing.T) string { return orig.build(t, "local", nil, "-ldflags=-B=none") },
			wantErr: "symbolize differently",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exe := orig.build(t, tc.toolchain, nil, tc.flags...)
			p := runForProfile(t, exe)
			right, err := Open(exe)
			if err != nil {
				t.Fatal(err)
			}
			defer right.Close()
			if err := right.Match(p); err != nil {
				t.Fatalf("Match with the right binary: %v", err)
			}
			other := tc.other(t)
			wrong, err := Open(other)
			if err != nil {
				t.Fatal(err)
			}
			defer wrong.Close()
			err = wrong.Match(p)
			if err == nil {
				t.Fatalf("Match accepted %s for a profile of another build", other)
			}
			if !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), other) {
				t.Errorf("Match error %q does not name the binary and %q", err, tc.wantErr)
			}
		})
	}
}

// TestMatchRefusesBiggerMapping checks the segment size check, which
// refuses a binary with less code than the profile's executable even when
// no sampled location tells them apart.
func TestMatchRefusesBiggerMapping(t *testing.T) {
	requireAmd64Linux(t)
	exe := newProgram(t, "heapprog", nil).build(t, "local", nil, "-ldflags=-B=none")
	p := runForProfile(t, exe)
	f, err := Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Match(p); err != nil {
		t.Fatalf("Match(own profile) = %v", err)
	}
	m := mainMapping(p)
	m.Limit += 64 << 10
	if err := f.Match(p); err == nil || !strings.Contains(err.Error(), "text segment") {
		t.Errorf("Match with a mapping 64 KB too big = %v, want a text segment error", err)
	}
}

// TestMatchWithoutEvidence checks that Match refuses to vouch for a binary
// when the profile gives nothing to check.
func TestMatchWithoutEvidence(t *testing.T) {
	exe := newProgram(t, "heapprog", nil).build(t, "local", []string{"GOOS=linux", "GOARCH=amd64"})
	f, err := Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, p := range map[string]*profile.Profile{
		"empty":        {},
		"unsymbolized": {Mapping: []*profile.Mapping{{ID: 1, Start: 0x400000, Limit: 0x401000}}, Location: []*profile.Location{{ID: 1, Address: 0x401000}}},
	} {
		p.Location = append(p.Location, nil)
		if err := f.Match(p); err == nil || !strings.Contains(err.Error(), "cannot check") {
			t.Errorf("%s profile: Match = %v, want a cannot-check error", name, err)
		}
	}
	if err := f.Match(nil); err == nil {
		t.Error("Match(nil) = nil")
	}
}

// TestOpenRefusesBadFiles checks the errors of Open for files that are not
// Go executables, including every truncation of a real one.
func TestOpenRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	exe := newProgram(t, "heapprog", nil).build(t, "local", []string{"GOOS=linux", "GOARCH=amd64"})
	good, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	riscv := newProgram(t, "heapprog", nil).build(t, "local", []string{"GOOS=linux", "GOARCH=riscv64"})

	for _, tc := range []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope"), "no such file"},
		{"directory", dir, "not a regular file"},
		{"empty", write("empty", nil), "empty file"},
		{"tiny", write("tiny", []byte("ab")), "not an executable"},
		{"text", write("text", []byte("hello, this is not a program\n")), "not an executable (ELF, Mach-O or PE)"},
		{"gzip", write("gzip", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0}), "gzip"},
		{"macho", write("macho", []byte{0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1}), "Mach-O"},
		{"pe", write("pe", []byte("MZ\x90\x00\x03\x00\x00\x00")), "PE file"},
		{"elf header only", write("hdr", good[:64]), "bad ELF"},
		{"riscv64", riscv, "unsupported architecture"},
		{"C-like ELF without pclntab", write("nopcln", stripSection(t, good, ".gopclntab")), "no Go symbol table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Open(tc.path)
			if err == nil {
				f.Close()
				t.Fatalf("Open(%s) succeeded", tc.name)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("Open error %q does not name the file and %q", err, tc.want)
			}
		})
	}

	// Every truncation must fail or give a File that answers without
	// panicking.
	p := &profile.Profile{Mapping: []*profile.Mapping{{ID: 1, Start: 0x400000, Limit: 0x600000, File: exe}}}
	p.Location = []*profile.Location{{ID: 1, Mapping: p.Mapping[0], Address: 0x401234, Line: []profile.Line{{Function: &profile.Function{Name: "main.main", Filename: "main.go"}, Line: 3}}}}
	for _, n := range []int{4, 16, 63, 65, 200, 1000, 4096, len(good) / 4, len(good) / 2, len(good) - 4096, len(good) - 1} {
		path := write("trunc", good[:n])
		f, err := Open(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Errorf("truncated to %d: error %q does not name the file", n, err)
			}
			continue
		}
		_ = f.Match(p)
		f.Callee(p.Location[0])
		f.GoVersion()
		f.Close()
	}
}

// stripSection renames a section so that the file looks like an ELF
// executable without a Go pclntab.
func stripSection(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	out := append([]byte(nil), data...)
	i := strings.Index(string(out), name+"\x00")
	if i < 0 {
		t.Fatalf("no %s in the section names", name)
	}
	copy(out[i:], strings.Repeat("x", len(name)))
	// The pclntab symbols could still lead to the table: hide them too.
	for _, sym := range []string{"runtime.pclntab\x00", "runtime.epclntab\x00"} {
		for j := strings.Index(string(out), sym); j >= 0; j = strings.Index(string(out), sym) {
			copy(out[j:], strings.Repeat("y", len(sym)-1))
		}
	}
	return out
}
