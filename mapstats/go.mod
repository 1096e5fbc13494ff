module github.com/mapscope/mapscope/mapstats

go 1.24
