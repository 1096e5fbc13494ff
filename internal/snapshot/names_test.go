package snapshot

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFileNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind Kind
		seq  int
	}{
		{"heap-000001.pb.gz", Heap, 1},
		{"goroutine-123456.pb.gz", Goroutine, 123456},
		{"heap-1234567.pb.gz", Heap, 1234567},
	} {
		if got := fileName(tc.kind, tc.seq); got != tc.name {
			t.Errorf("fileName(%s, %d) = %s", tc.kind, tc.seq, got)
		}
		if k, seq, ok := parseFileName(tc.name); !ok || k != tc.kind || seq != tc.seq {
			t.Errorf("parseFileName(%s) = %s, %d, %v", tc.name, k, seq, ok)
		}
	}
	for _, bad := range []string{
		"heap-00001.pb.gz", "heap-0000001.pb.gz", "heap-000000.pb.gz", "cpu-000001.pb.gz",
		"heap-000001.pb", "heap-00000a.pb.gz", "heap--00001.pb.gz", "heap-+00001.pb.gz",
		"heap-99999999999999999999.pb.gz", ".tmp-heap-000001.pb.gz-1", "heap_000001.pb.gz",
	} {
		if _, _, ok := parseFileName(bad); ok {
			t.Errorf("parseFileName(%s) accepted it", bad)
		}
	}
}

func TestTargetDir(t *testing.T) {
	for url, want := range map[string]string{
		"http://127.0.0.1:8080/debug/pprof/heap":                           "127.0.0.1_8080",
		"http://127.0.0.1:8080":                                            "127.0.0.1_8080",
		"http://127.0.0.1:8080/debug/pprof/goroutine?debug=2":              "127.0.0.1_8080",
		"https://user:pw@Svc.Internal/admin/debug/pprof/heap?token=secret": "svc.internal_admin",
		"http://[::1]:6060/debug/pprof/heap":                               "ipv6-1_6060",
		"http://[fe80::1%25eth0]:6060/":                                    "ipv6-fe80--1_eth0_6060",
		"http://h:1/a b/../c/debug/pprof":                                  "h_1_a_b_.._c",
		"http://..:1/":                                                     "1",
		"":                                                                 "target",
		"not a url?token=secret":                                           "not_a_url",
		"-leading/dash":                                                    "leading_dash",
	} {
		if got := TargetDir("root", url); got != filepath.Join("root", want) {
			t.Errorf("TargetDir(%q) = %s, want root/%s", url, got, want)
		}
	}
	long := TargetDir("root", "http://h/"+strings.Repeat("segment/", 30))
	if len(filepath.Base(long)) > 80 || !strings.HasPrefix(filepath.Base(long), "h_segment_segment") {
		t.Errorf("long target: %s", long)
	}
	if TargetDir("root", "http://h/"+strings.Repeat("segment/", 30)+"x") == long {
		t.Error("two long targets share a directory")
	}
}

func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{
		"heap.10.pb.gz", "heap.2.pb.gz", "heap.1.pb.gz", "heap-x", "notes.txt", "summary.json",
		".hidden.pb.gz", "cpu.pprof", "a.prof", "b.pb", "c.gz", "HEAP.PB.GZ",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(dir, "sub.pb.gz"), 0o777)
	linked := os.Symlink(filepath.Join(dir, "heap.1.pb.gz"), filepath.Join(dir, "link.pb.gz")) == nil
	os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "dangling.pb.gz"))

	es, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, e := range es {
		names = append(names, e.File)
		if e.Seq != i+1 || e.Path != filepath.Join(dir, e.File) || e.Size != int64(len(e.File)) && e.File != "link.pb.gz" {
			t.Errorf("entry %+v", e)
		}
	}
	want := []string{"HEAP.PB.GZ", "a.prof", "b.pb", "c.gz", "cpu.pprof", "heap-x", "heap.1.pb.gz", "heap.2.pb.gz", "heap.10.pb.gz"}
	if linked {
		want = append(want, "link.pb.gz")
	}
	if !slices.Equal(names, want) {
		t.Errorf("ReadDir = %q\nwant     %q", names, want)
	}
	if data, err := es[6].Read(); err != nil || string(data) != "heap.1.pb.gz" {
		t.Errorf("Read: %q, %v", data, err)
	}
	if _, err := ReadDir(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "missing: no such file or directory") {
		t.Errorf("ReadDir of a missing directory: %v", err)
	}
}

func TestNaturalCompare(t *testing.T) {
	names := []string{"s10", "s9", "s010", "s1", "t", "s", "s1a", "s1b2", "s1b10", "9", "10"}
	slices.SortFunc(names, naturalCompare)
	want := []string{"9", "10", "s", "s1", "s1a", "s1b2", "s1b10", "s9", "s10", "s010", "t"}
	// s10 and s010 compare equal; their order is not defined.
	if !slices.Equal(names[:8], want[:8]) || names[10] != "t" {
		t.Errorf("natural order %q", names)
	}
}
