package maplayout

import "testing"

// The group sizes map-runtime-facts.md measured on Go 1.26 (amd64).
func TestGroupSize(t *testing.T) {
	for _, tc := range []struct {
		name       string
		slot, want int64
	}{
		{"map[int]int", 16, 136},
		{"map[string]int", 24, 200},
		{"map[int32]bool", 8, 72},
		{"map[int]struct{}", 16, 136}, // a zero-size elem still pads the slot
	} {
		if got := GroupSize(tc.slot); got != tc.want {
			t.Errorf("%s: GroupSize(%d) = %d, want %d", tc.name, tc.slot, got, tc.want)
		}
	}
}

func TestBucketArrayLen(t *testing.T) {
	for b, want := range map[uint]int64{0: 1, 3: 8, 4: 17, 5: 34, 10: 1024 + 64} {
		if got := BucketArrayLen(b); got != want {
			t.Errorf("BucketArrayLen(%d) = %d, want %d", b, got, want)
		}
	}
}
