package heaptest

import (
	"fmt"
	"path/filepath"
	"sort"
)

// Want is one "// want" annotation of the corpus source: what a correct
// classifier reports for the bytes allocated at File:Line.
type Want struct {
	File string // base name of the source file, e.g. "scenarios.go"
	Line int    // 1-based line number

	// Kind is grow, make, clone, reflect, syncmap or nonmap; empty when
	// None is set.
	Kind string
	// Map is the map expression as written in the source (s.sessions) and
	// Type its type (map[string]*Session); both only for map kinds.
	Map, Type string
	// Also is a second kind allocated on the same line (nonmap for
	// m[k] = &T{...}); empty when the line allocates one kind only.
	Also string
	// None marks a line that must not allocate at all.
	None bool
}

func (w Want) String() string {
	if w.None {
		return fmt.Sprintf("%s:%d: none", w.File, w.Line)
	}
	s := fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Kind)
	if w.IsMap() {
		s += fmt.Sprintf(" %q %q", w.Map, w.Type)
	}
	if w.Also != "" {
		s += "; " + w.Also
	}
	return s
}

// IsMap reports whether Kind is one of the kinds that mean map storage.
func (w Want) IsMap() bool { return isMapKind(w.Kind) }

// Kinds lists every kind an annotation may name, in the order of DESIGN.md.
var Kinds = []string{"grow", "make", "clone", "reflect", "syncmap", "nonmap", "unknown"}

func isMapKind(k string) bool {
	switch k {
	case "grow", "make", "clone", "reflect", "syncmap":
		return true
	}
	return false
}

func isKind(k string) bool {
	for _, known := range Kinds {
		if k == known {
			return true
		}
	}
	return false
}

// Wants parses the annotations of the corpus source in srcDir, sorted by
// file and line. Each says what a correct classifier reports for the bytes
// allocated on its line, as clauses of a kind and, for map kinds, the map
// expression and its type:
//
//	m[i] = i * 2 // want: grow "m" "map[int]int"
//	m[i] = &T{}  // want: grow "m" "map[int]*T"; nonmap
//	p := &T{}    // want: nonmap
//	m[i] = i     // want: none
//
// A second clause is a second kind allocated on the same line (Also). A
// malformed annotation is an error naming its file and line.
func Wants(srcDir string) ([]Want, error) {
	anns, err := ReadAnnotations(srcDir, "main")
	if err != nil {
		return nil, err
	}
	if len(anns) == 0 {
		return nil, fmt.Errorf("no annotations in %s", srcDir)
	}
	var wants []Want
	for _, a := range anns {
		w, err := parseWant(a.Tokens)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", filepath.Join(srcDir, a.File), a.Line, err)
		}
		w.File, w.Line = a.File, a.Line
		wants = append(wants, w)
	}
	sort.SliceStable(wants, func(i, j int) bool {
		if wants[i].File != wants[j].File {
			return wants[i].File < wants[j].File
		}
		return wants[i].Line < wants[j].Line
	})
	return wants, nil
}

// parseWant interprets the tokens of one corpus annotation.
func parseWant(toks []Token) (Want, error) {
	var clauses [][]Token
	start := 0
	for i, t := range toks {
		if !t.Quoted && t.Text == ";" {
			clauses = append(clauses, toks[start:i])
			start = i + 1
		}
	}
	clauses = append(clauses, toks[start:])
	if len(clauses) == 1 && len(clauses[0]) == 1 && clauses[0][0].Text == "none" && !clauses[0][0].Quoted {
		return Want{None: true}, nil
	}
	if len(clauses) > 2 {
		return Want{}, fmt.Errorf("want annotation: at most two clauses, got %d", len(clauses))
	}
	var w Want
	for i, c := range clauses {
		if len(c) == 0 || c[0].Quoted {
			return Want{}, fmt.Errorf("want annotation: clause %d does not start with a kind", i+1)
		}
		kind := c[0].Text
		if !isKind(kind) {
			return Want{}, fmt.Errorf("want annotation: unknown kind %q", kind)
		}
		if i == 1 {
			if len(c) != 1 {
				return Want{}, fmt.Errorf("want annotation: the second clause is a kind alone, not %d tokens", len(c))
			}
			w.Also = kind
			continue
		}
		w.Kind = kind
		switch {
		case isMapKind(kind) && len(c) == 3 && c[1].Quoted && c[2].Quoted:
			w.Map, w.Type = c[1].Text, c[2].Text
		case isMapKind(kind) && len(c) == 2 && c[1].Quoted:
			w.Map = c[1].Text
		case isMapKind(kind):
			return Want{}, fmt.Errorf("want annotation: %s takes the map and its type as strings", kind)
		case len(c) != 1:
			return Want{}, fmt.Errorf("want annotation: %s takes no map or type", kind)
		}
	}
	if isMapKind(w.Kind) && w.Kind != "syncmap" && w.Type == "" {
		return Want{}, fmt.Errorf("want annotation: %s needs a type", w.Kind)
	}
	return w, nil
}
