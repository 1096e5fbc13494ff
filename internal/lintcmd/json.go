package lintcmd

import (
	"cmp"
	"encoding/json"
	"io"
)

// The JSON shapes of go vet -json (golang.org/x/tools' driverutil),
// written here so that test variants can be merged.
type jsonTextEdit struct {
	Filename string `json:"filename"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	New      string `json:"new"`
}

type jsonSuggestedFix struct {
	Message string         `json:"message"`
	Edits   []jsonTextEdit `json:"edits"`
}

type jsonDiagnostic struct {
	Category string `json:"category,omitempty"`
	Posn     string `json:"posn"`
	End      string `json:"end"`
	Message  string `json:"message"`
	// URL is mapscope's addition: the docs/facts.md section whose
	// measurement the finding rests on, when it rests on one.
	URL            string             `json:"url,omitempty"`
	SuggestedFixes []jsonSuggestedFix `json:"suggested_fixes,omitempty"`
}

// printJSON prints the findings in go vet -json's shape: an object keyed
// by package, then by analyzer name. A package and its test variant
// ("p [p.test]") are one entry, keyed by the import path, and a finding
// is listed once.
func printJSON(w io.Writer, findings []finding) error {
	tree := make(map[string]map[string][]jsonDiagnostic)
	for _, f := range findings {
		fset := f.pkg.Fset
		d := f.diag
		jd := jsonDiagnostic{
			Category: d.Category,
			Posn:     fset.Position(d.Pos).String(),
			End:      fset.Position(cmp.Or(d.End, d.Pos)).String(),
			Message:  d.Message,
			URL:      d.URL,
		}
		for _, fix := range d.SuggestedFixes {
			jf := jsonSuggestedFix{Message: fix.Message}
			for _, e := range fix.TextEdits {
				jf.Edits = append(jf.Edits, jsonTextEdit{
					Filename: fset.Position(e.Pos).Filename,
					Start:    fset.Position(e.Pos).Offset,
					End:      fset.Position(cmp.Or(e.End, e.Pos)).Offset,
					New:      string(e.NewText),
				})
			}
			jd.SuggestedFixes = append(jd.SuggestedFixes, jf)
		}
		byAnalyzer := tree[f.pkg.PkgPath]
		if byAnalyzer == nil {
			byAnalyzer = make(map[string][]jsonDiagnostic)
			tree[f.pkg.PkgPath] = byAnalyzer
		}
		byAnalyzer[f.analyzer.Name] = append(byAnalyzer[f.analyzer.Name], jd)
	}
	data, err := json.MarshalIndent(tree, "", "\t")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	_, err = w.Write(data)
	return err
}
