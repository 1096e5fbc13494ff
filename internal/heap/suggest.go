package heap

import (
	"fmt"

	"github.com/mapscope/mapscope/internal/facts"
	"github.com/mapscope/mapscope/internal/mapruntime/funcname"
)

// Suggest returns a one-line suggestion for a site, or "" when there is
// nothing to say. sample is "inuse" or "alloc": growth in an inuse profile
// is memory held, in an alloc profile it is work and garbage.
func Suggest(s *Site, sample string) string {
	name := s.Map
	if name == "" {
		name = "the map"
	}
	if o := s.Owner; o != nil && s.Kind.IsMap() {
		lib := o.Module
		if lib == "" {
			lib = funcname.Package(o.Function)
		}
		return fmt.Sprintf("%s is %s's own map, reached from here: you cannot change its code, but you can bound what you put in (distinct keys you pass it) or configure its eviction (an expiry, a size limit)", name, lib)
	}
	if s.Foreign && s.Kind.IsMap() {
		return fmt.Sprintf("no frame of your code on this stack: %s allocates this map on its own (a server's goroutine, say); what you can change is what you feed it", funcname.Package(s.Function))
	}
	if s.Kind.IsMap() && s.Map == "" && len(s.Path) > 2 {
		// The map operation happened inside a library the user's line
		// called, and the source did not name a map of the user's.
		return fmt.Sprintf("a map inside %s, reached from here: the library's own storage, worth a look only if it keeps growing", s.Path[1])
	}
	switch s.Kind {
	case Grow:
		if s.LoopTrips != "" {
			return fmt.Sprintf("the loop at line %d runs %s times: make %s with that size hint and it grows once, not repeatedly", s.LoopLine, s.LoopTrips, name)
		}
		if sample == "alloc" {
			return fmt.Sprintf("each growth of %s allocates new tables and drops the old: give make a size hint if the final size is known", name)
		}
		return fmt.Sprintf("%s grows here: if nothing deletes from it, bound or evict it; deletes never shrink a map, so rebuild it (make + copy) to release the peak", name)
	case Make:
		if s.Hint != "" {
			return fmt.Sprintf("make reserves room for %s entries up front and keeps it for the map's life: check the hint against the real size", s.Hint)
		}
		if sample == "alloc" {
			return "maps made here start small and re-grow as they fill: give make a size hint if the size is known"
		}
		return ""
	case Clone:
		return "maps.Clone copies the source's capacity, not its length: a clone of a map that once was large is large; rebuild with make(len) + copy"
	case Reflect:
		return "built through reflect (a decoder) without a size hint: decode into a struct, or into a map made with a hint"
	case SyncMap:
		return "sync.Map keeps every entry until deleted: if it serves as a cache, add eviction or use a bounded cache"
	case Unknown:
		return s.Note
	}
	return ""
}

// Facts names the lab experiments (docs/facts.md) that the advice for a
// site rests on, so that a reader can check the claim on their Go.
func Facts(s *Site, sample string) []string {
	switch s.Kind {
	case Grow:
		if s.Owner != nil || s.Foreign {
			return nil
		}
		if s.LoopTrips != "" || sample == "alloc" {
			return []string{facts.HintAvoidsGrowth}
		}
		return []string{facts.DeleteAllFrees, facts.RemakeFrees}
	case Make:
		if sample == "alloc" {
			return []string{facts.HintAvoidsGrowth}
		}
	case Clone:
		return []string{facts.CloneCompacts, facts.RemakeFrees}
	case SyncMap:
		return []string{facts.SyncMapPerEntry}
	}
	return nil
}
