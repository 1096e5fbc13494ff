// Package batchlib cannot reach package net: it is taken as part of a
// batch program, whose symbol tables only grow until it exits.
package batchlib

import "strings"

var symbols = map[string]int{}

func Declare(decl string) {
	name, _, _ := strings.Cut(decl, " ")
	symbols[name] = len(symbols)
}
