package mapstats_test

import (
	"fmt"

	"github.com/mapscope/mapscope/mapstats"
)

func ExampleOf() {
	sessions := make(map[int]string)
	for i := 0; i < 100_000; i++ {
		sessions[i] = "session"
	}
	for i := 10; i < 100_000; i++ {
		delete(sessions, i)
	}
	st, err := mapstats.Of(sessions)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("entries:", st.Len)
	fmt.Println("over 1 MB held:", st.Bytes > 1<<20)
	fmt.Println("nearly all reclaimable:", st.Reclaimable() > st.Bytes*99/100)
	// Output:
	// entries: 10
	// over 1 MB held: true
	// nearly all reclaimable: true
}

func ExampleRebuild() {
	cache := make(map[string]int)
	for i := 0; i < 50_000; i++ {
		cache[fmt.Sprint(i)] = i
	}
	clear(cache) // keeps every table
	cache["hot"] = 1

	before, _ := mapstats.Of(cache)
	cache = mapstats.Rebuild(cache) // the old tables become garbage
	after, _ := mapstats.Of(cache)
	fmt.Println(len(cache), after.Bytes < before.Bytes/100)
	// Output: 1 true
}
