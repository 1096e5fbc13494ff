package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/heap/heapprof"
)

func TestAddListResume(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mapscope-data", "127.0.0.1_8080")
	st := mustOpen(t, dir)
	if st.Next() != 1 || len(st.List()) != 0 {
		t.Fatalf("new store: next %d, %d entries", st.Next(), len(st.List()))
	}
	when := time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	var want []Entry
	for i := range 3 {
		seq := st.Next()
		for _, kind := range []Kind{Heap, Goroutine} {
			data := testProfile(kind, seq, 100)
			e, err := st.Add(Snapshot{Seq: seq, Kind: kind, Time: when.Add(time.Duration(i) * time.Minute), Target: "http://127.0.0.1:8080/debug/pprof/heap", Data: data})
			if err != nil {
				t.Fatal(err)
			}
			if e.Seq != i+1 || e.File != fmt.Sprintf("%s-%06d.pb.gz", kind, i+1) || e.Size != int64(len(data)) || !e.Time.Equal(when.Add(time.Duration(i)*time.Minute)) {
				t.Errorf("Add returned %+v", e)
			}
			got, err := e.Read()
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("Read %s: %v", e.File, err)
			}
			want = append(want, e)
		}
	}
	if _, err := st.Add(Snapshot{Seq: 2, Kind: Heap, Data: []byte("x")}); err == nil || !strings.Contains(err.Error(), "heap-000002.pb.gz already exists") {
		t.Errorf("adding heap 2 twice: %v", err)
	}
	for _, bad := range []Snapshot{{Kind: "cpu", Data: []byte("x")}, {Kind: Heap}, {Kind: Heap, Seq: -1, Data: []byte("x")}} {
		if _, err := st.Add(bad); err == nil {
			t.Errorf("Add(%+v) succeeded", bad)
		}
	}
	if !slices.EqualFunc(st.List(), want, func(a, b Entry) bool { return a == b }) {
		t.Errorf("List = %v\nwant %v", st.List(), want)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Add(Snapshot{Kind: Heap, Data: []byte("x")}); err == nil {
		t.Error("Add after Close succeeded")
	}

	// The index is one JSON line per snapshot, in the documented form.
	lines := strings.Split(strings.TrimSuffix(string(readIndex(t, dir)), "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("index has %d lines", len(lines))
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"seq", "kind", "time", "target", "file", "size", "sha256"} {
		if _, ok := first[field]; !ok {
			t.Errorf("index line %s has no %q", lines[0], field)
		}
	}

	// A new writer sees the same snapshots and goes on numbering.
	st2 := mustOpen(t, dir)
	if !slices.EqualFunc(st2.List(), want, func(a, b Entry) bool { return a == b }) {
		t.Errorf("after reopening, List = %v", st2.List())
	}
	if st2.Next() != 4 || len(st2.Skipped()) != 0 || len(st2.Repairs()) != 0 {
		t.Errorf("after reopening: next %d, skipped %q, repairs %q", st2.Next(), st2.Skipped(), st2.Repairs())
	}
	e, err := st2.Add(Snapshot{Kind: Heap, Data: testProfile(Heap, 4, 0)})
	if err != nil || e.Seq != 4 {
		t.Fatalf("Add after resume: %+v, %v", e, err)
	}

	ro, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ro.List()) != 7 {
		t.Errorf("read-only store lists %d snapshots, want 7", len(ro.List()))
	}
	if _, err := ro.Add(Snapshot{Kind: Heap, Data: []byte("x")}); err == nil {
		t.Error("Add to a read-only store succeeded")
	}
}

func TestLock(t *testing.T) {
	dir := t.TempDir()
	st := mustOpen(t, dir)
	_, err := Open(dir)
	var ie *base.InputError
	if !errors.As(err, &ie) || ie.Name != dir || !strings.Contains(err.Error(), fmt.Sprintf("in use by another mapscope watch (pid %d)", os.Getpid())) {
		t.Fatalf("second Open: %v", err)
	}
	// Readers need no lock.
	if _, err := OpenReadOnly(dir); err != nil {
		t.Errorf("OpenReadOnly while locked: %v", err)
	}
	st.Close()
	st = mustOpen(t, dir)
	st.Close()
}

