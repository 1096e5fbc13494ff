package store

// The loop forms mapprealloc counts too (internal/tripcount): heap advice
// and lint give the same count.

func CountedFromOne(xs []int) map[int]int {
	m := make(map[int]int) // want: mapmake "m" "map[int]int"
	for i := 1; i <= len(xs); i++ {
		m[i] = xs[i-1] // want: mapassign "m" "map[int]int"; loop "len(xs)" once local
	}
	return m
}

func CountedDown(xs []int) map[int]int {
	m := make(map[int]int) // want: mapmake "m" "map[int]int"
	for i := len(xs) - 1; i >= 0; i-- {
		m[i] = xs[i] // want: mapassign "m" "map[int]int"; loop "len(xs)" once local
	}
	return m
}

func CountedUpToN(n int) map[int]int {
	m := make(map[int]int) // want: mapmake "m" "map[int]int"
	for i := 1; i <= n; i++ {
		m[i] = i // want: mapassign "m" "map[int]int"; loop "n" once local
	}
	return m
}

func RangeN(n int) map[int]int {
	m := make(map[int]int) // want: mapmake "m" "map[int]int"
	for i := range n {
		m[i] = i // want: mapassign "m" "map[int]int"; loop "n" once local
	}
	return m
}

func RangeMapKeys(src map[string]int) map[string]bool {
	m := make(map[string]bool) // want: mapmake "m" "map[string]bool"
	for k := range src {
		m[k] = true // want: mapassign "m" "map[string]bool"; loop "len(src)" once local
	}
	return m
}
