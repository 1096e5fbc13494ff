package labcmd

import (
	"strings"
	"unicode/utf8"
)

// A table is text in columns whose long cells wrap at word boundaries
// within their column, so that rows of prose stay readable in a terminal.
type table struct {
	header []string
	wrap   []int // per column: the width to wrap at, 0 for never
	rows   [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// gap separates columns.
const gap = "  "

func (t *table) String() string {
	// Each row becomes lines of cells; widths are those of the widest line.
	all := append([][]string{t.header}, t.rows...)
	width := make([]int, len(t.header))
	wrapped := make([][][]string, len(all)) // row, column, line
	for r, row := range all {
		wrapped[r] = make([][]string, len(t.header))
		for c := range t.header {
			cell := ""
			if c < len(row) {
				cell = row[c]
			}
			lines := []string{cell}
			if r > 0 && c < len(t.wrap) && t.wrap[c] > 0 {
				lines = wrapText(cell, t.wrap[c])
			}
			wrapped[r][c] = lines
			for _, l := range lines {
				width[c] = max(width[c], utf8.RuneCountInString(l))
			}
		}
	}
	// Rows of more than one line are set apart by an empty line.
	spaced := false
	for _, row := range wrapped {
		for _, lines := range row {
			spaced = spaced || len(lines) > 1
		}
	}
	var b strings.Builder
	for r, row := range wrapped {
		if spaced && r > 1 {
			b.WriteString("\n")
		}
		height := 1
		for _, lines := range row {
			height = max(height, len(lines))
		}
		for i := 0; i < height; i++ {
			var line strings.Builder
			for c, lines := range row {
				cell := ""
				if i < len(lines) {
					cell = lines[i]
				}
				if c > 0 {
					line.WriteString(gap)
				}
				line.WriteString(cell)
				if c < len(row)-1 {
					line.WriteString(strings.Repeat(" ", width[c]-utf8.RuneCountInString(cell)))
				}
			}
			b.WriteString(strings.TrimRight(line.String(), " "))
			b.WriteString("\n")
		}
	}
	return b.String()
}

// wrapText breaks s into lines of at most width runes at spaces; a word
// longer than width gets a line of its own.
func wrapText(s string, width int) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	cur := words[0]
	for _, w := range words[1:] {
		if utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, cur)
			cur = w
			continue
		}
		cur += " " + w
	}
	return append(lines, cur)
}
