package a

import "sync"

type user struct {
	ID   int
	Name string
}

type index struct {
	users []user
	byID  map[int]user
}

func fromSlice(users []user) map[int]user {
	byID := make(map[int]user) // want `map byID is made without a size hint but the loop below fills it len\(users\) times`
	for _, u := range users {
		byID[u.ID] = u
	}
	return byID
}

func fromLiteral(names []string) map[string]bool {
	seen := map[string]bool{} // want `map seen is made without a size hint but the loop below fills it len\(names\) times`
	for _, n := range names {
		seen[n] = true
	}
	return seen
}

func fromVarDecl(src map[string]int) map[string]int {
	var cp = make(map[string]int) // want `map cp is made without a size hint but the loop below fills it len\(src\) times`
	for k, v := range src {
		cp[k] = v + 1
	}
	return cp
}

func fromField(ix *index) {
	m := make(map[int]user) // want `map m is made without a size hint but the loop below fills it len\(ix.users\) times`
	for i := range ix.users {
		m[ix.users[i].ID] = ix.users[i]
	}
	ix.byID = m
}

func counted(xs []int) map[int]int {
	sq := make(map[int]int) // want `map sq is made without a size hint but the loop below fills it len\(xs\) times`
	for i := 0; i < len(xs); i++ {
		sq[i] = xs[i] * xs[i]
	}
	return sq
}

func rangeConst() map[int]int {
	m := make(map[int]int) // want `map m is made without a size hint but the loop below fills it 16 times`
	for i := range 16 {
		m[i] = i
	}
	return m
}

// The statements between make and the loop do not use the map.
func between(words []string) map[string]int {
	pos := make(map[string]int) // want `map pos is made without a size hint but the loop below fills it len\(words\) times`
	total := 0
	for i, w := range words {
		pos[w] = i
		total += len(w)
	}
	_ = total
	return pos
}

// n may be negative: make(map, n) would panic, so no fix is offered.
func countedVar(n int) map[int]bool {
	m := make(map[int]bool) // want `map m is made without a size hint but the loop below fills it n times`
	for i := 0; i < n; i++ {
		m[i] = true
	}
	return m
}

// The slice is declared after the make: the hint cannot move up.
func declaredLater(f func() []string) map[string]bool {
	m := map[string]bool{} // want `map m is made without a size hint but the loop below fills it len\(names\) times`
	names := f()
	for _, n := range names {
		m[n] = true
	}
	return m
}

type pool struct {
	mu   sync.Mutex
	idle []int
}

// The loop reads p.idle under a lock taken after the make: moving
// len(p.idle) up to the make would read it unlocked, so no fix.
func (p *pool) idleSet() map[int]bool {
	set := make(map[int]bool) // want `map set is made without a size hint but the loop below fills it len\(p.idle\) times`
	p.mu.Lock()
	for _, c := range p.idle {
		set[c] = true
	}
	p.mu.Unlock()
	return set
}

type label string

// A conversion of the loop variable is still the loop variable.
func converted(names []string) map[label]int {
	m := make(map[label]int) // want `map m is made without a size hint but the loop below fills it len\(names\) times`
	for i, n := range names {
		m[label(n)] = i
	}
	return m
}

// A set of the elements themselves, reached by index.
func setOfElements(ids []int) map[int]struct{} {
	set := map[int]struct{}{} // want `map set is made without a size hint but the loop below fills it len\(ids\) times`
	for i := range ids {
		set[ids[i]] = struct{}{}
	}
	return set
}

// Near misses below: none of them is reported.

// A set of a field of the elements collects its distinct values, which
// repeat: a hint of len(samples) would oversize it.
type sample struct{ Ref, T int }

func distinctRefs(samples []sample) map[int]bool {
	refs := make(map[int]bool)
	for _, s := range samples {
		refs[s.Ref] = true
	}
	return refs
}

// Keys looked up from the element by index are attributes, which repeat.
func byAttribute(targets []map[string]string) map[string]map[string]string {
	m := make(map[string]map[string]string)
	for _, t := range targets {
		m[t["zone"]] = t
	}
	return m
}

// Map values repeat: inverting a map or collecting its distinct values
// would be oversized by a hint of len(src).
func invert(src map[string]int) map[int]string {
	inv := make(map[int]string)
	for k, v := range src {
		inv[v] = k
	}
	return inv
}

func distinctValues(shardOf map[string]string) int {
	used := make(map[string]bool)
	for _, shard := range shardOf {
		used[shard] = true
	}
	return len(used)
}

