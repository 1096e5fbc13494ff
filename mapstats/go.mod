module github.com/mapscope/mapscope/mapstats

go 1.24

require github.com/mapscope/mapscope/internal/mapruntime v0.2.0

// Development only: a module's replace directives apply when it is the
// main module, never to the modules that require it.
replace github.com/mapscope/mapscope/internal/mapruntime => ../internal/mapruntime
