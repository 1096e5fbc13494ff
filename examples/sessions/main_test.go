package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

func TestSimulate(t *testing.T) {
	srv := newServer()
	if err := simulate(srv, 50); err != nil {
		t.Fatal(err)
	}
	if got := srv.store.Len(); got != 50 {
		t.Errorf("store holds %d sessions after 50 logins, want 50 (nothing removes them)", got)
	}
	if counts := wordCounts(srv.words); len(counts) == 0 || len(counts) > len(srv.words) {
		t.Errorf("wordCounts: %d distinct of %d words", len(counts), len(srv.words))
	}
}

func TestWriteNeedsTrimpath(t *testing.T) {
	// A test binary is not built with -trimpath.
	var out bytes.Buffer
	err := run(1, true, t.TempDir(), &out)
	if err == nil || !strings.Contains(err.Error(), "-trimpath") {
		t.Errorf("run -write from a non-trimpath build: err = %v, want one asking for -trimpath", err)
	}
}

// TestCheckedInProfile checks that heap.pb.gz matches main.go as it is now:
// the store's map assignment holds memory, the per-request map's growth
// allocates but is not held, and every line of main.go the profile names
// is code. It fails when main.go changed and the profile was not
// regenerated (see README.md).
func TestCheckedInProfile(t *testing.T) {
	checkProfile(t, "heap.pb.gz")
}

// TestFreshProfile runs the example as the README says and checks the
// profile it writes the same way.
func TestFreshProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the example")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "sessions")
	if out, err := exec.Command("go", "build", "-trimpath", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "-n", "300", "-write", "-dir", dir).CombinedOutput(); err != nil {
		t.Fatalf("sessions -write: %v\n%s", err, out)
	}
	checkProfile(t, filepath.Join(dir, "heap.pb.gz"))
	if _, err := os.Stat(filepath.Join(dir, "allocs.pb.gz")); err != nil {
		t.Error(err)
	}
}

type lineStats struct{ allocBytes, inuseBytes int64 }

func checkProfile(t *testing.T, file string) {
	t.Helper()
	p := heaptest.ReadProfile(t, file)
	idx := map[string]int{}
	for i, st := range p.SampleType {
		idx[st.Type] = i
	}
	// Each sample is counted at its innermost frame of package main.
	stats := map[int]*lineStats{}
	for _, s := range p.Sample {
	frames:
		for _, loc := range s.Location {
			for _, ln := range loc.Line {
				if ln.Function == nil || !strings.HasPrefix(ln.Function.Name, "main.") {
					continue
				}
				name := ln.Function.Filename
				if name != "github.com/mapscope/mapscope/examples/sessions/main.go" {
					t.Fatalf("%s: %s is in %s, want the -trimpath name of examples/sessions/main.go", file, ln.Function.Name, name)
				}
				st := stats[int(ln.Line)]
				if st == nil {
					st = new(lineStats)
					stats[int(ln.Line)] = st
				}
				st.allocBytes += s.Value[idx["alloc_space"]]
				st.inuseBytes += s.Value[idx["inuse_space"]]
				break frames
			}
		}
	}
	src := sourceLines(t)
	for line, st := range stats {
		if st.allocBytes == 0 {
			continue
		}
		if line < 1 || line > len(src) || !isCode(src[line-1]) {
			t.Errorf("%s: allocation at main.go:%d, which is not a line of code now: regenerate the profile", file, line)
		}
	}
	leak := stats[lineOf(t, src, "s.sessions[sess.ID] = sess")]
	if leak == nil || leak.inuseBytes == 0 {
		t.Errorf("%s: the session store's map holds no memory: %+v", file, leak)
	}
	waste := stats[lineOf(t, src, "counts[w]++")]
	if waste == nil || waste.allocBytes == 0 {
		t.Errorf("%s: the per-request map never grew: %+v", file, waste)
	} else if waste.inuseBytes*10 > waste.allocBytes {
		t.Errorf("%s: the per-request maps are held (%d of %d bytes), want garbage", file, waste.inuseBytes, waste.allocBytes)
	}
}

func sourceLines(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

func lineOf(t *testing.T, src []string, code string) int {
	t.Helper()
	for i, l := range src {
		if strings.TrimSpace(l) == code {
			return i + 1
		}
	}
	t.Fatalf("main.go has no line %q", code)
	return 0
}

func isCode(line string) bool {
	l := strings.TrimSpace(line)
	return l != "" && !strings.HasPrefix(l, "//") && l != "}"
}
