// Command flowlogs-pipeline reads flow records on FLP_ADDR, filters them
// by the rules of FLP_FILTER (JSON) and writes them to stdout.
package main

import (
	"encoding/json"
	"log"
	"net"
	"os"

	"recall/heldout/flpmapcopy/before/pkg/api"
	"recall/heldout/flpmapcopy/before/pkg/config"
	"recall/heldout/flpmapcopy/before/pkg/pipeline"
	"recall/heldout/flpmapcopy/before/pkg/pipeline/ingest"
	"recall/heldout/flpmapcopy/before/pkg/pipeline/transform"
	"recall/heldout/flpmapcopy/before/pkg/pipeline/write"
)

func main() {
	var filter api.TransformFilter
	if err := json.Unmarshal([]byte(os.Getenv("FLP_FILTER")), &filter); err != nil {
		log.Fatal(err)
	}
	t, err := transform.NewTransformFilter(config.StageParam{
		Name:      "filter",
		Transform: &config.Transform{Type: "filter", Filter: &filter},
	})
	if err != nil {
		log.Fatal(err)
	}
	l, err := net.Listen("tcp", os.Getenv("FLP_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	p := &pipeline.Pipeline{
		Ingest:     &ingest.TCP{Listener: l},
		Transforms: []transform.Transformer{t},
		Writer:     &write.Stdout{W: os.Stdout},
	}
	p.Run()
}