// The lock of systems without flock, tested here on every system.
func TestPidLock(t *testing.T) {
	name := filepath.Join(t.TempDir(), "watch.lock")
	l, err := lockPidFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockPidFile(name); err == nil || !strings.Contains(err.Error(), fmt.Sprint(os.Getpid())) {
		t.Errorf("second lock: %v", err)
	}
	if err := l.unlock(); err != nil {
		t.Fatal(err)
	}

	// A lock left by a process that is gone is taken over, as is one
	// that holds no process ID.
	dead := deadPid(t)
	for _, content := range []string{fmt.Sprintf("%d\n", dead), "", "garbage"} {
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := lockPidFile(name)
		if err != nil {
			t.Errorf("stale lock %q: %v", content, err)
			continue
		}
		if data, _ := os.ReadFile(name); readPid(data) != os.Getpid() {
			t.Errorf("lock holds %q after taking over %q", data, content)
		}
		l.unlock()
	}
	// A lock held by a live process is not.
	if err := os.WriteFile(name, []byte(fmt.Sprintf("%d\n", os.Getppid())), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := lockPidFile(name); err == nil {
		t.Error("took over the lock of a live process")
	}
	if entries, _ := os.ReadDir(filepath.Dir(name)); len(entries) != 1 {
		t.Errorf("lockPidFile left files: %v", entries)
	}
}

func TestSecretsNotStored(t *testing.T) {
	const (
		user  = "alice-the-user"
		pass  = "hunter2-pass"
		token = "tok-0123456789abcdef"
	)
	url := "http://" + user + ":" + pass + "@127.0.0.1:8080/debug/pprof/heap?token=" + token + "#" + token
	root := t.TempDir()
	dir := TargetDir(root, url)
	if dir != filepath.Join(root, "127.0.0.1_8080") {
		t.Errorf("TargetDir = %s", dir)
	}
	st := mustOpen(t, dir)
	e, err := st.Add(Snapshot{Kind: Heap, Target: url, Data: testProfile(Heap, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if e.Target != "http://127.0.0.1:8080/debug/pprof/heap" {
		t.Errorf("Target = %q", e.Target)
	}
	if _, err := st.Add(Snapshot{Seq: 1, Kind: Heap, Target: url, Data: []byte("x")}); err == nil {
		t.Fatal("duplicate Add succeeded")
	} else {
		for _, s := range []string{user, pass, token} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error %q shows %q", err, s)
			}
		}
	}
	st.Close()
	// Nothing in the directory, names or contents, holds a secret.
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		for _, s := range []string{user, pass, token} {
			if strings.Contains(path, s) || bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds %q", path, s)
			}
		}
		return nil
	})
}

