// Command trendseries turns one real heap profile into a series of
// snapshots for timing "mapscope trend": snapshot i has the profile's
// samples with their in-use figures reshaped as a program's would be over
// time (one site in sixteen grows steadily, one in sixteen fills then
// stays, the rest are noisy but flat) and a profile time i intervals
// later. The stacks, locations and mappings are the profile's own, so
// -binary of the program that wrote it matches every snapshot.
//
//	trendseries -in heap.pb.gz -n 1000 -out DIR
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/google/pprof/profile"
)

func main() {
	in := flag.String("in", "heap.pb.gz", "the heap `profile` to reshape")
	n := flag.Int("n", 1000, "number of snapshots")
	out := flag.String("out", "series", "`directory` to write the snapshots to")
	every := flag.Duration("every", 30*time.Second, "profile time between snapshots")
	flag.Parse()

	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	base, err := profile.Parse(f)
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(*out, 0o777); err != nil {
		log.Fatal(err)
	}
	inuse := -1
	for i, st := range base.SampleType {
		if st.Type == "inuse_space" {
			inuse = i
		}
	}
	if inuse < 0 {
		log.Fatal("no inuse_space in the profile")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < *n; i++ {
		p := base.Copy()
		p.TimeNanos = base.TimeNanos + int64(i)*int64(*every)
		frac := float64(i+1) / float64(*n)
		for j, s := range p.Sample {
			var scale float64
			switch j % 16 {
			case 0: // a leak
				scale = frac
			case 1: // fills in the first tenth, then stays
				scale = min(1, frac*10)
			default: // flat with sampling noise
				scale = 0.8 + 0.4*rng.Float64()
			}
			for k := range s.Value {
				if k >= 2 { // the in-use pair; the alloc pair stays cumulative
					s.Value[k] = int64(float64(s.Value[k]) * scale)
				}
			}
		}
		name := filepath.Join(*out, fmt.Sprintf("heap-%06d.pb.gz", i))
		w, err := os.Create(name)
		if err != nil {
			log.Fatal(err)
		}
		if err := p.Write(w); err != nil {
			log.Fatal(err)
		}
		if err := w.Close(); err != nil {
			log.Fatal(err)
		}
	}
}
