package facts

import (
	"os"
	"strings"
	"testing"
)

// TestCitedExist checks that every experiment advice cites has its
// section in docs/facts.md, so that no link leads nowhere.
func TestCitedExist(t *testing.T) {
	data, err := os.ReadFile("../../docs/facts.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if name, ok := strings.CutPrefix(line, "## "); ok {
			sections[strings.TrimSpace(name)] = true
		}
	}
	for _, name := range Cited {
		if !sections[name] {
			t.Errorf("docs/facts.md has no section %q", name)
		}
	}
	if got := URL(ClearFrees); got != BaseURL+"#clear-frees" {
		t.Errorf("URL(ClearFrees) = %q", got)
	}
}
