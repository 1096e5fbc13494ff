// Package lab runs short experiments that check claims about Go maps
// against the runtime, so that mapscope's advice rests on measurements of
// the Go in use rather than on what was true of some older version.
//
// Each [Experiment] has a stable name, the claim as people state it, what
// the claim predicts, and a verdict rule over measured figures. The
// measuring is done by a child program (the source in child/, embedded
// here) that the lab builds once per Go toolchain and runs once per
// experiment, so every experiment gets a fresh process: heap and RSS
// figures are its own, and an experiment that kills its process (the
// concurrent-writes one) kills only that child.
//
// The child's module says "go 1.21" and uses only the standard library,
// so any toolchain from Go 1.21 on builds it; other toolchains are fetched
// through the module proxy by the go command (GOTOOLCHAIN=go1.23.12).
package lab
