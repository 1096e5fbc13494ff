package main

import (
	"fmt"
	"strings"
)

// product is one catalog entry.
type product struct {
	ID    int     `json:"id"`
	Name  string  `json:"name"`
	Brand string  `json:"brand"`
	Price float64 `json:"price"`
}

// catalog is the static table: built once at startup, read-only after.
type catalog struct {
	products map[int]product
	brands   []string
}

func newCatalog(n int) *catalog {
	brands := []string{"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka"}
	c := &catalog{products: make(map[int]product, n), brands: brands}
	for i := 0; i < n; i++ {
		c.products[i] = product{ID: i, Name: fmt.Sprintf("product %d", i), Brand: brands[i%len(brands)], Price: float64(i%997) + 0.99}
	}
	return c
}

func (c *catalog) byID(id int) (product, bool) {
	p, ok := c.products[id]
	return p, ok
}

// search returns up to max products whose brand starts with q.
func (c *catalog) search(q string, max int) []product {
	var hits []product
	for i := 0; i < len(c.products) && len(hits) < max; i += 97 {
		if p := c.products[i]; strings.HasPrefix(p.Brand, q) {
			hits = append(hits, p)
		}
	}
	return hits
}

func renderPage(p product) []byte {
	return []byte(fmt.Sprintf("<html><h1>%s</h1><p>%s, $%.2f</p>%s</html>", p.Name, p.Brand, p.Price, strings.Repeat(" ", 512)))
}
