package astutil

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// A Reporter reports an analyzer's diagnostics unless a comment on the
// diagnostic's line, or alone on the line above it, suppresses them:
//
//	//mapscope:ignore growonly the key set is the configured upstreams
//	//nolint:growonly // golangci-lint's form; "mapscope" names every analyzer
//	//lint:ignore growonly staticcheck's form
//
// A bare //nolint suppresses everything on its line, as in
// golangci-lint. Suppression lives in the analyzers, not in a driver, so
// that mapscope lint, go vet -vettool and golangci-lint all honour it.
type Reporter struct {
	pass *analysis.Pass
	// lines holds, per file, the analyzer names suppressed on each line.
	lines map[*token.File]map[int][]string
}

// NewReporter returns a Reporter for one run of an analyzer.
func NewReporter(pass *analysis.Pass) *Reporter {
	return &Reporter{pass: pass, lines: make(map[*token.File]map[int][]string)}
}

// Suppress makes pass.Report (and so pass.Reportf) drop the diagnostics
// that a suppression comment covers. An analyzer calls it first thing in
// its run function.
func Suppress(pass *analysis.Pass) {
	report := pass.Report
	r := &Reporter{lines: make(map[*token.File]map[int][]string)}
	// A copy of the pass keeps the original Report for r to call.
	orig := *pass
	orig.Report = report
	r.pass = &orig
	pass.Report = r.Report
}

// Report reports d unless it is suppressed.
func (r *Reporter) Report(d analysis.Diagnostic) {
	if !r.Suppressed(d.Pos) {
		r.pass.Report(d)
	}
}

// Reportf reports a diagnostic at pos unless it is suppressed.
func (r *Reporter) Reportf(pos token.Pos, format string, args ...any) {
	r.Report(analysis.Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// Suppressed reports whether a directive suppresses this analyzer's
// diagnostics at pos.
func (r *Reporter) Suppressed(pos token.Pos) bool {
	tf := r.pass.Fset.File(pos)
	if tf == nil {
		return false
	}
	lines, ok := r.lines[tf]
	if !ok {
		lines = r.index(tf)
		r.lines[tf] = lines
	}
	for _, name := range lines[tf.Line(pos)] {
		if name == r.pass.Analyzer.Name || name == "mapscope" || name == "all" {
			return true
		}
	}
	return false
}

// index reads the directives of the file tf and returns the names each
// line suppresses: those of a directive on the line, and of a directive
// alone on the line above (one after code covers its own line only).
func (r *Reporter) index(tf *token.File) map[int][]string {
	lines := make(map[int][]string)
	var file *ast.File
	for _, f := range r.pass.Files {
		if r.pass.Fset.File(f.Pos()) == tf {
			file = f
			break
		}
	}
	if file == nil {
		return lines
	}
	for _, group := range file.Comments {
		for _, c := range group.List {
			names, ok := directive(c.Text)
			if !ok {
				continue
			}
			line := tf.Line(c.Pos())
			lines[line] = append(lines[line], names...)
			if !afterCode(tf, file, c) {
				lines[line+1] = append(lines[line+1], names...)
			}
		}
	}
	return lines
}

// afterCode reports whether code precedes the comment c on its line.
func afterCode(tf *token.File, file *ast.File, c *ast.Comment) bool {
	line := tf.Line(c.Pos())
	found := false
	ast.Inspect(file, func(n ast.Node) bool {
		if found || n == nil || n.Pos() >= c.Pos() {
			return false
		}
		if _, isComment := n.(*ast.CommentGroup); isComment {
			return false
		}
		if n.End() <= c.Pos() && tf.Line(n.End()) == line {
			found = true
		}
		return !found
	})
	return found
}

// directive parses a suppression comment and returns the analyzer names
// it names ("all" for a bare //nolint).
func directive(text string) ([]string, bool) {
	var list string
	switch {
	case strings.HasPrefix(text, "//mapscope:ignore "):
		list = strings.TrimPrefix(text, "//mapscope:ignore ")
	case strings.HasPrefix(text, "//lint:ignore "):
		list = strings.TrimPrefix(text, "//lint:ignore ")
	case text == "//nolint" || strings.HasPrefix(text, "//nolint "):
		return []string{"all"}, true
	case strings.HasPrefix(text, "//nolint:"):
		list = strings.TrimPrefix(text, "//nolint:")
	default:
		return nil, false
	}
	list, _, _ = strings.Cut(strings.TrimSpace(list), " ")
	var names []string
	for name := range strings.SplitSeq(list, ",") {
		if name = strings.TrimSpace(name); name != "" {
			names = append(names, name)
		}
	}
	return names, len(names) > 0
}
