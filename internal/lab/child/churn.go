package main

import (
	"math/rand"
	"runtime"
)

// Churn parameters: a cache of churnLive int keys; every step inserts a
// random new key and deletes the first key a range over the map yields.
// map-runtime-facts.md measured 8e6 steps; 2e6 already shows the creep
// on every Go version with Swiss tables and keeps the child near 1 s.
const (
	churnLive  = 40000
	churnSteps = 2000000
)

func churnSteadyBytes(string) (figures, error) {
	rng := rand.New(rand.NewSource(1))
	base := heapBytes()
	m := make(map[int]int)
	for len(m) < churnLive {
		m[rng.Int()] = 0
	}
	fresh := heapBytes() - base
	for i := 0; i < churnSteps; i++ {
		m[rng.Int()] = i
		for k := range m {
			delete(m, k)
			break
		}
	}
	after := heapBytes() - base
	n := len(m)
	runtime.KeepAlive(m)
	return figures{
		"live":        float64(n),
		"steps":       churnSteps,
		"fresh_bytes": float64(fresh),
		"after_bytes": float64(after),
	}, nil
}
