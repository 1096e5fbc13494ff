// The sixteen call sites differ in their names and in the map work they
// do (growing a map without a hint, filling a presized one, looking up,
// deleting, clearing, iterating): every path through them is a distinct
// stack in the CPU profile and in the trace's CPU samples.

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
	for i := 0; i < 64; i++ {
		m[i] = i
	}
	sink += len(m)
	descend(c, level)
}

//go:noinline
func site01(c uint32, level int) {
	m := make(map[int]int, 80)
	for i := 0; i < 80; i++ {
		m[i] = i
	}
	sink += len(m)
	descend(c, level)
}

//go:noinline
func site02(c uint32, level int) {
	for i := 0; i < 384; i++ {
		sink += shared[int(c)+i]
	}
	descend(c, level)
}

//go:noinline
func site03(c uint32, level int) {
	m := make(map[int]int, 112)
	for i := 0; i < 112; i++ {
		m[i] = i
	}
	for i := 0; i < 112; i++ {
		delete(m, i)
	}
	descend(c, level)
}

//go:noinline
func site04(c uint32, level int) {
	m := make(map[int]int, 1024)
	for i := 0; i < 16; i++ {
		m[i] = i
	}
	clear(m)
	sink += len(m)
	descend(c, level)
}

//go:noinline
func site05(c uint32, level int) {
	for k, v := range small {
		sink += k + v
	}
	descend(c, level)
}

//go:noinline
func site06(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 160; i++ {
		m[i] = i
	}
	sink += len(m)
	descend(c, level)
}

//go:noinline
func site07(c uint32, level int) {
	for i := 0; i < 704; i++ {
		sink += shared[int(c)+i]
	}
	descend(c, level)
}

//go:noinline
func site08(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 192; i++ {
		m[i] = i
	}
	sink += len(m)
	descend(c, level)
}

//go:noinline
func site09(c uint32, level int) {
	m := make(map[int]int, 208)
	for i := 0; i < 208; i++ {
		m[i] = i
	}
	sink += len(m)
	descend(c, level)
}

//go:noinline
func site10(c uint32, level int) {
	for i := 0; i < 896; i++ {
		sink += shared[int(c)+i]
	}
	descend(c, level)
}

//go:noinline
func site11(c uint32, level int) {
	m := make(map[int]int, 240)
	for i := 0; i < 240; i++ {
		m[i] = i
	}
	for i := 0; i < 240; i++ {
		delete(m, i)
	}
	descend(c, level)
}

//go:noinline
func site12(c uint32, level int) {
	m := make(map[int]int, 1024)
	for i := 0; i < 32; i++ {
		m[i] = i
	}
	clear(m)
	sink += len(m)
	descend(c, level)
}

//go:noinline
func site13(c uint32, level int) {
	for k, v := range small {
		sink += k + v
	}
	descend(c, level)
}

//go:noinline
func site14(c uint32, level int) {
	m := make(map[int]int)
	for i := 0; i < 288; i++ {
		m[i] = i
	}
	sink += len(m)
	descend(c, level)
}

//go:noinline
func site15(c uint32, level int) {
	for i := 0; i < 1216; i++ {
		sink += shared[int(c)+i]
	}
	descend(c, level)
}
