package main

import (
	"sync/atomic"
	"time"
)

// hashCalls counts calls of methodKey.Hash.
var hashCalls atomic.Int64

// methodKey has a Hash method that, if the runtime used it, would put every
// key in the same bucket.
type methodKey struct{ id int }

func (methodKey) Hash() uint64 {
	hashCalls.Add(1)
	return 0
}

type plainKey struct{ id int }

const hashN = 100000

// hashMethodCollides: fill maps of 1e5 keys with and without a constant
// Hash method and time lookups of every key (best of 5 rounds). If the
// method chose the bucket, every key would collide and the map would
// degrade to a list: the fill alone would take minutes.
func hashMethodCollides(string) (figures, error) {
	mm := make(map[methodKey]int)
	pm := make(map[plainKey]int)
	for i := 0; i < hashN; i++ {
		mm[methodKey{i}] = i
		pm[plainKey{i}] = i
	}
	var sum int
	method, plain := time.Duration(1<<62), time.Duration(1<<62)
	for r := 0; r < 5; r++ {
		t0 := time.Now()
		for i := 0; i < hashN; i++ {
			sum += mm[methodKey{i}]
		}
		t1 := time.Now()
		for i := 0; i < hashN; i++ {
			sum += pm[plainKey{i}]
		}
		t2 := time.Now()
		method = min(method, t1.Sub(t0))
		plain = min(plain, t2.Sub(t1))
	}
	if sum == 42 {
		println() // keeps sum alive
	}
	return figures{
		"keys":             hashN,
		"hash_calls":       float64(hashCalls.Load()),
		"method_ns_per_op": float64(method.Nanoseconds()) / hashN,
		"plain_ns_per_op":  float64(plain.Nanoseconds()) / hashN,
	}, nil
}
