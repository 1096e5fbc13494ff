package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/mapscope/mapscope/internal/cpuprof"
	"github.com/mapscope/mapscope/internal/mapruntime/mapop"
)

const ms = int64(1e6)

func cpuSites() []*cpuprof.Site {
	grow := &cpuprof.Site{
		Function: "main.(*Index).Build", File: "/build/svc/index.go", Line: 41, Entry: "runtime.mapassign_faststr",
		Samples: 90, Expr: "idx.byName", Type: "map[string]*Doc", LoopLine: 40, LoopTrips: "len(docs)",
	}
	grow.CPU[mapop.Grow], grow.CPU[mapop.Assign], grow.CPU[mapop.Hash] = 610*ms, 230*ms, 60*ms
	decode := &cpuprof.Site{
		Function: "main.load", File: "/build/svc/load.go", Line: 12, Entry: "reflect.mapassign_faststr0", Library: "reflect", Samples: 12,
		Path: []string{"main.load", "encoding/json", "reflect", "reflect.mapassign_faststr0"},
	}
	decode.CPU[mapop.Grow], decode.CPU[mapop.Assign] = 70*ms, 50*ms
	lookup := &cpuprof.Site{Function: "main.(*Index).Get", File: "/build/svc/index.go", Line: 55, Entry: "runtime.mapaccess2_faststr", Samples: 30}
	lookup.CPU[mapop.Lookup], lookup.CPU[mapop.Hash] = 200*ms, 100*ms
	clr := &cpuprof.Site{Function: "main.(*Batch).Reset", File: "/build/svc/batch.go", Line: 19, Entry: "runtime.mapclear", Samples: 8, Expr: "b.seen"}
	clr.CPU[mapop.Clear] = 80 * ms
	return []*cpuprof.Site{grow, lookup, decode, clr}
}

func cpuResult(sites []*cpuprof.Site) *cpuprof.Result {
	r := &cpuprof.Result{Duration: 30e9, Sites: sites}
	for _, s := range sites {
		r.Map.Add(&s.CPU)
		r.Samples += int64(s.Samples)
	}
	r.Total = r.Map.Total() + 1000*ms
	r.Samples += 100
	return r
}

func TestCPUGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   CPUInput
	}{
		{"cpu", CPUInput{Profile: "cpu.pprof", Result: cpuResult(cpuSites()), Evidence: []string{"stack", "source"}}},
		{"cpu-nomaps", CPUInput{Profile: "cpu.pprof", Result: cpuResult(nil), Evidence: []string{"stack"},
			Warnings: []string{"only 100 samples: each is one sampling period (10 ms at the default rate), so the figures are rough"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCPU(tc.in)
			var text, js bytes.Buffer
			if err := c.WriteText(&text, 10); err != nil {
				t.Fatal(err)
			}
			if err := c.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".txt", text.Bytes())
			golden(t, tc.name+".json", js.Bytes())
		})
	}
}

// The JSON names are a contract (docs/json.md): every documented field is
// there, sites is an array even when empty, and the figures add up.
func TestCPUJSON(t *testing.T) {
	var js bytes.Buffer
	if err := NewCPU(CPUInput{Profile: "p", Result: cpuResult(cpuSites()), Evidence: []string{"stack"}}).WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "command", "profile", "evidence", "duration_seconds", "total_seconds", "samples", "map_seconds", "map_share", "ops", "sites"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	site := doc["sites"].([]any)[0].(map[string]any)
	for _, k := range []string{"function", "file", "line", "seconds", "share", "ops", "grow_share", "samples", "calls"} {
		if _, ok := site[k]; !ok {
			t.Errorf("site has no %q", k)
		}
	}
	ops := site["ops"].(map[string]any)
	var sum float64
	for _, k := range []string{"lookup", "assign", "grow", "delete", "clear", "iterate", "hash", "make", "clone"} {
		v, ok := ops[k].(float64)
		if !ok {
			t.Errorf("ops has no %q", k)
		}
		sum += v
	}
	if sec := site["seconds"].(float64); sum < sec-1e-6 || sum > sec+1e-6 || site["grow_share"].(float64) != 0.6778 {
		t.Errorf("ops add up to %v for %v seconds; grow_share %v", sum, sec, site["grow_share"])
	}
	var empty bytes.Buffer
	NewCPU(CPUInput{Profile: "p", Result: cpuResult(nil)}).WriteJSON(&empty)
	if !bytes.Contains(empty.Bytes(), []byte(`"sites": []`)) {
		t.Errorf("no sites is not an empty array:\n%s", empty.Bytes())
	}
}

func TestDuration(t *testing.T) {
	for sec, want := range map[float64]string{0: "0", 123: "123 s", 1.234: "1.23 s", 0.456: "456 ms", 0.0078: "7.8 ms", 0.00012: "120 µs"} {
		if got := Duration(sec); got != want {
			t.Errorf("Duration(%v) = %q, want %q", sec, got, want)
		}
	}
}
