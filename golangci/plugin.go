// Package golangci is the golangci-lint module plugin for the mapscope
// analyzers. Build a custom golangci-lint with it (see docs/lint.md):
//
//	# .custom-gcl.yml
//	version: v2.15.0
//	plugins:
//	  - module: github.com/mapscope/mapscope/golangci
//	    import: github.com/mapscope/mapscope/golangci
//	    version: latest
//
// and enable the linter "mapscope" in .golangci.yml. The plugin lives in its
// own module so that golangci-lint's dependencies never reach the
// requirements of github.com/mapscope/mapscope.
package golangci

import (
	"fmt"
	"slices"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"github.com/mapscope/mapscope/suite"
	"golang.org/x/tools/go/analysis"
)

func init() {
	register.Plugin("mapscope", New)
}

// Settings are the plugin's settings in .golangci.yml, under
// linters.settings.custom.mapscope.settings.
type Settings struct {
	// Disable lists analyzers to leave out, by name (e.g. "mapclear").
	Disable []string `json:"disable"`
}

type plugin struct {
	settings Settings
}

// New builds the plugin from its settings; golangci-lint calls it.
func New(conf any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](conf)
	if err != nil {
		return nil, fmt.Errorf("mapscope plugin settings: %w", err)
	}
	for _, name := range s.Disable {
		if !slices.ContainsFunc(suite.Analyzers, func(a *analysis.Analyzer) bool { return a.Name == name }) {
			return nil, fmt.Errorf("mapscope plugin settings: disable: unknown analyzer %q (have %s)", name, analyzerNames())
		}
	}
	return &plugin{settings: s}, nil
}

// BuildAnalyzers returns the suite minus the disabled analyzers.
func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	var out []*analysis.Analyzer
	for _, a := range suite.Analyzers {
		if !slices.Contains(p.settings.Disable, a.Name) {
			out = append(out, a)
		}
	}
	return out, nil
}

// GetLoadMode asks for type information: every analyzer needs it.
func (p *plugin) GetLoadMode() string {
	return register.LoadModeTypesInfo
}

func analyzerNames() string {
	names := make([]string, len(suite.Analyzers))
	for i, a := range suite.Analyzers {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}
