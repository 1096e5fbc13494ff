module github.com/mapscope/mapscope/golangci

go 1.26.0

require (
	github.com/golangci/plugin-module-register v0.1.2
	github.com/mapscope/mapscope v0.2.0
	golang.org/x/tools v0.52.0
)

// Development: build against the mapscope module in the parent directory.
// A released plugin requires a tagged github.com/mapscope/mapscope instead.
replace github.com/mapscope/mapscope => ../

replace github.com/mapscope/mapscope/internal/mapruntime => ../internal/mapruntime
