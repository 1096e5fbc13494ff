// Package pipeline runs the stages: ingest, transforms, write.
package pipeline

import (
	"recall/heldout/flpmapcopy/before/pkg/config"
	"recall/heldout/flpmapcopy/before/pkg/pipeline/ingest"
	"recall/heldout/flpmapcopy/before/pkg/pipeline/transform"
	"recall/heldout/flpmapcopy/before/pkg/pipeline/write"
)

// Pipeline passes every record ingested through its transforms to its
// writer.
type Pipeline struct {
	Ingest     *ingest.TCP
	Transforms []transform.Transformer
	Writer     *write.Stdout
}

// Run runs the pipeline until its input ends.
func (p *Pipeline) Run() {
	in := make(chan config.GenericMap, 100)
	go p.Ingest.Ingest(in)
records:
	for rec := range in {
		for _, t := range p.Transforms {
			var ok bool
			if rec, ok = t.Transform(rec); !ok {
				continue records
			}
		}
		p.Writer.Write(rec)
	}
}
