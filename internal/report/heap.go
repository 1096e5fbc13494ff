package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mapscope/mapscope/internal/facts"
	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/mapruntime/funcname"
)

// HeapInput is what NewHeap builds a report from.
type HeapInput struct {
	Profile  string
	Base     string // "" without -base
	Result   *heap.Result
	BaseRes  *heap.Result // nil without -base
	Evidence []string
	Warnings []string
}

// NewHeap builds the heap report. With a base, each site's figures are the
// difference new minus base, and sites that vanished appear with negative
// figures.
func NewHeap(in HeapInput) *Heap {
	r := in.Result
	h := &Heap{
		Schema:       Schema,
		Command:      "heap",
		Profile:      in.Profile,
		Base:         in.Base,
		Sample:       r.Figures.Sample,
		Evidence:     in.Evidence,
		TotalBytes:   r.Total,
		TotalObjects: r.Objects,
		ByKind:       make(map[string]int64),
		Warnings:     in.Warnings,
	}
	h.MapBytes, h.MapObjects = r.MapBytes()
	if h.TotalBytes > 0 {
		h.MapShare = float64(h.MapBytes) / float64(h.TotalBytes)
	}
	for k, b := range r.ByKind() {
		h.ByKind[string(k)] = b
	}
	for _, k := range heap.Kinds {
		if _, ok := h.ByKind[string(k)]; !ok {
			h.ByKind[string(k)] = 0
		}
	}

	sites := r.Sites
	var base map[key]*heap.Site
	if in.BaseRes != nil {
		bt := in.BaseRes.Total
		bm, _ := in.BaseRes.MapBytes()
		h.BaseTotalBytes, h.BaseMapBytes = &bt, &bm
		sites, base = diff(r.Sites, in.BaseRes.Sites)
	}
	for _, s := range sites {
		site := Site{
			Function:   s.Function,
			File:       s.File,
			Line:       s.Line,
			Map:        s.Kind.IsMap(),
			Kind:       string(s.Kind),
			Evidence:   evidenceStrings(s.Evidence),
			Expr:       s.Map,
			Type:       s.Type,
			Bytes:      s.Bytes,
			Objects:    s.Objects,
			Samples:    s.Samples,
			Path:       s.Path,
			Suggestion: heap.Suggest(s, h.Sample),
			Note:       s.Note,
			Owner:      ownerOf(s.Owner),
			Facts:      facts.URLs(heap.Facts(s, h.Sample)),
		}
		if h.TotalBytes > 0 {
			site.Share = float64(s.Bytes) / float64(h.TotalBytes)
		}
		if base != nil {
			var b int64
			if bs := base[keyOf(s)]; bs != nil {
				b = bs.Bytes
			}
			d := s.Bytes - b
			site.BaseBytes, site.DeltaBytes = &b, &d
		}
		h.Sites = append(h.Sites, site)
	}
	if base != nil {
		sortByDelta(h.Sites)
	}
	return h
}

type key struct {
	fn, file string
	line     int
	kind     heap.Kind
	expr     string
}

func keyOf(s *heap.Site) key { return key{s.Function, s.File, s.Line, s.Kind, s.Map} }

// diff returns the union of the sites of both profiles, with the new
// profile's figures (zero for sites only in base), and the base sites by key.
func diff(cur, old []*heap.Site) ([]*heap.Site, map[key]*heap.Site) {
	base := make(map[key]*heap.Site, len(old))
	for _, s := range old {
		base[keyOf(s)] = s
	}
	seen := make(map[key]bool, len(cur))
	out := make([]*heap.Site, 0, len(cur))
	for _, s := range cur {
		seen[keyOf(s)] = true
		out = append(out, s)
	}
	for _, s := range old {
		if !seen[keyOf(s)] {
			gone := *s
			gone.Bytes, gone.Objects, gone.Samples = 0, 0, 0
			out = append(out, &gone)
		}
	}
	return out, base
}

