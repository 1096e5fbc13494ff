package srcline_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/mapscope/mapscope/internal/heap/srcline"
)

func ExampleTree_Lookup() {
	tree, err := srcline.Open("testdata/mod")
	if err != nil {
		log.Fatal(err)
	}
	// A frame of a heap profile written by a -trimpath build.
	line, err := tree.Lookup("example.com/svc/internal/store.Tags.Add", "example.com/svc/internal/store/tags.go", 7)
	if err != nil {
		log.Fatal(err)
	}
	for _, op := range line.Ops {
		fmt.Printf("%s %s %s (%s)\n", op.Kind, op.Expr, op.Type, op.MapType)
	}
	// Frames of the standard library are not in the tree.
	_, err = tree.Lookup("encoding/json.(*decodeState).object", "/usr/local/go/src/encoding/json/decode.go", 700)
	fmt.Println(errors.Is(err, srcline.ErrNotInTree))
	// Output:
	// mapassign t Tags (map[string][]string)
	// alloc append(t[tag], id) []string ()
	// true
}
