package lab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// docsDir is the repository's docs directory; tests run in internal/lab.
var docsDir = filepath.Join("..", "..", "docs")

// Every experiment has its section in docs/lab.md and its anchor (a
// heading named after it) in docs/facts.md, which advice links to.
func TestDocsNameEveryExperiment(t *testing.T) {
	for _, doc := range []string{"lab.md", "facts.md"} {
		data, err := os.ReadFile(filepath.Join(docsDir, doc))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range Experiments() {
			if !strings.Contains(string(data), "## "+e.Name+"\n") {
				t.Errorf("docs/%s has no heading %q", doc, e.Name)
			}
		}
	}
}

// The verdicts in docs/facts.md agree with the expectations the tests
// check on each Go version: regenerate facts.md when an expectation
// changes (the command is at its top).
func TestFactsAgreeWithExpectations(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(docsDir, "facts.md"))
	if err != nil {
		t.Fatal(err)
	}
	var versions []string
	rows := 0
	for _, line := range strings.Split(string(data), "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) < 3 {
			continue
		}
		if cells[0] == "experiment" && cells[1] == "claim" {
			versions = cells[2:]
			continue
		}
		name, ok := strings.CutPrefix(cells[0], "[")
		if !ok || versions == nil {
			continue
		}
		name, _, _ = strings.Cut(name, "]")
		want := expected[name]
		if want == nil {
			t.Errorf("docs/facts.md: unknown experiment %q", name)
			continue
		}
		rows++
		for i, v := range versions {
			if i+2 >= len(cells) {
				t.Errorf("docs/facts.md: %s: no verdict for %s", name, v)
				continue
			}
			got := cells[i+2]
			wantWord := "does not hold"
			if want(goMinor(v)) {
				wantWord = "holds"
			}
			if got != wantWord {
				t.Errorf("docs/facts.md: %s on %s: %q, expected %q", name, v, got, wantWord)
			}
		}
	}
	if rows != len(Experiments()) {
		t.Errorf("docs/facts.md: %d experiment rows, want %d", rows, len(Experiments()))
	}
	if len(versions) == 0 {
		t.Error("docs/facts.md: no summary table")
	}
}
