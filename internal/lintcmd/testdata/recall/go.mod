module recall

go 1.24
