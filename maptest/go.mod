module github.com/mapscope/mapscope/maptest

go 1.24

require github.com/mapscope/mapscope/mapwatch v0.0.0

replace (
	github.com/mapscope/mapscope/mapstats => ../mapstats
	github.com/mapscope/mapscope/mapwatch => ../mapwatch
)