// sortByDelta orders sites by the size of their change, largest first,
// keeping the order by bytes among equal changes.
func sortByDelta(sites []Site) {
	slices.SortStableFunc(sites, func(x, y Site) int {
		return cmp.Compare(abs(*y.DeltaBytes), abs(*x.DeltaBytes))
	})
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func evidenceStrings(ev []heap.Evidence) []string {
	out := make([]string, len(ev))
	for i, e := range ev {
		out[i] = string(e)
	}
	return out
}

// WriteJSON writes the report as indented JSON.
func (h *Heap) WriteJSON(w io.Writer) error {
	if h.Sites == nil {
		h.Sites = []Site{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(h)
}

// WriteText writes the human report: a summary, then the top map sites.
func (h *Heap) WriteText(w io.Writer, top int) error {
	var b strings.Builder
	fig := h.Sample + "_space"
	fmt.Fprintf(&b, "%s (%s)", h.Profile, fig)
	if h.Base != "" {
		fmt.Fprintf(&b, " compared with %s", h.Base)
	}
	fmt.Fprintf(&b, "\nevidence: %s\n", strings.Join(h.Evidence, ", "))
	fmt.Fprintf(&b, "total %s; map storage %s (%s)", Bytes(h.TotalBytes), Bytes(h.MapBytes), Percent(h.MapShare))
	if h.BaseMapBytes != nil {
		fmt.Fprintf(&b, "; base: total %s, map storage %s", Bytes(*h.BaseTotalBytes), Bytes(*h.BaseMapBytes))
	}
	b.WriteString("\n  by kind:")
	for _, k := range heap.Kinds {
		if k == heap.NonMap {
			continue
		}
		fmt.Fprintf(&b, " %s %s", k, Bytes(h.ByKind[string(k)]))
		if k != heap.Unknown {
			b.WriteString(",")
		}
	}
	fmt.Fprintf(&b, "; not map %s\n", Bytes(h.ByKind[string(heap.NonMap)]))
	for _, warn := range h.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", warn)
	}

	h.writeMapSites(&b, top)
	h.writeUnknown(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMapSites lists the top map sites (by change, with a base).
func (h *Heap) writeMapSites(b *strings.Builder, top int) {
	fig := h.Sample + "_space"
	shown := 0
	for i := range h.Sites {
		s := &h.Sites[i]
		if !s.Map || h.Base != "" && *s.DeltaBytes == 0 {
			continue
		}
		if shown == top {
			break
		}
		if shown == 0 {
			what := "map sites by " + fig
			if h.Base != "" {
				what = "map sites by change in " + fig
			}
			fmt.Fprintf(b, "\ntop %s:\n", what)
		}
		shown++
		writeSite(b, shown, s, h.Base != "")
	}
	if shown == 0 {
		b.WriteString("\nno map storage found in this profile\n")
	}
}

// writeUnknown summarises the bytes no evidence could classify, with the
// largest few sites and what would classify them: unknown bytes may be map
// storage, so they are never silently dropped.
func (h *Heap) writeUnknown(b *strings.Builder) {
	var n int
	var bytes int64
	for _, s := range h.Sites {
		if s.Kind == string(heap.Unknown) {
			n++
			bytes += s.Bytes
		}
	}
	if n == 0 {
		return
	}
	sites := "sites"
	if n == 1 {
		sites = "site"
	}
	fmt.Fprintf(b, "\nunclassified: %s at %d %s; the largest:\n", Bytes(bytes), n, sites)
	shown := 0
	for _, s := range h.Sites {
		if s.Kind != string(heap.Unknown) {
			continue
		}
		if shown == 3 {
			break
		}
		shown++
		fmt.Fprintf(b, "  %s  %s  %s\n    %s\n", Bytes(s.Bytes), s.Function, s.Position(), s.Note)
	}
}

func writeSite(b *strings.Builder, n int, s *Site, withBase bool) {
	fig := Bytes(s.Bytes)
	if withBase {
		fig = Bytes(*s.DeltaBytes)
		if *s.DeltaBytes > 0 {
			fig = "+" + fig
		}
		fig += fmt.Sprintf(" (%s -> %s)", Bytes(*s.BaseBytes), Bytes(s.Bytes))
	} else {
		fig += "  " + Percent(s.Share)
	}
	fmt.Fprintf(b, "%2d. %s  %s", n, fig, s.Kind)
	if s.Expr != "" {
		fmt.Fprintf(b, "  %s", s.Expr)
	}
	if s.Type != "" {
		fmt.Fprintf(b, "  %s", s.Type)
	}
	if o := s.Owner; o != nil {
		fmt.Fprintf(b, "\n    the map of %s at %s:%d, reached from", ownerName(o), shortFile(o.File), o.Line)
	}
	fmt.Fprintf(b, "\n    %s  %s", s.Function, s.Position())
	if len(s.Evidence) > 0 {
		fmt.Fprintf(b, "  [evidence: %s]", strings.Join(s.Evidence, "+"))
	}
	b.WriteString("\n")
	if len(s.Path) > 1 {
		fmt.Fprintf(b, "    via %s\n", strings.Join(s.Path, " -> "))
	}
	if s.Suggestion != "" {
		fmt.Fprintf(b, "    -> %s\n", s.Suggestion)
	}
	if len(s.Facts) > 0 {
		fmt.Fprintf(b, "       check it on your Go: mapscope lab %s\n", strings.Join(factNames(s.Facts), " "))
	}
	if s.Note != "" && s.Note != s.Suggestion {
		fmt.Fprintf(b, "    note: %s\n", s.Note)
	}
}

// ownerName names the library a map belongs to: the module at its
// version, or the standard library package.
func ownerName(o *Owner) string {
	if o.Module == "" {
		return funcname.Package(o.Function)
	}
	if o.Version != "" {
		return o.Module + "@" + o.Version
	}
	return o.Module
}
