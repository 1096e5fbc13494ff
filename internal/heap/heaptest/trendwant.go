package heaptest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
)

// A TrendWant is one clause of a "// want:" annotation of the trend
// scenarios (testdata/trend): what mapscope trend must say about the bytes
// allocated on its line over a run.
type TrendWant struct {
	// Scenario is the scenario whose directory holds the line ("cache"),
	// or "" for a package every scenario runs (internal/decoy).
	Scenario string
	File     string // slash-separated, relative to the module root: "cache/main.go"
	Line     int

	// Verdicts lists the verdicts trend may give the map site of the
	// line, in the words of package trend; nil for a non-map leak.
	Verdicts []string
	// Map is the map expression as written (s.items) and Type its type as
	// the source analysis prints it (map[string]Item).
	Map, Type string
	// Garbage marks map storage that dies young (per-request maps): it
	// shows in alloc figures, hardly in in-use ones, and is never a leak.
	Garbage bool
	// NonMapLeak marks bytes that grow but are not map storage: no map
	// site may be reported for them.
	NonMapLeak bool
}

// TrendVerdicts are the verdicts an annotation may name, as package trend
// spells them, from the most to the least worrying.
var TrendVerdicts = []string{"leak", "growing", "plateau", "shrinking", "stable"}

// IsLeak reports whether trend must call the site a leak: the only verdict
// the annotation allows is leak. In its scenario such a site must also
// rank first.
func (w TrendWant) IsLeak() bool { return len(w.Verdicts) == 1 && w.Verdicts[0] == "leak" }

// Allows reports whether verdict is one trend may give the line's map
// site.
func (w TrendWant) Allows(verdict string) bool { return slices.Contains(w.Verdicts, verdict) }

// IsMap reports whether the want is about map storage (every clause but
// nonmap-leak).
func (w TrendWant) IsMap() bool { return !w.NonMapLeak }

func (w TrendWant) String() string {
	s := fmt.Sprintf("%s:%d: ", w.File, w.Line)
	switch {
	case w.NonMapLeak:
		return s + "nonmap-leak"
	case w.Garbage:
		s += "garbage"
	case slices.Equal(w.Verdicts, TrendVerdicts):
		s += "minor"
	case !w.Allows("leak") && len(w.Verdicts) == len(TrendVerdicts)-1:
		s += "notleak"
	default:
		s += strings.Join(w.Verdicts, " or ")
	}
	return s + fmt.Sprintf(" %q %q", w.Map, w.Type)
}

// TrendWants parses the annotations of the trend scenarios under dir (the
// module root, testdata/trend), one TrendWant per clause, by file and
// line. The words, after "// want:":
//
//	leak "s.items" "map[string]Item"         the map at this line leaks: trend
//	                                         must say leak and rank it first
//	plateau "d.seen" "map[int64]int64"       a map that must get this verdict
//	plateau or stable "c.items" "map[..]..." one of these verdicts
//	notleak "m" "map[int]int"                any verdict but leak
//	minor "c.docs" "map[string]..."          a real leak too small to see at the
//	                                         default MemProfileRate: any verdict,
//	                                         but never ranked above the leak
//	garbage "counts" "map[string]int"        map storage that dies young: large
//	                                         alloc figures, no in-use growth, never
//	                                         a leak
//	nonmap-leak                              bytes that grow but are no map:
//	                                         never reported as a map site
//
// The verdicts are those of package trend (TrendVerdicts). Every map
// clause names the map as written and its type as the source analysis
// prints it (types of the line's own package unqualified). Clauses are
// separated by ";" when a line holds two kinds of bytes:
//
//	json.Unmarshal(data, &doc) // want: leak "doc" "map[string]any"; nonmap-leak
//
// A malformed annotation is an error naming its file and line.
func TrendWants(dir string) ([]TrendWant, error) {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return nil, err
	}
	modPath := modfile.ModulePath(data)
	if modPath == "" {
		return nil, fmt.Errorf("%s: no module path", filepath.Join(dir, "go.mod"))
	}
	anns, err := ReadAnnotations(dir, modPath)
	if err != nil {
		return nil, err
	}
	if len(anns) == 0 {
		return nil, fmt.Errorf("no annotations in %s", dir)
	}
	var wants []TrendWant
	for _, a := range anns {
		clauses, err := parseTrendWant(a.Tokens)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", filepath.Join(dir, a.File), a.Line, err)
		}
		scenario, _, _ := strings.Cut(a.File, "/")
		if scenario == "internal" || !strings.Contains(a.File, "/") {
			scenario = ""
		}
		for _, w := range clauses {
			w.Scenario, w.File, w.Line = scenario, a.File, a.Line
			wants = append(wants, w)
		}
	}
	// ReadAnnotations walks in lexical order, files and lines in order.
	return wants, nil
}

