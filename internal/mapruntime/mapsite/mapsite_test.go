package mapsite_test

import (
	"encoding/json"
	"maps"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/mapscope/mapscope/internal/mapruntime/mapkind"
	"github.com/mapscope/mapscope/internal/mapruntime/mapsite"
)

var (
	keepGrown   map[int]int
	keepMade    map[int]int
	keepCloned  map[int]int
	keepDecoded map[string]int
	keepSync    sync.Map
	keepSlice   []byte
)

//go:noinline
func growMap() {
	keepGrown = map[int]int{}
	for i := 0; i < 5000; i++ {
		keepGrown[i] = i
	}
}

//go:noinline
func makeMap() { keepMade = make(map[int]int, 3000) }

//go:noinline
func cloneMap() { keepCloned = maps.Clone(keepGrown) }

//go:noinline
func decodeMap() {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 200; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `":1`)
	}
	b.WriteString("}")
	if err := json.Unmarshal([]byte(b.String()), &keepDecoded); err != nil {
		panic(err)
	}
}

//go:noinline
func storeSync() {
	for i := 0; i < 300; i++ {
		keepSync.Store(i, i)
	}
}

//go:noinline
func allocSlice() { keepSlice = make([]byte, 1<<20) }

func TestSitesClassifiesEveryKind(t *testing.T) {
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	defer func() { runtime.MemProfileRate = old }()

	growMap()
	makeMap()
	cloneMap()
	decodeMap()
	storeSync()
	allocSlice()
	runtime.GC()

	sites := mapsite.NewClassifier().Sites(mapsite.ReadMemProfile(nil), 1)
	found := map[string]mapsite.Usage{}
	for _, u := range sites {
		name := u.Function[strings.LastIndexByte(u.Function, '.')+1:]
		if u.InUseBytes > 0 {
			found[name+"/"+string(u.Kind)] = u
		}
	}
	for _, want := range []string{"growMap/grow", "makeMap/make", "cloneMap/clone", "decodeMap/reflect", "storeSync/syncmap"} {
		u, ok := found[want]
		if !ok {
			t.Errorf("no map site %s; found %v", want, keys(found))
			continue
		}
		if !strings.HasSuffix(u.File, "mapsite_test.go") || u.Line == 0 {
			t.Errorf("site %s attributed to %s:%d, want a line of mapsite_test.go", want, u.File, u.Line)
		}
	}
	for k := range found {
		if strings.HasPrefix(k, "allocSlice/") {
			t.Errorf("slice allocation classified as map storage: %s", k)
		}
	}
	// A 5000-entry map[int]int holds at least 16 bytes per entry in its
	// final tables (Swiss) or bucket array (noswissmap): the grow site
	// must hold them.
	if got := found["growMap/grow"].InUseBytes; got < 5000*16 {
		t.Errorf("growMap in-use bytes = %d, want >= %d", got, 5000*16)
	}
}

func keys(m map[string]mapsite.Usage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSiteString(t *testing.T) {
	s := mapsite.Site{Function: "example.com/svc/api.(*Server).login", File: "/src/svc/api/server.go", Line: 42, Kind: mapkind.Grow}
	if got, want := s.String(), "api.(*Server).login server.go:42"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestExcludedPackages(t *testing.T) {
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	defer func() { runtime.MemProfileRate = old }()
	growMap()
	runtime.GC()
	c := mapsite.NewClassifier("github.com/mapscope/mapscope/internal/mapruntime/mapsite_test")
	for _, u := range c.Sites(mapsite.ReadMemProfile(nil), 1) {
		if strings.Contains(u.Function, "mapsite_test.") {
			t.Errorf("excluded package still reported: %s", u.Site)
		}
	}
}

func TestScaleHeapSample(t *testing.T) {
	if c, s := mapsite.ScaleHeapSample(0, 0, 512*1024); c != 0 || s != 0 {
		t.Errorf("zero sample scaled to %d,%d", c, s)
	}
	if c, s := mapsite.ScaleHeapSample(3, 300, 1); c != 3 || s != 300 {
		t.Errorf("rate 1 scaled to %d,%d", c, s)
	}
	// A 1 MiB object at the default rate is sampled with probability
	// 1-exp(-2) = 0.8647, so one sample stands for 1.156 objects.
	c, s := mapsite.ScaleHeapSample(1, 1<<20, 512*1024)
	if c != 1 || s < 1212000 || s > 1213000 {
		t.Errorf("1 MiB sample scaled to %d objects, %d bytes; want 1, ~1212601", c, s)
	}
}
