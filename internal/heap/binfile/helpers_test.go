package binfile

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

// Toolchains the tests build with besides the current one. They come from
// the Go module proxy; a test skips a missing one unless MAPSCOPE_CI=1.
const (
	oldToolchain = "go1.23.12"
	newToolchain = "go1.27.4"
)

// program is a copy of a testdata program in a module of its own.
type program struct {
	heaptest.Program
	source string // main.go contents
	outDir string // where build puts executables; a test temporary directory if empty
}

// newProgram copies testdata/<name>/main.go into a fresh module, applying
// edit to the source first when it is not nil.
func newProgram(t testing.TB, name string, edit func(string) string) *program {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	if edit != nil {
		s = edit(s)
	}
	return &program{Program: heaptest.WriteProgram(t, "module example.com/"+name+"\n\ngo 1.23\n", "", s), source: s}
}

// build builds the program with the toolchain ("local" for the current
// one), extra environment and flags, and returns the executable's path.
func (p *program) build(t testing.TB, toolchain string, env []string, flags ...string) string {
	t.Helper()
	return p.Build(t, toolchain, p.outDir, env, flags...)
}

// runForProfile runs an executable built from heapprog and parses the
// profile it writes.
func runForProfile(t testing.TB, exe string) *profile.Profile {
	t.Helper()
	return heaptest.RunForProfile(t, exe, nil)
}

// siteLine returns the line of the source marked "SITE:name".
func (p *program) siteLine(t testing.TB, name string) int64 {
	t.Helper()
	for i, line := range strings.Split(p.source, "\n") {
		if strings.HasSuffix(line, "// SITE:"+name) {
			return int64(i + 1)
		}
	}
	t.Fatalf("no line marked SITE:%s", name)
	return 0
}

// locationsAt returns the profile locations whose innermost line is line
// of main.go.
func locationsAt(p *profile.Profile, line int64) []*profile.Location {
	var locs []*profile.Location
	for _, loc := range p.Location {
		if len(loc.Line) > 0 && loc.Line[0].Line == line && loc.Line[0].Function != nil &&
			filepath.Base(loc.Line[0].Function.Filename) == "main.go" && strings.HasPrefix(loc.Line[0].Function.Name, "main.") {
			locs = append(locs, loc)
		}
	}
	return locs
}

// objdumpCall is a call instruction as `go tool objdump` shows it.
type objdumpCall struct {
	line   int    // source line in main.go
	addr   uint64 // address of the instruction
	end    uint64 // address after it: the return address
	target string // symbol named by objdump, "" for an indirect call
	text   string
	fn     string // the function holding the call
	file   string // that function's file, as the binary names it
}

var (
	objdumpLine = regexp.MustCompile(`^\s+(\S+):(\d+)\s+0x([0-9a-f]+)\s+([0-9a-f]+)\s+(CALL|BL)\s+(\S+)`)
	objdumpFunc = regexp.MustCompile(`^TEXT (\S+)\(SB\) (\S+)$`)
)

// objdumpCalls lists the call instructions of the main package's functions
// using `go tool objdump`, an implementation independent of this package.
func objdumpCalls(t testing.TB, exe string) []objdumpCall {
	t.Helper()
	out, err := exec.Command("go", "tool", "objdump", "-s", `^main\.`, exe).Output()
	if err != nil {
		t.Fatalf("go tool objdump %s: %v", exe, err)
	}
	var calls []objdumpCall
	var fn, file string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if m := objdumpFunc.FindStringSubmatch(sc.Text()); m != nil {
			fn, file = m[1], m[2]
			continue
		}
		m := objdumpLine.FindStringSubmatch(sc.Text())
		if m == nil || m[1] != "main.go" {
			continue
		}
		line, _ := strconv.Atoi(m[2])
		addr, _ := strconv.ParseUint(m[3], 16, 64)
		c := objdumpCall{line: line, addr: addr, end: addr + uint64(len(m[4])/2), text: strings.TrimSpace(sc.Text()), fn: fn, file: file}
		if strings.HasSuffix(m[6], "(SB)") {
			c.target = strings.TrimSuffix(m[6], "(SB)")
		}
		calls = append(calls, c)
	}
	if len(calls) == 0 {
		t.Fatalf("go tool objdump found no calls in main.* of %s", exe)
	}
	return calls
}
