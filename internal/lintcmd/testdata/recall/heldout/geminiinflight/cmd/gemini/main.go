// Command gemini runs the generator of geminiinflight for a while as the
// load generator does: jobs take partition keys, "write" them, and give
// them back, emptied for a delete; the metrics of the run are served on
// GEMINI_BIND (upstream's --bind, :2112 by default). GEMINI_FIXED=1 runs
// the after/ form.
package main

import (
	"context"
	"expvar"
	"log"
	"net/http"
	"os"
	"sync"
	"time"

	aftergemini "recall/heldout/geminiinflight/after/gemini"
	beforegemini "recall/heldout/geminiinflight/before/gemini"
)

type generator interface {
	work(ctx context.Context, ops *expvar.Int)
}

type beforeGen struct{ g *beforegemini.Generator }

func (b beforeGen) work(ctx context.Context, ops *expvar.Int) {
	for ctx.Err() == nil {
		v, ok := b.g.Get()
		if !ok {
			return
		}
		ops.Add(1)
		v.Value = nil // a delete: the key is not reused
		b.g.GiveOld(v)
	}
}

type afterGen struct{ g *aftergemini.Generator }

func (a afterGen) work(ctx context.Context, ops *expvar.Int) {
	for ctx.Err() == nil {
		v, ok := a.g.Get()
		if !ok {
			return
		}
		ops.Add(1)
		v.Value = nil
		a.g.GiveOld(v)
	}
}

func main() {
	bind := os.Getenv("GEMINI_BIND")
	if bind == "" {
		bind = ":2112"
	}
	go func() { log.Fatal(http.ListenAndServe(bind, nil)) }()
	ctx, cancel := context.WithTimeout(context.Background(), 24*time.Hour)
	defer cancel()
	var gen generator = beforeGen{beforegemini.NewGenerator(ctx, 16, 1000, 1)}
	if os.Getenv("GEMINI_FIXED") == "1" {
		gen = afterGen{aftergemini.NewGenerator(ctx, 16, 1000, 1)}
	}
	ops := expvar.NewInt("gemini_ops")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gen.work(ctx, ops)
		}()
	}
	wg.Wait()
}
