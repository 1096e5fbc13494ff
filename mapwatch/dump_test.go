package mapwatch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func dumpFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func TestDumpAboveBytesWithCooldown(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dumps")
	clock := &fakeClock{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	// The sampler is off: map memory is then the watched map's alone, not
	// also every map earlier tests of this process left in the heap.
	const above = 1 << 20
	w := New(WithTopSites(0), WithLogger(quiet), WithDump(DumpRule{Dir: dir, AboveBytes: above, Cooldown: time.Hour}))
	w.cfg.now = clock.now
	big := map[int]int{}
	if err := Watch(w, "big", &big, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Poll(); err != nil {
		t.Fatal(err)
	}
	if files := dumpFiles(t, dir); len(files) != 0 {
		t.Fatalf("dumped below the rule: %v", files)
	}
	for i := 0; i < 100000; i++ { // ~4 MB of tables, counted by mapstats
		big[i] = i
	}
	if err := w.Poll(); err != nil {
		t.Fatal(err)
	}
	files := dumpFiles(t, dir)
	if len(files) != 2 || !strings.HasSuffix(files[0], "-heap.pb.gz") || !strings.HasSuffix(files[1], ".json") {
		t.Fatalf("dump files = %v, want one profile and one summary", files)
	}
	js, err := os.ReadFile(filepath.Join(dir, files[1]))
	if err != nil {
		t.Fatal(err)
	}
	var sum summary
	if err := json.Unmarshal(js, &sum); err != nil {
		t.Fatalf("summary is not JSON: %v\n%s", err, js)
	}
	if sum.Schema != 1 || sum.Profile != files[0] || len(sum.Maps) != 1 || sum.Maps[0].Entries != 100000 ||
		sum.MapBytes < sum.Maps[0].Bytes || !strings.Contains(sum.Reason, fmt.Sprintf(">= %d", above)) {
		t.Errorf("summary = %+v", sum)
	}
	prof, err := os.ReadFile(filepath.Join(dir, files[0]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := profile.Parse(bytes.NewReader(prof)); err != nil {
		t.Errorf("dumped profile does not parse: %v", err)
	}

	clock.t = clock.t.Add(59 * time.Minute)
	if err := w.Poll(); err != nil {
		t.Fatal(err)
	}
	if n := len(dumpFiles(t, dir)); n != 2 {
		t.Errorf("dumped again within the cooldown: %d files", n)
	}
	clock.t = clock.t.Add(2 * time.Minute)
	if err := w.Poll(); err != nil {
		t.Fatal(err)
	}
	if n := len(dumpFiles(t, dir)); n != 4 {
		t.Errorf("after the cooldown: %d files, want 4", n)
	}
	for _, f := range dumpFiles(t, dir) {
		if strings.HasSuffix(f, ".tmp") {
			t.Errorf("temporary file left behind: %s", f)
		}
	}
}

func TestDumpGrowthOverWindow(t *testing.T) {
	dir := t.TempDir()
	clock := &fakeClock{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	w := New(WithTopSites(0), WithLogger(quiet), WithDump(DumpRule{Dir: dir, Growth: 2, Window: 10 * time.Minute, MinBytes: 64 << 10}))
	w.cfg.now = clock.now
	m := map[int]int{}
	for i := 0; i < 20000; i++ {
		m[i] = i
	}
	if err := Watch(w, "m", &m, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Poll(); err != nil {
		t.Fatal(err)
	}
	// Doubling 11 minutes later is outside the window: the old reading
	// has expired, so there is nothing to compare with.
	clock.t = clock.t.Add(11 * time.Minute)
	for i := 20000; i < 45000; i++ {
		m[i] = i
	}
	if err := w.Poll(); err != nil {
		t.Fatal(err)
	}
	if files := dumpFiles(t, dir); len(files) != 0 {
		t.Fatalf("dumped on growth outside the window: %v", files)
	}
	clock.t = clock.t.Add(5 * time.Minute)
	for i := 45000; i < 100000; i++ {
		m[i] = i
	}
	if err := w.Poll(); err != nil {
		t.Fatal(err)
	}
	files := dumpFiles(t, dir)
	if len(files) != 2 {
		t.Fatalf("no dump after doubling within the window: %v", files)
	}
	js, _ := os.ReadFile(filepath.Join(dir, files[1]))
	if !bytes.Contains(js, []byte("grew from")) {
		t.Errorf("summary reason does not explain the growth:\n%s", js)
	}
}

func TestDumpErrorNamesDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	w := New(WithTopSites(0), WithLogger(quiet), WithDump(DumpRule{Dir: filepath.Join(file, "sub"), AboveBytes: 1}))
	m := map[int]int{1: 1}
	if err := Watch(w, "m", &m, nil); err != nil {
		t.Fatal(err)
	}
	err := w.Poll()
	if err == nil || !strings.Contains(err.Error(), "dump directory") {
		t.Errorf("Poll with an unusable dump directory: err = %v", err)
	}
}

// TestDumpSummaryListsSites: with the sampler on, the summary lists the
// map sites of the heap profile by source line.
func TestDumpSummaryListsSites(t *testing.T) {
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	defer func() { runtime.MemProfileRate = old }()
	fillProfiledMap()
	runtime.GC()
	dir := t.TempDir()
	w := New(WithTopSites(5), WithLogger(quiet), WithDump(DumpRule{Dir: dir, AboveBytes: 1}))
	if err := w.Poll(); err != nil {
		t.Fatal(err)
	}
	files := dumpFiles(t, dir)
	if len(files) != 2 {
		t.Fatalf("dump files = %v", files)
	}
	js, err := os.ReadFile(filepath.Join(dir, files[1]))
	if err != nil {
		t.Fatal(err)
	}
	var sum summary
	if err := json.Unmarshal(js, &sum); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range sum.Sites {
		if strings.HasSuffix(s.Function, ".fillProfiledMap") && s.Kind == "grow" && s.Map &&
			strings.HasSuffix(s.File, "profile_test.go") && s.Line > 0 && s.InUseBytes >= 20000*16 {
			found = true
		}
	}
	if !found || len(sum.Sites) > dumpSites {
		t.Errorf("summary sites %+v: want fillProfiledMap's growth line, at most %d sites", sum.Sites, dumpSites)
	}
	runtime.KeepAlive(profiledMap)
}
