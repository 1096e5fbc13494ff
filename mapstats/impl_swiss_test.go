//go:build ((go1.24 && !go1.26 && goexperiment.swissmap) || (go1.26 && !go1.28)) && !goexperiment.mapsplitgroup

package mapstats_test

// Expected figures for Swiss tables, from map-runtime-facts: a 48-byte
// maps.Map header and groups of 8 control bytes + 8 slots.
const (
	wantImpl   = "swiss"
	headerSize = 48
)

// smallMapBytes is header + one group rounded to its size class.
var smallMapBytes = map[string]int64{
	"map[int]int":      headerSize + 144, // group 8+8*16 = 136 -> class 144
	"map[int32]bool":   headerSize + 80,  // group 8+8*8 = 72 -> class 80
	"map[string]int":   headerSize + 208, // group 8+8*24 = 200 -> class 208
	"map[int]struct{}": headerSize + 144, // slot padded to 16: no saving
}
