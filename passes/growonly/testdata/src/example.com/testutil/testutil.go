// Package testutil supports tests: nothing in it runs in production.
package testutil

import "strings"

var expected = map[string]int{}

func Expect(s string) { expected[strings.ToLower(s)]++ }
