package main

// facetCounts counts the hits per brand. The map is made without a size
// hint for every request and dropped after it: garbage, not a leak.
func facetCounts(hits []product) map[string]int {
	facets := map[string]int{}
	for _, h := range hits {
		facets[h.Brand]++
	}
	return facets
}
