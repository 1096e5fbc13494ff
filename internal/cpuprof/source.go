package cpuprof

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/mapruntime/funcname"
	"github.com/mapscope/mapscope/internal/mapruntime/mapop"
)

// Annotate names, from the source, the map each site's line assigns or
// makes, its type, and the loop around the line with its trip count when
// that is known before the loop starts (the size hint a growing map
// needs). Sites outside the source tree are left as they are.
func Annotate(sites []*Site, src heap.Source) {
	if src == nil {
		return
	}
	for _, s := range sites {
		if s.Foreign {
			continue
		}
		line, err := src.Line(s.Function, s.File, s.Line)
		if err != nil || line == nil {
			continue
		}
		// The map the line assigns; else the one it fills through a
		// method of its map type (s.Insert(k) on a sets.Set) or a
		// decoder (json.Unmarshal(data, &m)); else the one it makes.
		for _, kinds := range [][]heap.OpKind{{heap.OpMapAssign}, {heap.OpMapMethod, heap.OpMapDecode}, {heap.OpMapMake}} {
			for _, op := range line.Ops {
				if s.Expr == "" && slices.Contains(kinds, op.Kind) && op.Expr != "" {
					s.Expr, s.Type = op.Expr, op.Type
				}
			}
		}
		s.LoopLine, s.LoopTrips = line.LoopLine, line.LoopTrips
	}
}

// Shares above which a site's time says what to do.
const (
	growWorthHint = 0.10 // growth worth a size hint
	clearDominant = 0.50 // clear is most of the site's time
)

// Suggest returns one line on what to do about a site, or "". withSource
// says whether the source was given, so that the line can say what
// -source would add.
func Suggest(s *Site, withSource bool) string {
	t := &s.CPU
	if s.Samples == 0 {
		t = &s.Assist // a trace without CPU samples: assists are all there is
	}
	total := t.Total()
	if total == 0 {
		return ""
	}
	name := s.Expr
	if name == "" {
		name = "the map"
	}
	grow := float64(t[mapop.Grow]) / float64(total)
	switch {
	case grow >= growWorthHint && s.Foreign:
		return fmt.Sprintf("no frame of your code above this map call: %s grows a map of its own; what you can change is what you feed it", funcname.Package(s.Function))
	case grow >= growWorthHint && s.Library != "" && strings.HasPrefix(s.Entry, "reflect.") && len(s.Path) > 2:
		return fmt.Sprintf("maps built through %s grow as it fills them: decode into a struct, or into a map you made with a size hint", s.Path[1])
	case grow >= growWorthHint && s.Library != "" && s.Expr == "" && withSource:
		return fmt.Sprintf("a map inside %s grows, reached from here: the library's own map; what you can change is what you feed it", s.Library)
	case grow >= growWorthHint && s.Library != "" && s.Expr == "":
		// The map may be the caller's all the same: a map type of the
		// library with methods (sets.Set[string]) or a map passed in.
		return fmt.Sprintf("a map grows inside %s, reached from here: if it is yours (a map type of the library, a map you pass in), give its make a size hint; if it is the library's own, what you can change is what you feed it (-source tells which)", s.Library)
	case grow >= growWorthHint && s.LoopTrips != "":
		return fmt.Sprintf("the loop at line %d runs %s times: make %s with %s as its size hint and this growth goes away", s.LoopLine, s.LoopTrips, name, s.LoopTrips)
	case grow >= growWorthHint && withSource:
		return fmt.Sprintf("%s grows here, rehashing its entries into new tables as it fills: if its final size is known, give make a size hint", name)
	case grow >= growWorthHint:
		return fmt.Sprintf("%s grows here, rehashing its entries into new tables as it fills: if its final size is known, give make a size hint (-source finds the loop bound)", name)
	case float64(t[mapop.Clear])/float64(total) >= clearDominant:
		return fmt.Sprintf("clear walks every table %s ever grew to, not its entries: if it once held far more entries than it does now, make a new map instead", name)
	}
	return ""
}
