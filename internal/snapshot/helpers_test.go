package snapshot

import (
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

// testProfile returns a gzip-compressed profile of kind numbered seq,
// padded with about pad bytes of random comments so that writes take
// some time.
func testProfile(kind Kind, seq, pad int) []byte {
	fn := &profile.Function{ID: 1, Name: "main.fill", SystemName: "main.fill", Filename: "main.go"}
	loc := &profile.Location{ID: 1, Address: 0x1000, Line: []profile.Line{{Function: fn, Line: 10}}}
	p := &profile.Profile{
		Location:  []*profile.Location{loc},
		Function:  []*profile.Function{fn},
		TimeNanos: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(seq) * time.Minute).UnixNano(),
	}
	switch kind {
	case Heap:
		p.SampleType = []*profile.ValueType{
			{Type: "alloc_objects", Unit: "count"}, {Type: "alloc_space", Unit: "bytes"},
			{Type: "inuse_objects", Unit: "count"}, {Type: "inuse_space", Unit: "bytes"},
		}
		p.PeriodType = &profile.ValueType{Type: "space", Unit: "bytes"}
		p.Period = 512 * 1024
		p.Sample = []*profile.Sample{{Location: []*profile.Location{loc}, Value: []int64{int64(seq), int64(seq) * 4096, 1, 4096}}}
	default:
		p.SampleType = []*profile.ValueType{{Type: "goroutine", Unit: "count"}}
		p.PeriodType = &profile.ValueType{Type: "goroutine", Unit: "count"}
		p.Period = 1
		p.Sample = []*profile.Sample{{Location: []*profile.Location{loc}, Value: []int64{int64(seq)}}}
	}
	if pad > 0 {
		noise := padding()
		pad = min(pad, len(noise)/2)
		off := seq * 7919 % (len(noise) - pad)
		p.Comments = []string{noise[off : off+pad]}
	}
	// Stored, not compressed: deflate under the race detector is slow
	// enough to starve the crash tests of snapshots.
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.NoCompression)
	if err := p.WriteUncompressed(zw); err != nil {
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// padding is random text that profiles carry to have a size.
var padding = sync.OnceValue(func() string {
	b := make([]byte, 64<<10)
	rand.NewChaCha8([32]byte{1}).Read(b)
	return hex.EncodeToString(b)
})

// tempFiles lists the temporary files in dir.
func tempFiles(t testing.TB, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		if strings.HasPrefix(de.Name(), tempPrefix) {
			names = append(names, de.Name())
		}
	}
	return names
}

// mustOpen opens the store in dir for writing.
func mustOpen(t testing.TB, dir string) *Store {
	t.Helper()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// addN adds n heap snapshots to st.
func addN(t testing.TB, st *Store, n int) []Entry {
	t.Helper()
	var es []Entry
	for range n {
		seq := st.Next()
		e, err := st.Add(Snapshot{Kind: Heap, Target: "http://127.0.0.1:8080/debug/pprof/heap", Data: testProfile(Heap, seq, 0)})
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	return es
}

// seqs returns the sequence numbers of es.
func seqs(es []Entry) []int {
	var s []int
	for _, e := range es {
		s = append(s, e.Seq)
	}
	return s
}

func readIndex(t testing.TB, dir string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, indexFile))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// deadPid returns the process ID of a process that has exited.
func deadPid(t testing.TB) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}
