// Package gemini holds the partition key generator of geminiinflight
// (see package inflight): a goroutine makes random partition keys and
// routes each to the partition its token falls in; jobs take keys from
// the partitions and give them back when done.
package gemini

import (
	"context"
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"

	"recall/heldout/geminiinflight/after/inflight"
)

// ValueWithToken is a partition key and its token.
type ValueWithToken struct {
	Token uint64
	Value []any
}

// Partition hands out the keys of one token range.
type Partition struct {
	ctx       context.Context
	values    chan ValueWithToken
	oldValues chan ValueWithToken
	inFlight  inflight.InFlight
}

// get returns a new key whose token is not in flight.
func (p *Partition) get() (ValueWithToken, bool) {
	for {
		select {
		case <-p.ctx.Done():
			return ValueWithToken{}, false
		case v := <-p.values:
			if p.inFlight.AddIfNotPresent(v.Token) {
				return v, true
			}
		}
	}
}

// getOld returns a key given back before, or a new one.
func (p *Partition) getOld() (ValueWithToken, bool) {
	select {
	case v, ok := <-p.oldValues:
		return v, ok
	default:
		return p.get()
	}
}

// giveOld keeps v for reuse, or, when it is empty, takes its token out of
// flight.
func (p *Partition) giveOld(v ValueWithToken) {
	if len(v.Value) == 0 {
		p.inFlight.Delete(v.Token)
		return
	}
	select {
	case p.oldValues <- v:
	default:
	}
}

// Generator makes the partition keys of one table.
type Generator struct {
	ctx        context.Context
	partitions []*Partition
	seed       uint64
}

// NewGenerator starts a generator with count partitions.
func NewGenerator(ctx context.Context, count int, bufSize int, seed uint64) *Generator {
	g := &Generator{ctx: ctx, seed: seed, partitions: make([]*Partition, count)}
	for i := range g.partitions {
		g.partitions[i] = &Partition{
			ctx:       ctx,
			values:    make(chan ValueWithToken, bufSize),
			oldValues: make(chan ValueWithToken, bufSize),
			inFlight:  inflight.New(),
		}
	}
	go g.run()
	return g
}

func token(v []any) uint64 {
	h := fnv.New64a()
	for _, x := range v {
		binary.Write(h, binary.LittleEndian, x)
	}
	return h.Sum64()
}

func (g *Generator) run() {
	r := rand.New(rand.NewPCG(g.seed, g.seed))
	for {
		v := []any{r.Int64(), r.Int32()}
		t := token(v)
		p := g.partitions[t%uint64(len(g.partitions))]
		select {
		case <-g.ctx.Done():
			return
		case p.values <- ValueWithToken{Token: t, Value: v}:
		}
	}
}

// Get returns a new key from a random partition.
func (g *Generator) Get() (ValueWithToken, bool) {
	return g.partitions[rand.IntN(len(g.partitions))].get()
}

// GetOld returns a key given back before, or a new one.
func (g *Generator) GetOld() (ValueWithToken, bool) {
	return g.partitions[rand.IntN(len(g.partitions))].getOld()
}

// GiveOld gives v back to its partition.
func (g *Generator) GiveOld(v ValueWithToken) {
	g.partitions[v.Token%uint64(len(g.partitions))].giveOld(v)
}
