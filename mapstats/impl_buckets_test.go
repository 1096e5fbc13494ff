//go:build go1.24 && !go1.26 && !goexperiment.swissmap

package mapstats_test

// Expected figures for the bucket implementation of a noswissmap build:
// a 56-byte hmap (class 64) and buckets of 8 tophash bytes, 8 keys, 8
// elems and an overflow pointer.
const (
	wantImpl   = "buckets"
	headerSize = 64
)

var smallMapBytes = map[string]int64{
	"map[int]int":      headerSize + 144, // bucket 8+64+64+8 = 144
	"map[int32]bool":   headerSize + 64,  // bucket 8+32+8+8 = 56 -> class 64
	"map[string]int":   headerSize + 208, // bucket 8+128+64+8 = 208
	"map[int]struct{}": headerSize + 80,  // bucket 8+64+0+8 = 80
}
