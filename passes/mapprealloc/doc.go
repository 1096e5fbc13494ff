// Package mapprealloc defines an Analyzer that reports maps made without
// a size hint and then filled by a loop whose trip count is known before
// the loop starts.
//
// # Analyzer mapprealloc
//
// mapprealloc: report maps filled by a loop of known length but made without a size hint
//
// A map made with make(map[K]V) or map[K]V{} starts with room for eight
// entries. Filling it grows it step by step: every growth allocates a
// table twice as large and copies the entries, and the old tables become
// garbage. When the number of insertions is known before the loop, a size
// hint makes the map once, at its final size:
//
//	byID := make(map[int]*User)
//	for _, u := range users {
//		byID[u.ID] = u
//	}
//
// becomes
//
//	byID := make(map[int]*User, len(users))
//
// The analyzer reports a map only when all of these hold:
//
//   - it is a local variable made by make without a size argument or by an
//     empty composite literal, in the same block as the loop and before it;
//     its type is a map type or a type parameter whose type set holds only
//     maps (M ~map[K]V: make(M) and M{} are reported, and make(M, n) is
//     valid for them);
//   - the loop ranges over a slice, array, pointer to array, map or string,
//     or over an integer, or is a counted loop "for i := 0; i < n; i++"
//     whose bound n is not assigned in the loop;
//   - the loop body inserts into the map exactly once, unconditionally, as
//     a statement of the body itself (not inside if, switch or a nested
//     loop), and contains no break, continue, goto, return or labelled
//     statement (but see the duplicate check below);
//   - the inserted key is likely new in every iteration: the loop variable
//     (or a conversion of it), the element xs[i], either of them plus or
//     minus a value the loop does not change (prefix+name), or an identity
//     of the element: a field or method selected on it, or a function of
//     it, whose name is or ends with ID, Key, Name, UUID or Hash (u.ID,
//     c.UserID, spec.JobName, tx.Hash(), keyOf(u)), or is String
//     (l.String()). A key derived from the element in any other way is an
//     attribute (u.Country, u.Region(), t["zone"], countryOf(u)) and is
//     not reported at all: attributes repeat across elements, and the
//     len(users) hint the fix would write sizes the map for every element
//     (a million users in 200 countries: 101 MB and 86 ms per fill with the
//     hint, 22 KB and 28 ms without). The analyzer cannot see the data, so
//     the name decides: an identity field that repeats (u.OwnerID) is
//     still reported, and an attribute that happens to be distinct is not;
//     the identity of what the element refers to (u.Owner.ID) counts as an
//     attribute, and so do folds and other functions of the index (i%16,
//     strconv.Itoa(i)). Keys that repeat by design are left out too: over a
//     map, keys built from its values (inverting a map); and in a set
//     (map[K]bool, map[K]struct{}), anything but the element itself,
//     since a set of a field collects distinct values. The right-hand side
//     must not read the map (counting "m[k]++" and grouping "m[k] = append(m[k], v)"
//     repeat keys by design and are not reported). The one lookup allowed
//     is a duplicate check on the inserted key that returns
//     (`if _, ok := seen[h]; ok { return err }`): a repeated key then ends
//     the function, so every iteration that keeps the map adds a new key,
//     and any key that changes with the element (h := tx.Hash()) fills it
//     exactly. With such a check, other returns that drop the map (error
//     paths) are allowed too. Not in code that reads configuration (a
//     function or receiver type whose name says config, options,
//     unmarshal, validate, setup or provision): a duplicate name in a
//     file is rejected once per load, and the hint cannot matter;
//   - nothing between the make and the loop mentions the map.
//
// A decoder reading a serialized map is reported too. Wire formats write
// a map as its entry count followed by the entries (msgpack, CQL
// collections, length-prefixed binary sections), and the decoder reads
// them in a counted loop (for i := 0; i < n; i++, or a range over an
// integer) that decodes a key in every iteration: a local variable of the
// loop body assigned only from calls that do not read the counter (`k,
// used, err := keys.Unmarshal(bs[n:])`) or from the input read at a
// cursor the loop advances (`key := string(raw[off : off+n])`, off
// declared before the loop and assigned in it), or declared in the body
// and filled through its address (`var k string; dec.Decode(&k)`). A
// serialized map holds each key once, so the count is the map's size.
// Returns in the loop, which end the decoding of a malformed message and
// may hand back the map decoded so far, and break and continue, which
// stop at malformed input or skip an entry and leave the count an upper
// bound, are allowed. Such a loop runs for every
// message, so a function name that says unmarshal does not make it
// configuration code here (the other words do). A map made by
// reflect.MakeMap(t) into a reflect.Value (`rv.Set(reflect.MakeMap(t))`
// or `m := reflect.MakeMap(t)`, also in one branch of an if chain whose
// other branches return, `else if v.IsNil() { v.Set(reflect.MakeMap(t))
// }`) and filled by its SetMapIndex is reported on the same terms,
// decoder or not; the loop may use the value's type (`v.Type().Key()`)
// to make keys, and the fix is reflect.MakeMapWithSize(t, n). A range
// over a collection is not a decoder's count, whatever its key. A
// decoder's counted loop may step by a constant k (`i += 2` over a flat
// array of pairs): its count is (n+k-1)/k. Outside decoders such a loop
// is not reported: a flat list of pairs holds a few attributes or
// headers (chromedp's attributeMap, rod's SetExtraHeaders).
//
// A map made for a field of a new struct value (`as :=
// &accountSet{accounts: make(map[K]V)}`) is reported on the same terms
// when the loop's only use of the value is a call of a method of the
// package whose body is the single insert `recv.field[p] = v`: the
// method's argument for p is the key.
//
// So is a map field made lazily right before the loop that fills it,
// `if o.attachments == nil { o.attachments = make(M) }` followed by a
// loop of known length inserting into o.attachments once per
// iteration, on the terms above: the if holds nothing but the make, and
// nothing between it and the loop mentions the field or assigns the
// value holding it. When the field was not nil the map keeps its own
// size, which the hint does not touch. A field the package also deletes
// from or clears is not reported: it is a live set made once per owner
// (subscribed channels, removed peers), and the fill is one batch of its
// changes.
//
// A map made without a hint, filled in a callback or a loop whose length
// is not known before it starts, and then assigned whole to a field or a
// package-level variable
// of the same type is reported too: it rebuilds a long-lived map from
// empty, through every size step, while the map it replaces says how
// large it gets (`make(map[K]V, len(h.symbols))`). No fix is offered: the
// replaced map may be guarded by a lock taken after the make. A few
// inserts in straight-line code make a small map and are not reported,
// nor is a loop of known length that the rules above decline (a set of
// the hosts of a few configured server URLs).
//
// Code where the hint cannot matter is not reported either, though the
// rules above hold there (found on real modules, see
// docs/lint-results.md):
//
//   - a loop of at most 8 iterations known from the code (a range over an
//     array, a composite literal or a constant, a counted loop with a
//     constant bound such as len of an array): a map made without a hint
//     has room for eight entries and never grows in it;
//   - code that runs once: the body of func init, or of func main in
//     package main, a function literal passed to sync.Once's Do or run in
//     a package-level variable's initializer, and unexported functions
//     (not methods, which an interface may call) called only from such
//     code; a make inside a loop, or in a callback (a function literal
//     that is not called where it stands), of such code runs as often as
//     the loop or the callback;
//   - configuration code: a function whose name, or whose receiver's type
//     name, says config, options, unmarshal, validate, setup or provision
//     (validateLeafNode, (*AdminConfig).allowedOrigins, coredns' setup),
//     or that takes a parameter of, or is a method of, a configuration
//     type (one named ...Config, or one holding structs declared in a
//     package with an element that says config in its import path:
//     config/common, configtypes; not a map of any values there, which
//     flowlogs-pipeline's pkg/config copies per flow record); it runs
//     once per load, over a handful of configured items;
//   - test support: a package whose name, or an element of whose import
//     path, ends in test, testutil, testutils or testing (servertest,
//     internal/testutils/roundrobin) or is tests, testhelper(s), testenv,
//     testdata, e2e, fuzz or fuzzing (the rule growonly uses too), and a file
//     that imports "testing" (test helpers kept in a production
//     package's testing.go); likewise example programs, under an
//     examples or _examples directory, which are there to be read.
//
// Test files (_test.go) are not analyzed: tests and benchmarks build maps
// to exercise them, often to exercise growth itself, and their
// allocations never reach production.
//
// A suggested fix adds the hint when it is certain to be valid at the make:
// len(x) of a range operand x that is a variable or a field path, or a
// loop bound that is len(...) of such an operand or a non-negative
// constant. When statements stand between the make and the loop, the hint
// must read only local variables they do not assign: a field may change
// under a call or be guarded by a lock taken in between, and moving
// len(p.conns) above p.mu.Lock() would be a data race. A bound that is an
// integer variable could be negative, which
// make rejects at run time, so such loops are reported without a fix. For
// strings the hint len(s) counts bytes, an upper bound of the runes
// ranged over.
//
// A loop that copies one map into another is not rewritten to maps.Clone:
// Clone returns nil for a nil source where make returns an empty map, and it
// copies the source's tables at their current size, including memory the
// source kept after deletes.
package mapprealloc