func alreadySized(users []user) map[int]user {
	m := make(map[int]user, len(users))
	for _, u := range users {
		m[u.ID] = u
	}
	return m
}

func conditional(users []user) map[int]user {
	m := make(map[int]user)
	for _, u := range users {
		if u.ID > 0 {
			m[u.ID] = u
		}
	}
	return m
}

func skipping(users []user) map[int]user {
	m := make(map[int]user)
	for _, u := range users {
		if u.ID == 0 {
			continue
		}
		m[u.ID] = u
	}
	return m
}

func counting(words []string) map[string]int {
	m := make(map[string]int)
	for _, w := range words {
		m[w]++
	}
	return m
}

func grouping(users []user) map[string][]user {
	m := make(map[string][]user)
	for _, u := range users {
		m[u.Name] = append(m[u.Name], u)
	}
	return m
}

func constantKey(users []user) map[string]user {
	m := make(map[string]user)
	for _, u := range users {
		m["last"] = u
	}
	return m
}

func channel(c chan int) map[int]bool {
	m := make(map[int]bool)
	for x := range c {
		m[x] = true
	}
	return m
}

func iterator(seq func(func(int) bool)) map[int]bool {
	m := make(map[int]bool)
	for x := range seq {
		m[x] = true
	}
	return m
}

func usedBefore(names []string) map[string]bool {
	m := make(map[string]bool)
	m["root"] = true
	for _, n := range names {
		m[n] = true
	}
	return m
}

func boundChanges(xs []int) map[int]int {
	m := make(map[int]int)
	n := len(xs)
	for i := 0; i < n; i++ {
		m[i] = xs[i]
		n--
	}
	return m
}

func twoInserts(users []user) map[string]int {
	m := make(map[string]int)
	for _, u := range users {
		m[u.Name] = u.ID
		m[u.Name+"!"] = u.ID
	}
	return m
}

var global = make(map[string]bool)

func packageLevel(names []string) {
	for _, n := range names {
		global[n] = true
	}
}

func nonMap(names []string) []string {
	s := make([]string, 0)
	for _, n := range names {
		s = append(s, n)
	}
	return s
}

// The loop forms heap analysis counts too (internal/tripcount): lint and
// heap advice give the same count.

func countedFromOne(xs []int) map[int]int {
	m := make(map[int]int) // want `map m is made without a size hint but the loop below fills it len\(xs\) times`
	for i := 1; i <= len(xs); i++ {
		m[i] = xs[i-1]
	}
	return m
}

func countedDown(xs []int) map[int]int {
	m := make(map[int]int) // want `map m is made without a size hint but the loop below fills it len\(xs\) times`
	for i := len(xs) - 1; i >= 0; i-- {
		m[i] = xs[i]
	}
	return m
}

func countedUpToN(n int) map[int]int {
	m := make(map[int]int) // want `map m is made without a size hint but the loop below fills it n times`
	for i := 1; i <= n; i++ {
		m[i] = i
	}
	return m
}

func rangeN(n int) map[int]int {
	m := make(map[int]int) // want `map m is made without a size hint but the loop below fills it n times`
	for i := range n {
		m[i] = i
	}
	return m
}

func rangeMapKeys(src map[string]int) map[string]bool {
	m := make(map[string]bool) // want `map m is made without a size hint but the loop below fills it len\(src\) times`
	for k := range src {
		m[k] = true
	}
	return m
}

type tx struct{ payload string }

func (t *tx) Hash() string { return t.payload }

// A duplicate is an error: every iteration that keeps the map adds a new
// key, so a set keyed by a method of the element is exactly len(txs).
func uniqueHashes(txs []*tx) (map[string]struct{}, error) {
	seen := make(map[string]struct{}) // want `map seen is made without a size hint but the loop below fills it len\(txs\) times`
	for _, t := range txs {
		if t == nil {
			return nil, errNil
		}
		h := t.Hash()
		if _, dup := seen[h]; dup {
			return nil, errDup
		}
		seen[h] = struct{}{}
	}
	return seen, nil
}

type errorString string

func (e errorString) Error() string { return string(e) }

var errNil, errDup error = errorString("nil"), errorString("dup")

// Near miss: a loop that returns errors, without a duplicate check, is
// mostly parsing or validation, run once.
func byIDOrError(users []user) (map[int]user, error) {
	m := make(map[int]user)
	for _, u := range users {
		if u.ID == 0 {
			return nil, errNil
		}
		m[u.ID] = u
	}
	return m, nil
}

