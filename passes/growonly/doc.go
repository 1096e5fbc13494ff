// Package growonly defines an Analyzer that reports long-lived maps that
// are inserted into but never deleted from, cleared, replaced or bounded.
//
// # Analyzer growonly
//
// growonly: report long-lived maps that only grow
//
// A Go map never gives memory back while it lives: deletes and clear keep
// every table, and only replacing the map releases them. A package-level
// map, or a map field of a long-lived value, that is inserted into and
// never deleted from, cleared, replaced or bounded therefore grows for as
// long as the program runs:
//
//	var lastSeen = map[string]time.Time{}
//
//	func handle(w http.ResponseWriter, r *http.Request) {
//		lastSeen[r.RemoteAddr] = time.Now() // "map lastSeen only grows: nothing in the package deletes from it, clears it or replaces it"
//	}
//
// The same holds for sync.Map: Store, LoadOrStore and Swap insert; Delete,
// LoadAndDelete, CompareAndDelete and Clear remove.
//
// The analyzer is silent when, anywhere in the package,
//
//   - the map is deleted from (delete, clear, the range-delete idiom, or the
//     sync.Map removal methods),
//   - the map is replaced: assigned nil or a new map outside its creation
//     (a declaration, init, a composite literal, a freshly allocated local
//     value, a lazy `if m == nil { m = make(...) }`, a sync.Once, or an
//     unexported method the package calls only, where the call stands, on
//     values it has just allocated: `c := &Conn{}; c.initJobs()`), or the
//     whole struct holding it is overwritten (`*c = Cache{}`). A new map
//     assigned in a function whose name says config or reload
//     (ApplyConfig) does not count: between reloads, which may never
//     come, the map only grows, and the report says so. Nor does
//     emptying the whole map (clear, a delete in a range over it, nil or
//     a new map) in a function whose name begins with close, shutdown or
//     stop that the package calls neither in a loop (outside another
//     such function) nor in a callback, nor uses as a value: it runs
//     when the owner shuts down, and until then the map only grows (a
//     server's connection table emptied only in Close). A delete of one
//     key there (closeConn dropping its own entry) counts,
//   - the map is bounded: its length is compared against a limit
//     (`if len(m) < max { m[k] = v }`),
//   - the map escapes: it is passed to a function, or assigned to another
//     variable, returned, or its address is taken; whoever receives it may
//     delete from it. Calls that cannot release it are exempt: len, the
//     fmt printers, the read-only functions of package maps, and the
//     package's own functions and methods of map types that only read
//     their map parameter or insert into it (computed within the package,
//     through calls between its functions). An insertion made by such a
//     helper counts in application code only: its key is a parameter.
//
// One diagnostic is reported per map, on its first insertion in source
// order. An insertion does not count when it cannot make the map grow
// without bound:
//
//   - it runs once: in an init function, a package variable's initialiser,
//     a function given to sync.Once, a function only called from those,
//     a method that sets up its receiver (called only on values just
//     allocated, as above),
//     or right after the map is created in
//     `if m == nil { m = make(...); m[k] = v }`;
//   - it sits in a function whose name contains "register": registries
//     are filled by the program's own declarations;
//   - it reads configuration: a function whose name, or whose receiver's
//     type name, says config, options, unmarshal, validate, setup or
//     provision, or that (or a function literal around the insertion)
//     takes a parameter of, or is a method of, a configuration type (one
//     named ...Config, or one holding structs declared in a package with
//     an element that says config in its import path: not a map of any
//     values there, a flow record of flowlogs-pipeline). What it stores
//     is as large as the configuration and is rebuilt per load; a hot
//     function so named is misjudged the same way. Not when the key came
//     with a request in the function or its caller (a bearer token from
//     its header, beside a configuration parameter): the configuration
//     does not choose it. Request data from further away is weaker
//     evidence than the configuration's;
//   - it is dead code behind a constant false (a disabled debug flag);
//   - its key is a constant: one entry, overwritten;
//   - it is guarded by a comparison with a limit, a name containing "max"
//     or "limit" (`if size+n <= maxCacheBytes { m[k] = v }`);
//   - the key type has few values: bool, int8, uint8, an enumeration of
//     the package, types of reflect, go/types or internal/abi (a cache
//     keyed by type is bounded by the program), or structs and arrays of
//     those with at most 65,536 values in all ([2]uint8, a struct of two
//     bytes; a [32]byte hash has more values than any map holds, and a
//     pointer names one allocation of many).
//
// _test.go files, and test-support and example packages (a name or an
// import path element such as tests, testutil, e2e, fuzz or examples, or
// one ending in test or testing, as servertest; the rule mapprealloc
// uses too), are ignored altogether: a test that deletes from a map does
// not bound it in production, and a test that fills one does not leak.
//
// Separately, a delete under the wrong key is reported wherever it is:
// within one function, delete(m, a) when m is indexed there by a local
// variable b built from a (`key := keyOf(subject, queue)`, then m[key],
// then delete(m, subject)) and never by a itself. The delete removes
// nothing, and the entry under b stays. Likewise a delete whose key is
// read from another field than the one every insertion of a map field or
// package-level map reads its key from, traced through conversions and
// local variables: insertions keyed by string(m.Entries[0].Data) and a
// delete by string(rs.req.Context), both of type Message (unless another
// delete of the map reads the insertions' field). And a map field that
// is inserted into but never deleted from, cleared or replaced, when a
// function deletes one key from two or more other map fields of the same
// struct with the same key type: the cleanup forgot it, whatever the
// struct's lifetime. And an insertion into a map field deleted from only
// while ranging over another map field, on a path of a function that
// fills the other map elsewhere but not here (`if dropped {
// t.droppedSeries[ref] = ...; continue }` before
// `t.seriesSegmentIndexes[ref] = ...`): the sweep never sees that key.
// And an entry a call stores under a key of its own and waits on (a
// waiter channel, a pending response), deleted on some of the call's
// returns but not on another that neither hands the key to the caller
// nor follows a receive that a responder (a function that only deletes
// from the map) answered: that exit leaves it behind (a delete deferred
// before the return, directly or in a deferred function literal, covers
// it). The same when the
// call deletes the entry on no path at all and leaves that to the
// responder: a return in another case of the select that waits for the
// answer (a timeout, a cancelled context), or between the store and the
// select (the request could not be sent), leaves the entry, unless the
// call defers a function value (a cancel the registration returned, or a
// function literal that calls one) or calls a function that deletes
// from the map, or something in the package ranges over it (a sweep of
// expired waiters). And, within one
// function, an insertion m[k] after delete(m, k) on the same path (each
// under an if of its own, nothing returning between, no condition of the
// one negating a condition of the other): it undoes the delete. And an
// insertion a[k] = &T{f: ...} into a map whose values' field f is the
// only key another map b is ever deleted by (delete(b, e.f) in a range
// over a), in a function that neither deletes from b nor looks k up
// first: overwriting an entry strands its key in b. And a map of maps
// (or of values holding a map) whose inner maps the package deletes from
// (delete(m[k], x), delete(m[k].f, x)) while nothing deletes, clears or
// replaces the outer map: emptied inner maps keep their keys for good
// (outer keys that are constants or of a bounded type do not count).
// And a map whose only releases are deletes that cannot reach every key
// the insertions add: a delete keyed by a field of a value (a cleanup
// item) of an unexported struct type every value of which the package
// makes, by composite literals only, after a comma-ok lookup in another
// map succeeded (`if !ok { return }`
// before `&cleanupStream{id}`): a key the other map lost first is never
// removed; a delete under the keys a function F recomputes from a value
// the deleting function receives (`for _, id := range F(tombstone)`),
// where every insertion is keyed by F's keys of the inserted value and F
// appends some keys only under a condition: the key the inserted value
// had and the received one lacks stays; a delete whose key is an element
// of the slice a method of an interface-typed field returns (`for _,
// name := range p.dsw.PodsWithVolumes()`), directly or through a
// function all of whose callers pass such an element: a key that
// component no longer lists is never visited; a delete of a map of
// counts run only when the count read before the decrement is already 0
// (`if n <= 0 { delete(m, k) } else { m[k] = n - 1 }`) while every
// insertion stores a positive count (1, n+1): the last release stores 0
// instead; a delete that runs only after an early return on a boolean
// field of the map's values (`if h.done.Load() { return }`), directly or
// around every call of the helper holding it, when another function sets
// that field to true without deleting (SendResponse marking the handler
// done before Finalize runs): the entry whose flag was set there stays.
// The map is also reported when one of its deletes drops an entry found
// expired (its function reads the map under the delete's key, one to
// one or with comma-ok, and before the delete compares that entry's
// times: time's After, Before, Sub, Since or Until called on it, or a
// function of the package that calls one given it; a time read of
// something else, or after the delete, such as a connection's age logged
// as it closes, is no expiry) and nothing in the package
// ranges over the map: an expired key nobody uses again is never
// visited, whatever the other deletes (a Reset on success) remove. A
// sweep over the map itself, or keys recorded at insertion, is the fix.
// Here a caller's key, a memo cache or a function named register still
// counts (the other exemptions below hold): a package that deletes from
// the map itself treats its keys as transient.
//
// And an entry stored under a key the call generated (a local value
// computed by a function call reading none of the call's parameters:
// a random inbox, a counter; or a field a constructor of the package
// draws itself, req.ID of req := newRequest(params) whose every returned
// literal sets ID from rand), in a function whose last result is an
// error, that a later return hands to the caller with a nil error while
// another, with a non-nil error, neither returns the key or the value
// nor follows a delete of the map (between the store and it, or
// deferred; the package deletes from the map elsewhere, and the key and
// value go to no goroutine or function literal, except a literal set as
// a field of the stored value, a handle whoever gets the value may call):
// the caller got only the error, nobody else knows the key, and the entry
// stays.
//
// And a local map that a goroutine's run loop keeps (made in the
// loop's function before the loop, `for { select ... }`, and used there
// only by index, delete, len and range, outside function literals),
// when a case of the loop deletes one key from two or more other such
// maps of its key type but not from it, it is inserted under that key
// (the same expression, or the same field of a value of the same type),
// it is deleted only by cases that delete from it alone, and one of the
// maps the case deletes from is also deleted from alone elsewhere: the
// two play the same part (a subscription a client may end itself), and
// the case that removes the client handles one and forgets the other.
//
// And a map whose every release is in a function whose name says
// cancel, kill or abort (CancelRun: one entry's work stopped on
// request), when a function storing into it, under any key but a
// constant, starts work with a go statement and nothing that work runs
// refers to those functions (its function, the package's functions it
// calls, the function literals in it; a method of an interface named
// like one of them counts as reaching it): work that ends on its own
// leaves its entry behind. Not when something ranges over the map (a
// sweep may drop finished work) or a cancelling function is used as a
// value (a callback the work may be handed). Here too a caller's key
// counts: one entry per work started.
//
// And a map field inserted into and never deleted from, cleared,
// replaced or handed on, when a function inserts into it and into
// another map field of the same struct under the same key expression,
// and a function deletes a key from the other map and reads this one
// under that key without inserting into either there (an ordered map's
// Delete that unlinks the node of its key index but leaves the index
// entry): the removal knows the entry and forgets it. The map may be
// deleted from elsewhere, on another event, when the removal neither
// deletes from it nor calls a function that does (yamux's closeStream
// reads a stream's ID in inflight, which only the peer's acknowledgement
// deletes: a stream closed first leaves its ID). This one is judged in
// every package, a library that cannot reach package net included: the
// leak is the data structure's own.
//
// There is no suggested fix: whether to delete on a code path, bound the
// map or replace it with an LRU is a design decision. Which maps count as
// long-lived, and whose keys count, depends on whether the package is a
// library or an application, described below (flag -growonly.app).
//
// # Libraries and applications
//
// Whether a grow-only map leaks depends on its key domain, which only the
// program knows. The analyzer therefore treats package main as
// application code and every other package as library code, where it
// reports only what the package owns and fills from its own input:
//
//   - Exported package variables, exported fields and the fields of
//     exported types are not reported: importers own those values and
//     may delete from them. The exception is an unexported field of an
//     exported type that serves requests or runs a goroutine's loop (see
//     below): such a value lives long whoever made it, and only this
//     package can delete from its unexported fields. Analysis facts flow from a package to its
//     importers, never back, so the defining package cannot see those
//     deletes; reporting them would need whole-program analysis.
//   - A map field is reported only when a package-level variable holds
//     its struct (directly, through a pointer or in a container), or when
//     its struct is a request handler (it has a method taking an
//     http.ResponseWriter and an *http.Request) or is held in a field of
//     one: a handler is installed once and serves the program's life; or
//     when one of its methods runs a goroutine's loop (`for { select ...
//     }`, a range over a channel), which lives as long as the goroutine.
//     The map fields of a field of an anonymous struct type, which groups
//     a map with its lock (`jobs struct { sync.Mutex; m map[K]V }`), count
//     as the struct's own (reported as Conn.jobs.m).
//   - An insertion whose key is made of the parameters of the enclosing
//     function (the caller's choice: a parameter as given, or an
//     expression of parameters and constants such as options.key(),
//     h.Val() or key{a, b}, through local variables so defined), or that
//     follows a lookup in the same map (a memo cache or an interning
//     table, the use sync.Map documents as "caches that only grow"), does
//     not count. Inserting a new, empty container after the lookup (`if
//     _, ok := m[k]; !ok { m[k] = make(...) }`) is the get-or-create of a
//     group, not a memo, and counts.
//   - Such a key does count when it came with a request or an event:
//     there are as many as there are requests. The analyzer follows
//     request data through the package: the parameters of a function
//     that serves requests (it takes an *http.Request, an
//     http.ResponseWriter, a net.Conn, the request context of gin, echo,
//     fiber, fasthttp or chi, or a gRPC server stream) or one subscriber
//     (it blocks in a run loop until the subscriber goes, as a streaming
//     RPC's Watch does), except those of a configuration type; in a
//     goroutine's run loop, the variables each iteration defines; in a
//     function that serves requests, the values it draws by a call that
//     reads no configuration (a token it generates, an ID); the peer a
//     packet connection's read returns (`n, addr, err :=
//     pc.ReadFromUDP(buf)`) and the connection a listener's Accept
//     returns, one per client (a UDP proxy's session per client
//     address); local
//     variables assigned from those, or filled through their address by a call
//     that reads them (json.NewDecoder(r.Body).Decode(&ev)); and the
//     parameters of the package's functions they are passed to, at most
//     two calls away. Further away, in a large package that a connection
//     reaches everywhere, a value is as likely a configured name as
//     request data. A struct built from request data (a client wrapping
//     its connection) is one per request as a key, and so is a field
//     that names its identity (c.id, c.connID), but its other fields are
//     its own state (the account a client logged into). A memo cache keyed by the address it fetches over
//     the network (the URL given to http.Get, directly or through a
//     function of the package) names remote resources, and counts too.
//
// Keys made of constants alone, as a range over a literal list of
// constants (`for _, s := range []string{a, b, c}`), do not count in any
// package.
//
// A program that does not import package net, directly or not, is not a
// network service: it runs to completion and its grow-only maps are
// symbol tables, so nothing is reported in its package main. Library code
// that cannot reach package net is likewise taken as part of such a
// program (a compiler, a code generator, a command-line tool) and is not
// reported either, except with -growonly.app.
//
// In package main, and in every package with -growonly.app, exported
// names and types are reported, keys chosen by callers and memo caches
// count, and a sync.Map field, or any map field of an unexported struct
// holding a sync.Mutex or sync.RWMutex, is taken as long-lived (it is
// shared between goroutines). The packages of a module that one of its
// network services imports (-growonly.apps, which mapscope lint computes)
// are application code for what is long-lived and who owns it, but keep
// the library's rule on keys: a caller's key or a memo cache counts only
// when it came with a request or an event. Measured on 16 real modules,
// the keys their callers chose were storage tiers, configured names,
// buffer sizes and component names (22 findings, none worth a change).
//
// A key that a handler of another package passes in (package main calling
// store.Add(r.URL.Path), where Add inserts its argument, directly or
// through one more call of its package, into a map that nothing else
// lets grow or shrink) is reported by mapscope lint at that call, naming
// the map and its insert; so is a call of an interface's method whose
// implementation in another package makes the argument a key (a server
// calling the callbacks it was handed with a stream ID it draws). One pass sees one package, and analysis facts
// flow to importers, the wrong way for this: growonly leaves both halves
// in its result (Result: CallerKeys and RequestCalls) and mapscope lint,
// which sees every package, joins them. go vet -vettool and golangci-lint
// do not report it; -growonly.app, which counts every caller's key,
// reports the map itself there.
//
// In every mode, a map field of a value built and dropped inside one call
// (a decoder state, a visitor) is not reported, nor are maps in local
// variables, but for a run loop's maps in the rule above.
package growonly
