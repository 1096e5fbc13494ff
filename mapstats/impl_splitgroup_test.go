//go:build go1.27 && !go1.28 && goexperiment.mapsplitgroup

package mapstats_test

// Expected figures for Swiss tables with GOEXPERIMENT=mapsplitgroup
// (Go 1.27): a group stores 8 control bytes, then 8 keys, then 8 elems,
// so small keys and elems need no padding.
const (
	wantImpl   = "swiss"
	headerSize = 48
)

var smallMapBytes = map[string]int64{
	"map[int]int":      headerSize + 144, // 8+64+64 = 136 -> class 144
	"map[int32]bool":   headerSize + 48,  // 8+32+8 = 48
	"map[string]int":   headerSize + 208, // 8+128+64 = 200 -> class 208
	"map[int]struct{}": headerSize + 80,  // 8+64 = 72 -> class 80
}
