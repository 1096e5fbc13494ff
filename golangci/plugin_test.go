package golangci

import (
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"github.com/mapscope/mapscope/suite"
)

func TestRegistered(t *testing.T) {
	newPlugin, err := register.GetPlugin("mapscope")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != len(suite.Analyzers) {
		t.Errorf("got %d analyzers, want the whole suite (%d)", len(as), len(suite.Analyzers))
	}
	if p.GetLoadMode() != register.LoadModeTypesInfo {
		t.Errorf("load mode %q, want %q", p.GetLoadMode(), register.LoadModeTypesInfo)
	}
}

func TestDisable(t *testing.T) {
	p, err := New(map[string]any{"disable": []string{"mapclear"}})
	if err != nil {
		t.Fatal(err)
	}
	as, _ := p.BuildAnalyzers()
	for _, a := range as {
		if a.Name == "mapclear" {
			t.Error("mapclear still enabled")
		}
	}
	if len(as) != len(suite.Analyzers)-1 {
		t.Errorf("got %d analyzers, want %d", len(as), len(suite.Analyzers)-1)
	}
}

func TestBadSettings(t *testing.T) {
	for _, conf := range []map[string]any{
		{"disable": []string{"nosuch"}},
		{"disabel": []string{"mapclear"}},
		{"disable": "mapclear"},
	} {
		_, err := New(conf)
		if err == nil || !strings.Contains(err.Error(), "mapscope plugin settings") {
			t.Errorf("New(%v): error %v, want a settings error", conf, err)
		}
	}
}
