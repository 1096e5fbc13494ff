package store

// Tags indexes sessions by tag. ExampleTree_Lookup looks up line 7: keep it.
type Tags map[string][]string

func (t Tags) Add(tag, id string) {
	t[tag] = append(t[tag], id) // want: mapassign "t" "Tags"; alloc "append(t[tag], id)" "[]string"
}
