module github.com/mapscope/mapscope/mapwatch

go 1.24
