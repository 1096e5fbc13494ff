// Command perrequest is the trend scenario of per-request maps made
// without a size hint: each request counts the words of its body in a map
// that starts empty although the count is known, so the map grows through
// every table size on the way. The maps die with their request: the cost
// is allocation and collection work, visible in alloc figures, while the
// in-use heap does not grow.
package main

import (
	"math/rand"
	"strconv"

	"example.com/trend/internal/decoy"
	"example.com/trend/internal/snap"
)

// Each step serves 200 requests of 300 distinct words: about 5 MB of map
// storage allocated and dropped per step.
const (
	requestsPerStep = 200
	wordsPerRequest = 300
	vocabulary      = 5000
)

// countWords counts each word of a request. len(words) would have been
// the right hint for make.
func countWords(words []string) map[string]int {
	counts := make(map[string]int)
	for _, w := range words {
		counts[w]++ // want: garbage "counts" "map[string]int"
	}
	return counts
}

func serve(words []string) int {
	counts := countWords(words)
	best := 0
	for _, n := range counts {
		if n > best {
			best = n
		}
	}
	return best + len(counts)
}

func main() {
	series := snap.Start()
	decoys := decoy.Start()
	vocab := make([]string, vocabulary)
	for i := range vocab {
		vocab[i] = "word" + strconv.Itoa(i)
	}
	rng := rand.New(rand.NewSource(4))
	total := 0
	series.Run(func(step int) {
		decoys.Step(step)
		for i := 0; i < requestsPerStep; i++ {
			start := rng.Intn(vocabulary - wordsPerRequest)
			total += serve(vocab[start : start+wordsPerRequest])
		}
	})
	if total == 0 {
		panic("no words counted")
	}
}