// A torn index line, as a writer killed in its append leaves it: the line
// is cut off and its snapshot, complete on disk, adopted.
func TestTornIndex(t *testing.T) {
	for _, cut := range []struct {
		name    string
		line    int // the line cut in the middle (from 1); later lines are gone
		adopted []int
	}{
		{"last line", 3, []int{3}},
		{"second line", 2, []int{2, 3}},
		{"one byte", 1, []int{1, 2, 3}},
	} {
		t.Run(cut.name, func(t *testing.T) {
			dir := t.TempDir()
			st := mustOpen(t, dir)
			want := addN(t, st, 3)
			st.Close()
			index := readIndex(t, dir)
			lines := bytes.SplitAfter(index, []byte("\n"))
			keep := 0
			for _, l := range lines[:cut.line-1] {
				keep += len(l)
			}
			keep += len(lines[cut.line-1]) / 2
			if cut.name == "one byte" {
				keep = 1
			}
			if err := os.Truncate(filepath.Join(dir, indexFile), int64(keep)); err != nil {
				t.Fatal(err)
			}

			ro, err := OpenReadOnly(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(ro.List()) != cut.line-1 || len(ro.Repairs()) != 0 || len(ro.Skipped()) != 0 {
				t.Errorf("read-only: %d entries, repairs %q, skipped %q", len(ro.List()), ro.Repairs(), ro.Skipped())
			}
			if len(readIndex(t, dir)) != keep {
				t.Error("OpenReadOnly changed the index")
			}

			st = mustOpen(t, dir)
			got := st.List()
			if !slices.Equal(seqs(got), []int{1, 2, 3}) || len(st.Skipped()) != 0 {
				t.Fatalf("after a torn line: %v, skipped %q", seqs(got), st.Skipped())
			}
			for i, e := range got {
				// An adopted snapshot takes the target of the entry before it.
				wantTarget := want[i].Target
				if cut.line == 1 {
					wantTarget = ""
				}
				if e.SHA256 != want[i].SHA256 || e.Adopted != slices.Contains(cut.adopted, e.Seq) || e.Target != wantTarget {
					t.Errorf("entry %d: %+v, want like %+v", i, e, want[i])
				}
				if e.Adopted && !e.Time.Equal(time.Date(2026, 3, 1, 10, e.Seq, 0, 0, time.UTC)) {
					t.Errorf("adopted entry %d has time %v, not the profile's", e.Seq, e.Time)
				}
			}
			repairs := strings.Join(st.Repairs(), "\n")
			if !strings.Contains(repairs, "cut a torn last line") || !strings.Contains(repairs, fmt.Sprintf("adopted heap-%06d.pb.gz", cut.adopted[0])) {
				t.Errorf("repairs: %s", repairs)
			}
			if e, err := st.Add(Snapshot{Kind: Heap, Data: testProfile(Heap, 4, 0)}); err != nil || e.Seq != 4 {
				t.Errorf("Add after repair: %v, %v", e, err)
			}
			st.Close()
			// The repaired index is whole and needs nothing more.
			if data := readIndex(t, dir); data[len(data)-1] != '\n' {
				t.Error("repaired index does not end in a newline")
			}
			st = mustOpen(t, dir)
			if len(st.List()) != 4 || len(st.Repairs()) != 0 || len(st.Skipped()) != 0 {
				t.Errorf("second open: %d entries, repairs %q, skipped %q", len(st.List()), st.Repairs(), st.Skipped())
			}
		})
	}
}

// A snapshot whose file changed or went away is reported and never read.
func TestDamagedSnapshots(t *testing.T) {
	dir := t.TempDir()
	st := mustOpen(t, dir)
	es := addN(t, st, 4)
	st.Close()

	flip := func(name string) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 0xff
		data[len(data)/2+1] ^= 0x55
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	flip(es[1].Path)
	if err := os.Remove(es[2].Path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(es[3].Path, []byte("short"), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, open := range []func(string) (*Store, error){Open, OpenReadOnly} {
		st, err := open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := seqs(st.List()); !slices.Equal(got, []int{1}) {
			t.Errorf("listed %v, want [1]", got)
		}
		skipped := strings.Join(st.Skipped(), "\n")
		for _, want := range []string{
			"heap-000002.pb.gz: content does not match the index",
			"heap-000003.pb.gz: listed in the index but missing",
			"heap-000004.pb.gz: 5 bytes, but the index says",
		} {
			if !strings.Contains(skipped, want) {
				t.Errorf("skipped does not say %q:\n%s", want, skipped)
			}
		}
		if st.Next() != 5 {
			t.Errorf("next %d, want 5: numbers of damaged snapshots are not reused", st.Next())
		}
		st.Close()
	}
	// The damaged files are left for the user to look at.
	if _, err := os.Stat(es[1].Path); err != nil {
		t.Error(err)
	}
	// An entry read after its file changed is an error naming the file.
	flip(es[0].Path)
	_, err := es[0].Read()
	var ie *base.InputError
	if !errors.As(err, &ie) || ie.Name != es[0].Path || !strings.Contains(err.Error(), "content does not match the index") {
		t.Errorf("Read of a changed file: %v", err)
	}
}

func TestRecovery(t *testing.T) {
	dir := t.TempDir()
	st := mustOpen(t, dir)
	addN(t, st, 2)
	st.Close()

	// What an interrupted Add leaves: a temporary file. And what it
	// cannot: a snapshot file that is not a profile, and other files.
	temp := filepath.Join(dir, tempPrefix+"heap-000003.pb.gz-12345")
	bad := filepath.Join(dir, "heap-000009.pb.gz")
	other := filepath.Join(dir, "notes.txt")
	for name, data := range map[string]string{temp: "partial", bad: "not a profile", other: "mine"} {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A goroutine profile in a heap snapshot's name is not adopted either.
	if err := os.WriteFile(filepath.Join(dir, "heap-000005.pb.gz"), testProfile(Goroutine, 5, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	// A goroutine snapshot written but not indexed is.
	if err := os.WriteFile(filepath.Join(dir, "goroutine-000002.pb.gz"), testProfile(Goroutine, 2, 0), 0o644); err != nil {
		t.Fatal(err)
	}

	ro, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ro.List()) != 2 || len(ro.Skipped()) != 0 || len(tempFiles(t, dir)) != 1 {
		t.Errorf("read-only open: %d entries, skipped %q, temp files %q", len(ro.List()), ro.Skipped(), tempFiles(t, dir))
	}

	st = mustOpen(t, dir)
	if tf := tempFiles(t, dir); len(tf) != 0 {
		t.Errorf("temporary files left: %q", tf)
	}
	if got := st.List(); len(got) != 3 || got[2].File != "goroutine-000002.pb.gz" || !got[2].Adopted {
		t.Errorf("List = %+v", got)
	}
	skipped := strings.Join(st.Skipped(), "\n")
	for _, want := range []string{
		"heap-000009.pb.gz: not in the index and not a heap profile",
		"heap-000005.pb.gz: not in the index and not a heap profile (a goroutine profile",
	} {
		if !strings.Contains(skipped, want) {
			t.Errorf("skipped does not say %q:\n%s", want, skipped)
		}
	}
	if st.Next() != 10 {
		t.Errorf("next %d, want 10, past the file left alone", st.Next())
	}
	for _, name := range []string{bad, other} {
		if _, err := os.Stat(name); err != nil {
			t.Errorf("%s was removed", name)
		}
	}
}

// Losing the whole index loses no snapshot: Open rebuilds it from the
// files.
func TestLostIndex(t *testing.T) {
	dir := t.TempDir()
	st := mustOpen(t, dir)
	want := addN(t, st, 3)
	st.Close()
	if err := os.Remove(filepath.Join(dir, indexFile)); err != nil {
		t.Fatal(err)
	}
	if IsStore(dir) {
		t.Error("IsStore without an index")
	}
	st = mustOpen(t, dir)
	got := st.List()
	if len(got) != 3 {
		t.Fatalf("rebuilt %d entries", len(got))
	}
	for i := range got {
		if got[i].SHA256 != want[i].SHA256 || !got[i].Adopted {
			t.Errorf("entry %d: %+v", i, got[i])
		}
	}
}

// Damaged lines in the middle of the index are reported by line number
// and the lines around them kept.
func TestDamagedIndexLines(t *testing.T) {
	dir := t.TempDir()
	st := mustOpen(t, dir)
	es := addN(t, st, 2)
	st.Close()
	line := func(e Entry) string {
		b, _ := formatLine(e)
		return string(b)
	}
	traversal := es[0]
	traversal.File = "../../etc/passwd"
	badKind := es[0]
	badKind.Kind = "cpu"
	index := line(es[0]) + "{not json\n" + "\n" + line(traversal) + line(es[0]) + `{"seq":"x"}` + "\n" + line(badKind) + "\x00\x00\x00\n" + line(es[1])
	if err := os.WriteFile(filepath.Join(dir, indexFile), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	st = mustOpen(t, dir)
	if got := seqs(st.List()); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("listed %v", got)
	}
	want := []string{
		"index.jsonl line 2: not valid JSON",
		`index.jsonl line 4: file "../../etc/passwd", not heap-000001.pb.gz`,
		"index.jsonl line 5: a second entry for heap-000001.pb.gz",
		"index.jsonl line 6: not an index entry",
		`index.jsonl line 7: unknown kind "cpu"`,
		"index.jsonl line 8: not valid JSON",
	}
	got := st.Skipped()
	if len(got) != len(want) {
		t.Fatalf("skipped %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("skipped[%d] = %q, want %q...", i, got[i], want[i])
		}
	}
}

func TestConcurrentAdds(t *testing.T) {
	st := mustOpen(t, t.TempDir())
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5 {
				if _, err := st.Add(Snapshot{Kind: Heap, Data: testProfile(Heap, 1, 0)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if got := seqs(st.List()); len(got) != 20 || got[0] != 1 || got[19] != 20 {
		t.Errorf("concurrent adds gave %v", got)
	}
}

func TestHeapSnapshotsParse(t *testing.T) {
	st := mustOpen(t, t.TempDir())
	for _, e := range addN(t, st, 2) {
		data, err := e.Read()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := heapprof.Parse(data); err != nil {
			t.Errorf("%s: %v", e.File, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, tc := range []struct {
		open func(string) (*Store, error)
		dir  string
		want string
	}{
		{OpenReadOnly, filepath.Join(dir, "missing"), "no such file or directory"},
		{OpenReadOnly, file, "not a directory"},
		{OpenReadOnly, dir, "not a mapscope watch directory (no index.jsonl)"},
		{Open, filepath.Join(file, "sub"), "not a directory"},
	} {
		_, err := tc.open(tc.dir)
		var ie *base.InputError
		if !errors.As(err, &ie) || ie.Name != tc.dir || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("opening %s: %v, want an InputError saying %q", tc.dir, err, tc.want)
		}
	}
}

// An index that cannot be written makes Add fail and the store refuse
// further writes; the next Open finds the snapshot whole, and adopts it.
func TestIndexWriteFails(t *testing.T) {
	dir := t.TempDir()
	st := mustOpen(t, dir)
	addN(t, st, 1)
	st.index.Close() // every write and truncate now fails
	_, err := st.Add(Snapshot{Kind: Heap, Data: testProfile(Heap, 2, 0)})
	if err == nil || !strings.Contains(err.Error(), "index.jsonl: cannot write") {
		t.Fatalf("Add with a failing index: %v", err)
	}
	if _, err := st.Add(Snapshot{Kind: Heap, Data: testProfile(Heap, 2, 0)}); err == nil || !strings.Contains(err.Error(), "an earlier write failed") {
		t.Errorf("Add after a failure: %v", err)
	}
	st.Close()
	st = mustOpen(t, dir)
	if got := st.List(); len(got) != 2 || !got[1].Adopted {
		t.Errorf("after reopening: %+v", got)
	}
}
