package snapshot

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// indexSeeds are index contents, whole and damaged, for FuzzIndex and for
// TestOpenIndexSeeds.
func indexSeeds() [][]byte {
	good := Entry{
		Seq: 1, Kind: Heap, Time: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
		Target: "http://127.0.0.1:8080/debug/pprof/heap", File: "heap-000001.pb.gz",
		Size: 10, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	}
	line, _ := formatLine(good)
	g2 := good
	g2.Seq, g2.Kind, g2.File = 2, Goroutine, "goroutine-000002.pb.gz"
	line2, _ := formatLine(g2)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	return [][]byte{
		nil,
		line,
		cat(line, line2),
		line[:len(line)/2],
		cat(line, line2[:10]),
		cat(line, line),
		[]byte("\n\n\n"),
		[]byte("{not json\n"),
		[]byte(`{"seq":1,"kind":"heap","file":"../../etc/passwd","size":1,"sha256":"00","time":"2026-03-01T10:00:00Z"}` + "\n"),
		[]byte(`{"seq":99999999999999999999,"kind":"heap"}` + "\n"),
		[]byte(`{"seq":-1,"kind":"goroutine","file":"goroutine--00001.pb.gz"}` + "\n"),
		[]byte("\x00\x00\x00\x00\n"),
		bytes.Repeat([]byte("x"), maxLine+1),
		cat(bytes.Repeat([]byte(" "), maxLine+1), []byte("\n"), line),
	}
}

// FuzzIndex feeds arbitrary bytes to the index reader. It must not
// panic, must accept only entries whose file names it would write itself,
// must account for every line, and must never list one snapshot twice.
func FuzzIndex(f *testing.F) {
	for _, seed := range indexSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, whole := parseIndex(data)
		if whole < 0 || whole > len(data) || whole > 0 && data[whole-1] != '\n' || bytes.IndexByte(data[whole:], '\n') >= 0 {
			t.Fatalf("whole = %d for %d bytes", whole, len(data))
		}
		for _, l := range lines {
			if l.err != nil {
				continue
			}
			k, seq, ok := parseFileName(l.entry.File)
			if !ok || k != l.entry.Kind || seq != l.entry.Seq || filepath.Base(l.entry.File) != l.entry.File {
				t.Fatalf("line %d: accepted entry %+v", l.n, l.entry)
			}
		}

		// The files of odd-numbered snapshots are damaged.
		s := &Store{dir: "d", used: make(map[key]bool)}
		s.takeLines(lines, func(e Entry) error {
			if e.Seq%2 == 1 {
				return errors.New("damaged")
			}
			return nil
		})
		s.sort()
		if len(s.entries)+len(s.skipped) != len(lines) {
			t.Fatalf("%d lines, %d entries, %d skipped", len(lines), len(s.entries), len(s.skipped))
		}
		for i, e := range s.entries {
			if e.Seq%2 == 1 || e.Path != filepath.Join("d", e.File) {
				t.Fatalf("listed %+v", e)
			}
			if i > 0 && compareEntries(s.entries[i-1], e) >= 0 {
				t.Fatalf("entries out of order or listed twice: %v", s.entries)
			}
		}
	})
}

// TestOpenIndexSeeds opens a store with each of FuzzIndex's seeds as its
// index: read-only, then for writing twice, where the second Open must
// find nothing left to repair. (FuzzIndex itself stays off the disk, so
// that it runs fast.)
func TestOpenIndexSeeds(t *testing.T) {
	for i, data := range indexSeeds() {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, indexFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		ro, err := OpenReadOnly(dir)
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		if len(ro.List()) != 0 {
			t.Errorf("seed %d: listed snapshots that have no files: %v", i, ro.List())
		}
		st, err := Open(dir)
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		skipped := st.Skipped()
		st.Close()
		st = mustOpen(t, dir)
		if r := st.Repairs(); len(r) != 0 {
			t.Errorf("seed %d: second Open repaired %q", i, r)
		}
		if !slices.Equal(st.Skipped(), skipped) {
			t.Errorf("seed %d: second Open skipped %q, first %q", i, st.Skipped(), skipped)
		}
		if _, err := st.Add(Snapshot{Kind: Heap, Data: []byte("x")}); err != nil {
			t.Errorf("seed %d: Add after opening: %v", i, err)
		}
		st.Close()
	}
}
