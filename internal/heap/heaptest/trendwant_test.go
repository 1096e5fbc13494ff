package heaptest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mapscope/mapscope/internal/trend"
)

func TestParseTrendWant(t *testing.T) {
	notLeak := []string{"growing", "plateau", "shrinking", "stable"}
	good := []struct {
		text string
		want []TrendWant
	}{
		{`leak "s.items" "map[string]Item"`, []TrendWant{{Verdicts: []string{"leak"}, Map: "s.items", Type: "map[string]Item"}}},
		{`plateau "d.seen" "map[int64]int64"`, []TrendWant{{Verdicts: []string{"plateau"}, Map: "d.seen", Type: "map[int64]int64"}}},
		{`plateau or stable or growing "c.items" "map[int64]quote"`, []TrendWant{{Verdicts: []string{"plateau", "stable", "growing"}, Map: "c.items", Type: "map[int64]quote"}}},
		{`notleak "m" "map[int]int"`, []TrendWant{{Verdicts: notLeak, Map: "m", Type: "map[int]int"}}},
		{`garbage "counts" "map[string]int"`, []TrendWant{{Verdicts: notLeak, Garbage: true, Map: "counts", Type: "map[string]int"}}},
		{`minor "c.docs" "map[string]map[string]any"`, []TrendWant{{Verdicts: TrendVerdicts, Map: "c.docs", Type: "map[string]map[string]any"}}},
		{`nonmap-leak`, []TrendWant{{NonMapLeak: true}}},
		{`leak "doc" "map[string]any"; nonmap-leak`, []TrendWant{
			{Verdicts: []string{"leak"}, Map: "doc", Type: "map[string]any"},
			{NonMapLeak: true},
		}},
	}
	for _, tt := range good {
		got, err := parseTrendWantText(tt.text)
		if err != nil || !slices.EqualFunc(got, tt.want, equalTrendWant) {
			t.Errorf("parseTrendWant(%q) = %v, %v; want %v", tt.text, got, err, tt.want)
			continue
		}
		// String writes the annotation back, after the file and line.
		var texts []string
		for _, w := range got {
			_, text, _ := strings.Cut(w.String(), ": ")
			texts = append(texts, text)
		}
		if s := strings.Join(texts, "; "); s != tt.text {
			t.Errorf("parseTrendWant(%q) prints as %q", tt.text, s)
		}
	}
	bad := []string{
		``,
		`leak`,
		`leak "m"`,
		`leak "m" ""`,
		`leak "m" "map[int]int" "extra"`,
		`"m" "map[int]int"`,
		`leaks "m" "map[int]int"`,
		`leak or "m" "map[int]int"`,
		`leak stable "m" "map[int]int"`,
		`or leak "m" "map[int]int"`,
		`stable or stable "m" "map[int]int"`,
		`notleak or stable "m" "map[int]int"`,
		`garbage`,
		`nonmap-leak "m" "map[int]int"`,
		`nonmap leak`,
		`nonmap`,
		`leak "m" "map[int]int";`,
		`; leak "m" "map[int]int"`,
		`leak "m" "map[int]int" stable`,
		`leak "unterminated`,
	}
	for _, text := range bad {
		if w, err := parseTrendWantText(text); err == nil {
			t.Errorf("parseTrendWant(%q) = %v, want an error", text, w)
		}
	}
}

func parseTrendWantText(text string) ([]TrendWant, error) {
	toks, err := ScanAnnotation(text)
	if err != nil {
		return nil, err
	}
	return parseTrendWant(toks)
}

func equalTrendWant(a, b TrendWant) bool {
	return slices.Equal(a.Verdicts, b.Verdicts) && a.Map == b.Map && a.Type == b.Type &&
		a.Garbage == b.Garbage && a.NonMapLeak == b.NonMapLeak
}

// TestTrendVerdicts keeps the annotations' words those of package trend.
func TestTrendVerdicts(t *testing.T) {
	var words []string
	for _, v := range trend.Verdicts {
		words = append(words, string(v))
	}
	if !slices.Equal(words, TrendVerdicts) {
		t.Errorf("TrendVerdicts = %v, trend.Verdicts = %v", TrendVerdicts, words)
	}
}

func TestTrendWantsErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := TrendWants(dir); err == nil {
		t.Error("TrendWants of a directory without go.mod: no error")
	}
	write := func(name, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/x\n\ngo 1.23\n")
	if _, err := TrendWants(dir); err == nil {
		t.Error("TrendWants without annotations: no error")
	}
	write("a/main.go", "package main\n\nvar m = map[int]int{}\n\nfunc main() {\n\tm[1] = 1 // want: leak \"m\"\n}\n")
	_, err := TrendWants(dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join("a", "main.go")+":6:") {
		t.Errorf("TrendWants with a bad annotation on a/main.go:6: err = %v", err)
	}
	write("a/main.go", "package main\n\nvar m = map[int]int{}\n\nfunc main() {\n\tm[1] = 1 // want: leak \"m\" \"map[int]int\"\n}\n")
	write("internal/d/d.go", "package d\n\nvar s []int\n\nfunc F() {\n\ts = append(s, 1) // want: nonmap-leak\n}\n")
	wants, err := TrendWants(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(wants) != 2 || wants[0].Scenario != "a" || wants[0].File != "a/main.go" || wants[0].Line != 6 ||
		wants[1].Scenario != "" || wants[1].File != "internal/d/d.go" || !wants[1].NonMapLeak {
		t.Errorf("TrendWants = %v", wants)
	}
	if got := ScenarioWants(wants, "b"); len(got) != 1 || got[0].File != "internal/d/d.go" {
		t.Errorf("ScenarioWants(b) = %v, want the shared want only", got)
	}
}

// TestScenarioAnnotations checks the annotations of testdata/trend: each
// is on a line of code that names its map, and every scenario has what
// the trend tests need (a non-map leak, the decoys, its own problem).
func TestScenarioAnnotations(t *testing.T) {
	wants, err := TrendWants(TrendDir())
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string][]string{}
	for _, w := range wants {
		if lines[w.File] == nil {
			data, err := os.ReadFile(filepath.Join(TrendDir(), w.File))
			if err != nil {
				t.Fatal(err)
			}
			lines[w.File] = strings.Split(string(data), "\n")
		}
		code, _, _ := strings.Cut(lines[w.File][w.Line-1], annotationPrefix)
		code = strings.TrimSpace(code)
		if code == "" || strings.HasPrefix(code, "//") {
			t.Errorf("%v: annotation on a line without code", w)
		}
		if w.IsMap() && !strings.Contains(code, w.Map) {
			t.Errorf("%v: map %s is not on the line %q", w, w.Map, code)
		}
		if w.Scenario != "" && !slices.Contains(ScenarioNames, w.Scenario) {
			t.Errorf("%v: not in a scenario's directory nor in a shared package", w)
		}
	}
	for _, name := range ScenarioNames {
		var leaks, decoys, nonMap, own int
		for _, w := range ScenarioWants(wants, name) {
			switch {
			case w.NonMapLeak:
				nonMap++
			case w.IsLeak():
				leaks++
			case !w.Allows("leak"):
				decoys++
			}
			if w.Scenario == name {
				own++
			}
		}
		if leaks > 1 || nonMap == 0 || decoys < 2 || own == 0 {
			t.Errorf("scenario %s: %d leaks (at most 1), %d non-map leaks, %d decoys (at least 2), %d annotations of its own",
				name, leaks, nonMap, decoys, own)
		}
	}
}
