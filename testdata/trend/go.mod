module example.com/trend

go 1.23
