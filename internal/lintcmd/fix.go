package lintcmd

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"sort"
)

// fixReport counts what applyFixes changed.
type fixReport struct {
	fixes, files int
}

type edit struct {
	start, end int
	text       string
}

// applyFixes applies the first suggested fix of every finding that has
// one, file by file, and returns the findings left without a fix. A fix
// whose edits overlap an edit already taken is skipped whole (its finding
// stays), so a file never receives half a fix. Edits in files that are
// not the package's own Go files (cgo output) or that are generated are
// never applied.
func applyFixes(findings []finding) ([]finding, fixReport, error) {
	type fileEdits struct {
		edits []edit
		taken map[edit]bool
	}
	byFile := make(map[string]*fileEdits)
	var remaining []finding
	var report fixReport
	for _, f := range findings {
		if len(f.diag.SuggestedFixes) == 0 {
			remaining = append(remaining, f)
			continue
		}
		fix := f.diag.SuggestedFixes[0]
		own := f.editable
		var planned []struct {
			file string
			e    edit
		}
		ok := true
		for _, te := range fix.TextEdits {
			start := f.pkg.Fset.Position(te.Pos)
			end := start
			if te.End.IsValid() {
				end = f.pkg.Fset.Position(te.End)
			}
			if !own[start.Filename] {
				ok = false
				break
			}
			planned = append(planned, struct {
				file string
				e    edit
			}{start.Filename, edit{start.Offset, end.Offset, string(te.NewText)}})
		}
		for _, p := range planned {
			fe := byFile[p.file]
			if fe == nil {
				continue
			}
			if fe.taken[p.e] {
				continue
			}
			for _, other := range fe.edits {
				if p.e.start < other.end && other.start < p.e.end || p.e.start == other.start && p.e.end == other.end {
					ok = false
				}
			}
		}
		if !ok {
			remaining = append(remaining, f)
			continue
		}
		for _, p := range planned {
			fe := byFile[p.file]
			if fe == nil {
				fe = &fileEdits{taken: make(map[edit]bool)}
				byFile[p.file] = fe
			}
			if !fe.taken[p.e] {
				fe.taken[p.e] = true
				fe.edits = append(fe.edits, p.e)
			}
		}
		report.fixes++
	}
	names := make([]string, 0, len(byFile))
	for name := range byFile {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := rewrite(name, byFile[name].edits); err != nil {
			return nil, report, err
		}
		report.files++
	}
	return remaining, report, nil
}

// rewrite applies non-overlapping edits to the file and gofmts the result.
func rewrite(name string, edits []edit) error {
	src, err := os.ReadFile(name)
	if err != nil {
		return fmt.Errorf("applying fixes: %w", err)
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var buf bytes.Buffer
	last := 0
	for _, e := range edits {
		if e.start < last || e.end > len(src) {
			return fmt.Errorf("applying fixes to %s: edit at offset %d is out of range (file changed during lint?)", name, e.start)
		}
		buf.Write(src[last:e.start])
		buf.WriteString(e.text)
		last = e.end
	}
	buf.Write(src[last:])
	out, err := format.Source(buf.Bytes())
	if err != nil {
		return fmt.Errorf("applying fixes to %s: result does not parse: %w", name, err)
	}
	info, err := os.Stat(name)
	if err != nil {
		return fmt.Errorf("applying fixes: %w", err)
	}
	if err := os.WriteFile(name, out, info.Mode().Perm()); err != nil {
		return fmt.Errorf("applying fixes: %w", err)
	}
	return nil
}
