package a

import "strconv"

// Keys derived from the element: an identity of it is taken as distinct
// per element, an attribute is not reported at all (issue 11: a hint of
// len(members) for a map by country allocates a table for a million
// entries to hold 200).

type member struct {
	ID      int
	UserID  int
	Country string
	Owner   *member
	code    string
}

func (m *member) Key() string    { return m.code }
func (m *member) Region() string { return m.Country[:1] }

func keyOf(m *member) string     { return m.code }
func countryOf(m *member) string { return m.Country }

func byMemberID(members []*member) map[int]*member {
	m := make(map[int]*member) // want `map m is made without a size hint but the loop below fills it len\(members\) times`
	for _, mb := range members {
		m[mb.ID] = mb
	}
	return m
}

func byUserID(members []*member) map[int]*member {
	m := make(map[int]*member) // want `map m is made without a size hint but the loop below fills it len\(members\) times`
	for _, mb := range members {
		m[mb.UserID] = mb
	}
	return m
}

func byKeyMethod(members []*member) map[string]*member {
	m := make(map[string]*member) // want `map m is made without a size hint but the loop below fills it len\(members\) times`
	for _, mb := range members {
		m[mb.Key()] = mb
	}
	return m
}

func byKeyFunc(members []*member) map[string]*member {
	m := make(map[string]*member) // want `map m is made without a size hint but the loop below fills it len\(members\) times`
	for _, mb := range members {
		m[keyOf(mb)] = mb
	}
	return m
}

// The cost of going by the name: an ID that repeats (one owner for many
// members) is still reported, with a hint that oversizes the map.
type ownedMember struct{ OwnerID int }

func byOwnerID(members []ownedMember) map[int]ownedMember {
	m := make(map[int]ownedMember) // want `map m is made without a size hint but the loop below fills it len\(members\) times`
	for _, mb := range members {
		m[mb.OwnerID] = mb
	}
	return m
}

// The element shifted by a value the loop does not change stays distinct.
func prefixed(names []string, prefix string) map[string]int {
	m := make(map[string]int) // want `map m is made without a size hint but the loop below fills it len\(names\) times`
	for i, n := range names {
		m[prefix+n] = i
	}
	return m
}

// Near misses: attributes of the element repeat (200 countries for a
// million members), whether read as a field, a method or a function of
// the element; so does the identity of what the element refers to (one
// owner for many members), a fold of the index, and a function of the
// index whose name says nothing.
func byCountry(members []*member) map[string]*member {
	m := make(map[string]*member)
	for _, mb := range members {
		m[mb.Country] = mb
	}
	return m
}

func byRegion(members []*member) map[string]*member {
	m := make(map[string]*member)
	for _, mb := range members {
		m[mb.Region()] = mb
	}
	return m
}

func byCountryFunc(members []*member) map[string]*member {
	m := make(map[string]*member)
	for _, mb := range members {
		m[countryOf(mb)] = mb
	}
	return m
}

func byOwner(members []*member) map[int]*member {
	m := make(map[int]*member)
	for _, mb := range members {
		m[mb.Owner.ID] = mb
	}
	return m
}

func buckets(xs []int) map[int]int {
	m := make(map[int]int)
	for i, x := range xs {
		m[i%16] = x
	}
	return m
}

func itoa(xs []int) map[string]int {
	m := make(map[string]int)
	for i, x := range xs {
		m[strconv.Itoa(i)] = x
	}
	return m
}