// Near misses.

// Configuration: a duplicate name is rejected once per load.
func parseConfig(names []string) (map[string]bool, error) {
	seen := make(map[string]bool)
	for _, n := range names {
		if seen[n] {
			return nil, errDup
		}
		seen[n] = true
	}
	return seen, nil
}

// Duplicates are skipped, not refused: the set collects distinct values.
func skipDuplicates(txs []*tx) map[string]struct{} {
	seen := make(map[string]struct{})
	for _, t := range txs {
		h := t.Hash()
		if _, dup := seen[h]; dup {
			continue
		}
		seen[h] = struct{}{}
	}
	return seen
}

// Returning the map half-filled keeps it.
func upToFirstZero(users []user) map[int]user {
	m := make(map[int]user)
	for _, u := range users {
		if u.ID == 0 {
			return m
		}
		m[u.ID] = u
	}
	return m
}

// The duplicate check looks up another key than the insert's.
func otherKeyGuard(txs []*tx) (map[string]bool, error) {
	seen := make(map[string]bool)
	for _, t := range txs {
		if seen[t.payload+"x"] {
			return nil, errDup
		}
		seen[t.Hash()] = true
	}
	return seen, nil
}

// A map made for a field of a new value, filled through a one-line method.
type accountSet struct {
	accounts map[string]struct{}
	n        int
}

func (as *accountSet) add(a string) { as.accounts[a] = struct{}{} }

func (as *accountSet) addLower(a string) { as.accounts[a+"x"] = struct{}{} }

func (as *accountSet) count(a string) { as.n++ }

func newAccountSet(addrs ...string) *accountSet {
	as := &accountSet{accounts: make(map[string]struct{})} // want `map accounts is made without a size hint but the loop below fills it len\(addrs\) times`
	for _, addr := range addrs {
		as.add(addr)
	}
	return as
}

// Near misses: the method builds its own key, or does not insert, or the
// set collects a field of the elements.
func lowerAccountSet(addrs []string) *accountSet {
	as := &accountSet{accounts: make(map[string]struct{})}
	for _, addr := range addrs {
		as.addLower(addr)
	}
	return as
}

func countedSet(addrs []string) *accountSet {
	as := &accountSet{accounts: map[string]struct{}{}}
	for _, addr := range addrs {
		as.count(addr)
	}
	return as
}

func namesSet(users []user) *accountSet {
	as := &accountSet{accounts: make(map[string]struct{})}
	for _, u := range users {
		as.add(u.Name)
	}
	return as
}

// A table rebuilt from empty by a callback, to replace the one a
// long-lived value holds: the old table says how large the new one gets.
type head struct {
	mu      sync.Mutex
	symbols map[string]struct{}
	each    func(func(string))
}

func (h *head) gc() {
	symbols := make(map[string]struct{}) // want `map symbols is made without a size hint but is filled to replace h.symbols: size it like the map it replaces, len\(h.symbols\)`
	h.each(func(s string) {
		symbols[s] = struct{}{}
	})
	h.mu.Lock()
	h.symbols = symbols
	h.mu.Unlock()
}

var routes map[string]int

func reload(next func() (string, bool)) {
	m := map[string]int{} // want `map m is made without a size hint but is filled to replace routes`
	for k, ok := next(); ok; k, ok = next() {
		m[k] = len(k)
	}
	routes = m
}

// Near misses: a few inserts in straight-line code; a map that does not
// replace a long-lived one.
func (h *head) small(a, b string) {
	symbols := make(map[string]struct{})
	symbols[a] = struct{}{}
	symbols[b] = struct{}{}
	h.symbols = symbols
}

// A loop of known length whose inserts the loop rule declines (a
// condition, keys that may repeat): a few server hosts.
func reloadHosts(servers []string, host func(string) (string, bool)) {
	m := map[string]int{}
	for i, s := range servers {
		if h, ok := host(s); ok {
			m[h] = i
		}
	}
	routes = m
}

func localOnly(each func(func(string))) int {
	seen := make(map[string]bool)
	each(func(s string) { seen[s] = true })
	return len(seen)
}

// Suppressed: the size is known to be tiny.
func suppressed(names []string) map[string]bool {
	//mapscope:ignore mapprealloc at most three names
	m := make(map[string]bool)
	for _, n := range names {
		m[n] = true
	}
	return m
}
