module example.com/gclfill

go 1.22
