package heapprof

import (
	"fmt"

	"github.com/google/pprof/profile"
)

// Figures locates, in Sample.Value, the space and object counts mapscope
// reports for one choice of -sample.
type Figures struct {
	Sample  string // "inuse" or "alloc"
	Space   int    // index of inuse_space or alloc_space
	Objects int    // index of inuse_objects or alloc_objects, -1 when absent
}

// SpaceType returns the name of the chosen space sample type.
func (f Figures) SpaceType() string { return f.Sample + "_space" }

// Select returns the figures for sample, which is "inuse", "alloc", or ""
// for the profile's own default: inuse for /debug/pprof/heap, alloc for
// /debug/pprof/allocs (runtime/pprof records which in default_sample_type).
func Select(p *profile.Profile, sample string) (Figures, error) {
	if sample == "" {
		sample = "inuse"
		if p.DefaultSampleType == "alloc_space" || p.DefaultSampleType == "alloc_objects" {
			sample = "alloc"
		}
		if index(p, "inuse_space") < 0 {
			sample = "alloc"
		}
	}
	if sample != "inuse" && sample != "alloc" {
		return Figures{}, fmt.Errorf("unknown sample %q: want inuse or alloc", sample)
	}
	f := Figures{Sample: sample, Space: index(p, sample+"_space"), Objects: index(p, sample+"_objects")}
	if f.Space < 0 {
		return Figures{}, fmt.Errorf("profile has no %s_space values (it has %s)", sample, typeNames(p))
	}
	return f, nil
}

// Values returns the space and object figures of s (objects 0 when the
// profile does not record them).
func (f Figures) Values(s *profile.Sample) (space, objects int64) {
	if f.Space < len(s.Value) {
		space = s.Value[f.Space]
	}
	if f.Objects >= 0 && f.Objects < len(s.Value) {
		objects = s.Value[f.Objects]
	}
	return space, objects
}

func index(p *profile.Profile, typ string) int {
	for i, st := range p.SampleType {
		if st.Type == typ {
			return i
		}
	}
	return -1
}

func typeNames(p *profile.Profile) string {
	s := ""
	for i, st := range p.SampleType {
		if i > 0 {
			s += ", "
		}
		s += st.Type
	}
	return s
}
