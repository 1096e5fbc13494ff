package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/heap/heapprof"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func result(sites ...*heap.Site) *heap.Result {
	r := &heap.Result{Figures: heapprof.Figures{Sample: "inuse"}, Sites: sites}
	for _, s := range sites {
		r.Total += s.Bytes
		r.Objects += s.Objects
	}
	r.Total += 1 << 20 // bytes outside any site shown here
	return r
}

func sessions(bytes int64) *heap.Site {
	return &heap.Site{
		Function: "main.(*Store).Add", File: "/build/svc/store.go", Line: 63,
		Kind: heap.Grow, Evidence: []heap.Evidence{heap.FromBinary, heap.FromSource},
		Map: "s.sessions", Type: "map[string]*Session", Bytes: bytes, Objects: 40, Samples: 40,
		Path: []string{"main.handle", "net/http", "main.(*Store).Add"},
	}
}

var (
	decode = &heap.Site{
		Function: "main.decode", File: "/build/svc/decode.go", Line: 12, Kind: heap.Reflect,
		Evidence: []heap.Evidence{heap.FromStack, heap.FromSource}, Map: "m", Type: "map[string]any",
		Bytes: 3 << 20, Objects: 9, Samples: 9, Path: []string{"main.decode", "encoding/json", "reflect.mapassign_faststr0"},
	}
	object = &heap.Site{
		Function: "main.newT", File: "/build/svc/t.go", Line: 5, Kind: heap.NonMap,
		Evidence: []heap.Evidence{heap.FromBinary}, Bytes: 2 << 20, Objects: 100, Samples: 100,
	}
	library = &heap.Site{
		Function: "main.serve", File: "/build/svc/main.go", Line: 30, Kind: heap.Unknown,
		Bytes: 512 << 10, Objects: 3, Samples: 3,
		Note: "allocated inside net/textproto.(*Reader).ReadLine, outside your code: -binary tells whether it is map storage",
	}
)

func TestHeapGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   HeapInput
	}{
		{"heap", HeapInput{Profile: "heap.pb.gz", Result: result(sessions(8<<20), decode, object, library), Evidence: []string{"stack", "binary", "source"}}},
		{"base", HeapInput{
			Profile: "new.pb.gz", Base: "old.pb.gz",
			Result:   result(sessions(8<<20), decode, object),
			BaseRes:  result(sessions(1<<20), object),
			Evidence: []string{"stack", "binary", "source"},
		}},
		{"nomaps", HeapInput{Profile: "heap.pb.gz", Result: result(object), Evidence: []string{"stack"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := NewHeap(tc.in)
			var text, js bytes.Buffer
			if err := h.WriteText(&text, 10); err != nil {
				t.Fatal(err)
			}
			if err := h.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".txt", text.Bytes())
			golden(t, tc.name+".json", js.Bytes())
		})
	}
}

func TestHeapFigures(t *testing.T) {
	h := NewHeap(HeapInput{Profile: "p", Result: result(sessions(8<<20), decode, object, library)})
	if want := int64(8<<20 + 3<<20); h.MapBytes != want {
		t.Errorf("MapBytes = %d, want %d", h.MapBytes, want)
	}
	if h.ByKind["nonmap"] != 2<<20 || h.ByKind["unknown"] != 512<<10 || h.ByKind["clone"] != 0 {
		t.Errorf("ByKind = %v", h.ByKind)
	}
	if _, ok := h.ByKind["syncmap"]; !ok {
		t.Error("ByKind leaves out a kind with no bytes; the schema promises every kind")
	}
	b := NewHeap(HeapInput{Profile: "new", Base: "old", Result: result(sessions(8 << 20)), BaseRes: result(sessions(1<<20), object)})
	var gone *Site
	for i := range b.Sites {
		if b.Sites[i].Function == "main.newT" {
			gone = &b.Sites[i]
		}
	}
	if gone == nil || *gone.DeltaBytes != -(2<<20) || gone.Bytes != 0 {
		t.Errorf("a site only in the base must appear with a negative delta: %+v", gone)
	}
	if *b.Sites[0].DeltaBytes != 7<<20 {
		t.Errorf("largest change first: got %d", *b.Sites[0].DeltaBytes)
	}
	var round Heap
	var js bytes.Buffer
	b.WriteJSON(&js)
	if err := json.Unmarshal(js.Bytes(), &round); err != nil || round.Schema != Schema {
		t.Errorf("JSON does not round-trip: %v", err)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}
