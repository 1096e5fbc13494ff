package a

// Maps whose type is a type parameter are reported like other maps when
// the type parameter's type set holds only maps: make(M, n) is valid Go
// for them.

func Index[M ~map[K]V, K comparable, V any](keys []K, vals []V) M {
	m := make(M) // want `map m is made without a size hint but the loop below fills it len\(keys\) times`
	for i, k := range keys {
		m[k] = vals[i]
	}
	return m
}

func IndexLit[M ~map[K]int, K comparable](keys []K) M {
	m := M{} // want `map m is made without a size hint but the loop below fills it len\(keys\) times`
	for i, k := range keys {
		m[k] = i
	}
	return m
}

// A named constraint, a set: the element itself is still a new key.
type stringSet interface {
	~map[string]struct{}
}

func toSet[S stringSet](names []string) S {
	s := make(S) // want `map s is made without a size hint but the loop below fills it len\(names\) times`
	for _, n := range names {
		s[n] = struct{}{}
	}
	return s
}

// The exact map type without ~, and a constraint with a method too.
func exact[M map[string]bool](names []string) M {
	m := M{} // want `map m is made without a size hint but the loop below fills it len\(names\) times`
	for _, n := range names {
		m[n] = true
	}
	return m
}

type namedMap interface {
	~map[string]int
	Len() int
}

func withMethod[M namedMap](names []string) M {
	m := make(M) // want `map m is made without a size hint but the loop below fills it len\(names\) times`
	for i, n := range names {
		m[n] = i
	}
	return m
}

// Near misses: the type set holds arrays, not maps; a set of a field of
// the elements, as for an ordinary map.
func fillArray[A ~[4]string](names [4]string) A {
	a := A{}
	for i, n := range names {
		a[i] = n
	}
	return a
}

func distinctNames[S ~map[string]bool](users []user) S {
	s := make(S)
	for _, u := range users {
		s[u.Name] = true
	}
	return s
}