// ScenarioWants returns the wants that apply to a run of scenario: its
// own and those of the packages every scenario shares.
func ScenarioWants(wants []TrendWant, scenario string) []TrendWant {
	var out []TrendWant
	for _, w := range wants {
		if w.Scenario == scenario || w.Scenario == "" {
			out = append(out, w)
		}
	}
	return out
}

// parseTrendWant interprets the tokens of one annotation.
func parseTrendWant(toks []Token) ([]TrendWant, error) {
	toks = joinHyphens(toks)
	var out []TrendWant
	for len(toks) > 0 {
		end := len(toks)
		for i, t := range toks {
			if !t.Quoted && t.Text == ";" {
				end = i
				break
			}
		}
		w, err := parseTrendClause(toks[:end])
		if err != nil {
			return nil, err
		}
		out = append(out, w)
		if end == len(toks) {
			break
		}
		toks = toks[end+1:]
		if len(toks) == 0 {
			return nil, fmt.Errorf("want annotation: empty clause after ';'")
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("want annotation: empty")
	}
	return out, nil
}

func parseTrendClause(c []Token) (TrendWant, error) {
	if len(c) == 0 {
		return TrendWant{}, fmt.Errorf("want annotation: empty clause")
	}
	var w TrendWant
	var words, names []Token
	for i, t := range c {
		if t.Quoted {
			names = c[i:]
			break
		}
		words = append(words, t)
	}
	for _, n := range names {
		if !n.Quoted {
			return TrendWant{}, fmt.Errorf("want annotation: word %q after the map", n.Text)
		}
	}
	switch {
	case len(words) == 0:
		return TrendWant{}, fmt.Errorf("want annotation: clause starts with %q, not a word", c[0].Text)
	case words[0].Text == "nonmap-leak":
		if len(c) != 1 {
			return TrendWant{}, fmt.Errorf("want annotation: nonmap-leak takes nothing after it")
		}
		return TrendWant{NonMapLeak: true}, nil
	case words[0].Text == "notleak" || words[0].Text == "garbage" || words[0].Text == "minor":
		if len(words) != 1 {
			return TrendWant{}, fmt.Errorf("want annotation: %s takes no other words", words[0].Text)
		}
		w.Garbage = words[0].Text == "garbage"
		w.Verdicts = slices.Clone(TrendVerdicts)
		if words[0].Text != "minor" {
			w.Verdicts = slices.DeleteFunc(w.Verdicts, func(v string) bool { return v == "leak" })
		}
	default:
		for i, t := range words {
			if i%2 == 1 {
				if t.Text != "or" {
					return TrendWant{}, fmt.Errorf("want annotation: %q where \"or\" or the map should be", t.Text)
				}
				continue
			}
			if !slices.Contains(TrendVerdicts, t.Text) {
				return TrendWant{}, fmt.Errorf("want annotation: unknown word %q", t.Text)
			}
			if slices.Contains(w.Verdicts, t.Text) {
				return TrendWant{}, fmt.Errorf("want annotation: verdict %s twice", t.Text)
			}
			w.Verdicts = append(w.Verdicts, t.Text)
		}
		if len(words)%2 == 0 {
			return TrendWant{}, fmt.Errorf("want annotation: \"or\" without a verdict after it")
		}
	}
	if len(names) != 2 || names[0].Text == "" || names[1].Text == "" {
		return TrendWant{}, fmt.Errorf("want annotation: %s takes the map and its type as strings", words[0].Text)
	}
	w.Map, w.Type = names[0].Text, names[1].Text
	return w, nil
}

// joinHyphens makes one word of word-word (nonmap-leak), which the Go
// scanner reads as three tokens.
func joinHyphens(toks []Token) []Token {
	var out []Token
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		for !t.Quoted && isWord(t.Text) && i+2 < len(toks) && toks[i+1].Text == "-" && !toks[i+1].Quoted && !toks[i+2].Quoted && isWord(toks[i+2].Text) {
			t.Text += "-" + toks[i+2].Text
			i += 2
		}
		out = append(out, t)
	}
	return out
}

func isWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
