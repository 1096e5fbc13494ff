// Package prealloc fills a map from a slice of known length.
package prealloc

type User struct {
	ID   int64
	Name string
}

func ByID(users []User) map[int64]User {
	m := make(map[int64]User) // want mapprealloc "map m is made without a size hint but the loop below fills it len\(users\) times"
	for _, u := range users {
		m[u.ID] = u
	}
	return m
}
