// The sixteen call sites are identical but for their names and map sizes:
// every path through them is a distinct stack in the heap profile.

package main

// descend calls one of the sixteen sites, chosen by the low four bits of c,
// until level reaches zero: the bits of the counter pick the call path.
func descend(c uint32, level int) {
	if level > 0 {
		sites[c&15](c>>4, level-1)
	}
}

var sites [16]func(c uint32, level int)

// init fills sites; a composite literal would make the table refer to the
// sites and the sites, through descend, to the table: an initialization
// cycle.
func init() {
	sites = [16]func(uint32, int){site00, site01, site02, site03, site04, site05, site06, site07,
		site08, site09, site10, site11, site12, site13, site14, site15}
}

//go:noinline
func site00(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 9; i++ {
		m[i] = i
	}
	keep(m, &record{site: 0, counter: c})
	descend(c, level)
}

//go:noinline
func site01(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 10; i++ {
		m[i] = i
	}
	keep(m, &record{site: 1, counter: c})
	descend(c, level)
}

//go:noinline
func site02(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 11; i++ {
		m[i] = i
	}
	keep(m, &record{site: 2, counter: c})
	descend(c, level)
}

//go:noinline
func site03(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 12; i++ {
		m[i] = i
	}
	keep(m, &record{site: 3, counter: c})
	descend(c, level)
}

//go:noinline
func site04(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 13; i++ {
		m[i] = i
	}
	keep(m, &record{site: 4, counter: c})
	descend(c, level)
}

//go:noinline
func site05(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 14; i++ {
		m[i] = i
	}
	keep(m, &record{site: 5, counter: c})
	descend(c, level)
}

//go:noinline
func site06(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 15; i++ {
		m[i] = i
	}
	keep(m, &record{site: 6, counter: c})
	descend(c, level)
}

//go:noinline
func site07(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 16; i++ {
		m[i] = i
	}
	keep(m, &record{site: 7, counter: c})
	descend(c, level)
}

//go:noinline
func site08(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 17; i++ {
		m[i] = i
	}
	keep(m, &record{site: 8, counter: c})
	descend(c, level)
}

//go:noinline
func site09(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 18; i++ {
		m[i] = i
	}
	keep(m, &record{site: 9, counter: c})
	descend(c, level)
}

//go:noinline
func site10(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 19; i++ {
		m[i] = i
	}
	keep(m, &record{site: 10, counter: c})
	descend(c, level)
}

//go:noinline
func site11(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 20; i++ {
		m[i] = i
	}
	keep(m, &record{site: 11, counter: c})
	descend(c, level)
}

//go:noinline
func site12(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 21; i++ {
		m[i] = i
	}
	keep(m, &record{site: 12, counter: c})
	descend(c, level)
}

//go:noinline
func site13(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 22; i++ {
		m[i] = i
	}
	keep(m, &record{site: 13, counter: c})
	descend(c, level)
}

//go:noinline
func site14(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 23; i++ {
		m[i] = i
	}
	keep(m, &record{site: 14, counter: c})
	descend(c, level)
}

//go:noinline
func site15(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 24; i++ {
		m[i] = i
	}
	keep(m, &record{site: 15, counter: c})
	descend(c, level)
}
