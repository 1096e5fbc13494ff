package heaptest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
	s := fmt.Sprintf("%s:%d: kind=%s", w.File, w.Line, w.Kind)
	if w.Map != "" {
		s += " map=" + w.Map
	}
	if w.Type != "" {
		s += " type=" + w.Type
	}
	if w.Also != "" {
		s += " also=" + w.Also
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

const wantMarker = "// want "

// Wants parses the "// want" annotations of every .go file in srcDir
// (not its subdirectories), sorted by file and line. A malformed
// annotation is an error naming its file and line.
func Wants(srcDir string) ([]Want, error) {
	files, err := filepath.Glob(filepath.Join(srcDir, "*.go"))
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", srcDir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no .go files in %s", srcDir)
	}
	sort.Strings(files)
	var wants []Want
	for _, file := range files {
		ws, err := fileWants(file)
		if err != nil {
			return nil, err
		}
		wants = append(wants, ws...)
	}
	return wants, nil
}

func fileWants(path string) ([]Want, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var wants []Want
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		i := strings.Index(text, wantMarker)
		if i < 0 {
			continue
		}
		w, err := parseWant(text[i+len(wantMarker):])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		w.File, w.Line = filepath.Base(path), line
		wants = append(wants, w)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return wants, nil
}

// parseWant parses the text after "// want ": either "none" or
// space-separated key=value fields.
func parseWant(text string) (Want, error) {
	fields := strings.Fields(text)
	if len(fields) == 1 && fields[0] == "none" {
		return Want{None: true}, nil
	}
	var w Want
	seen := map[string]bool{}
	for _, f := range fields {
		key, value, ok := strings.Cut(f, "=")
		if !ok || value == "" {
			return Want{}, fmt.Errorf("want annotation: %q is not key=value", f)
		}
		if seen[key] {
			return Want{}, fmt.Errorf("want annotation: %s given twice", key)
		}
		seen[key] = true
		switch key {
		case "kind":
			w.Kind = value
		case "map":
			w.Map = value
		case "type":
			w.Type = value
		case "also":
			w.Also = value
		default:
			return Want{}, fmt.Errorf("want annotation: unknown key %q", key)
		}
	}
	switch {
	case w.Kind == "":
		return Want{}, fmt.Errorf("want annotation: no kind= in %q", text)
	case !isKind(w.Kind):
		return Want{}, fmt.Errorf("want annotation: unknown kind %q", w.Kind)
	case w.Also != "" && !isKind(w.Also):
		return Want{}, fmt.Errorf("want annotation: unknown also kind %q", w.Also)
	case !isMapKind(w.Kind) && (w.Map != "" || w.Type != ""):
		return Want{}, fmt.Errorf("want annotation: map= and type= need a map kind, not %s", w.Kind)
	case isMapKind(w.Kind) && w.Kind != "syncmap" && w.Type == "":
		return Want{}, fmt.Errorf("want annotation: kind=%s needs type=", w.Kind)
	}
	return w, nil
}
