package metrics

import "sort"

// Tag is one key:value label of a metric.
type Tag struct {
	key, value string
	keyValue   string
}

// NewTag returns the tag key:value.
func NewTag(key, value string) Tag {
	return Tag{key: key, value: value, keyValue: key + ":" + value}
}

// Key returns the tag's key.
func (t Tag) Key() string { return t.key }

// Value returns the tag's value.
func (t Tag) Value() string { return t.value }

// Tags is a list of tags, sortable by key:value.
type Tags []Tag

func (t Tags) Len() int           { return len(t) }
func (t Tags) Less(i, j int) bool { return t[i].keyValue < t[j].keyValue }
func (t Tags) Swap(i, j int)      { t[i], t[j] = t[j], t[i] }

// sortedCopy returns the tags sorted, leaving the argument as it was.
func sortedCopy(tags Tags) Tags {
	c := append(Tags(nil), tags...)
	sort.Sort(c)
	return c
}
