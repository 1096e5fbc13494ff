module github.com/mapscope/mapscope/internal/mapruntime

go 1.24
