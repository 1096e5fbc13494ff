package suite_test

import (
	"testing"

	"github.com/mapscope/mapscope/suite"
	"golang.org/x/tools/go/analysis"
)

func TestAnalyzersValid(t *testing.T) {
	if err := analysis.Validate(suite.Analyzers); err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]bool)
	for _, a := range suite.Analyzers {
		if seen[a.Name] {
			t.Errorf("analyzer %s listed twice", a.Name)
		}
		seen[a.Name] = true
		if a.Doc == "" || a.URL == "" {
			t.Errorf("analyzer %s: missing Doc or URL", a.Name)
		}
	}
	for _, name := range []string{"mapprealloc", "mapclear", "growonly", "poolmap"} {
		if !seen[name] {
			t.Errorf("suite lacks %s", name)
		}
	}
}
