package store_test

import (
	"testing"

	"example.com/svc/internal/store"
)

func TestIndex(t *testing.T) {
	ix := store.Index{}
	ix["a"] = []int{1} // want: mapassign "ix" "store.Index"; alloc "[]int{...}" "[]int" fn "example.com/svc/internal/store_test.TestIndex"
}
