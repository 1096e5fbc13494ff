package heaptest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// MapLoadsDir is the source of the maploads program (testdata/maploads):
// map workloads whose CPU costs mapscope cpu and mapscope trace must
// find, each line marked with a "// site: NAME" comment.
func MapLoadsDir() string { return filepath.Join(repoRoot(), "testdata", "maploads") }

// A MapLoads is one run of the maploads program.
type MapLoads struct {
	Src   string // the module root, for -source
	Exe   string
	CPU   string // the CPU profile it wrote
	Trace string // the execution trace it wrote, with CPU samples
	// Lines maps each "// site:" name to its line in main.go, and Funcs to
	// the function the line is in ("main.unhinted").
	Lines map[string]int
	Funcs map[string]string
}

// RunMapLoads builds the maploads program with toolchain and runs it for
// rounds rounds (each about a second of CPU on a quiet machine), writing
// a CPU profile and an execution trace into a temporary directory. env is
// added to the program's environment (GOGC=25, say).
func RunMapLoads(t testing.TB, toolchain string, rounds int, env ...string) MapLoads {
	t.Helper()
	src := MapLoadsDir()
	out := t.TempDir()
	exe := Program{Dir: src, Pkg: "."}.Build(t, toolchain, out, nil)
	run := MapLoads{Src: src, Exe: exe, CPU: filepath.Join(out, "cpu.pb.gz"), Trace: filepath.Join(out, "trace.out")}
	cmd := exec.Command(exe, run.CPU, run.Trace, strconv.Itoa(rounds))
	cmd.Env = append(os.Environ(), env...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("running maploads (%s): %v\n%s", toolchain, err, msg)
	}
	var err error
	run.Lines, run.Funcs, err = siteLines(filepath.Join(src, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	return run
}

var (
	siteComment = regexp.MustCompile(`// site: (\S+)`)
	funcDecl    = regexp.MustCompile(`^func (\w+)\(`)
)

// siteLines reads the "// site:" markers of a program's main.go.
func siteLines(file string) (map[string]int, map[string]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	lines, funcs := map[string]int{}, map[string]string{}
	fn := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if m := funcDecl.FindStringSubmatch(text); m != nil {
			fn = "main." + m[1]
		}
		if m := siteComment.FindStringSubmatch(text); m != nil {
			lines[m[1]] = n
			funcs[m[1]] = fn
		}
	}
	return lines, funcs, sc.Err()
}
