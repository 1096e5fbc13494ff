package heapcmd

import (
	"fmt"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/heap"
)

// writeMapProfile writes the map samples of p, labelled with what mapscope
// found, as a gzipped pprof profile. The file is written to a temporary
// name and renamed, so a failure never leaves half a profile behind.
func writeMapProfile(name string, p *profile.Profile, res *heap.Result) error {
	out := p.Copy()
	kept := out.Sample[:0]
	for i, s := range out.Sample {
		site := res.SampleSites[i]
		if site == nil || !site.Kind.IsMap() {
			continue
		}
		s.Label = copyLabels(s.Label)
		s.Label["map_kind"] = []string{string(site.Kind)}
		s.Label["map_site"] = []string{fmt.Sprintf("%s %s:%d", site.Function, site.File, site.Line)}
		if site.Map != "" {
			s.Label["map_expr"] = []string{site.Map}
		}
		if site.Type != "" {
			s.Label["map_type"] = []string{site.Type}
		}
		kept = append(kept, s)
	}
	out.Sample = kept
	out = out.Compact()

	return base.WriteFileAtomic(name, out.Write)
}

func copyLabels(l map[string][]string) map[string][]string {
	out := make(map[string][]string, len(l)+4)
	for k, v := range l {
		out[k] = v
	}
	return out
}
