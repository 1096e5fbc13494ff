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
//
// With a base, the file holds the difference, as go tool pprof -base
// computes it: the base's map samples are added with their figures
// negated.
func writeMapProfile(name string, p *profile.Profile, res *heap.Result, basep *profile.Profile, baseRes *heap.Result) error {
	out := mapSamples(p, res)
	if basep != nil {
		old := mapSamples(basep, baseRes)
		for _, s := range old.Sample {
			for i := range s.Value {
				s.Value[i] = -s.Value[i]
			}
		}
		merged, err := profile.Merge([]*profile.Profile{out, old})
		if err != nil {
			return base.Inputf(name, "cannot write the difference of the profiles: %v", err)
		}
		out = merged
	}
	return base.WriteFileAtomic(name, out.Write)
}

// mapSamples returns a copy of p with only its map samples, labelled.
func mapSamples(p *profile.Profile, res *heap.Result) *profile.Profile {
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
	return out.Compact()
}

func copyLabels(l map[string][]string) map[string][]string {
	out := make(map[string][]string, len(l)+4)
	for k, v := range l {
		out[k] = v
	}
	return out
}
