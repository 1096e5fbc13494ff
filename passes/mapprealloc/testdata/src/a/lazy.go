package a

type entry struct {
	attachments map[any]any
	tags        map[string]bool
	byID        map[int]string
}

// A field made lazily right before the loop that fills it.
func (e *entry) attachAll(data map[any]any) {
	if e.attachments == nil {
		e.attachments = make(map[any]any) // want `map attachments is made without a size hint but the loop below fills it len\(data\) times`
	}
	for k, v := range data {
		e.attachments[k] = v
	}
}

// The loop inserts under a condition: its length is no size.
func (e *entry) attachSome(data map[any]any) {
	if e.attachments == nil {
		e.attachments = make(map[any]any)
	}
	for k, v := range data {
		if v != nil {
			e.attachments[k] = v
		}
	}
}

// A set of an attribute: values repeat.
type lazyUser struct{ Country string }

func (e *entry) countries(users []lazyUser) {
	if e.tags == nil {
		e.tags = map[string]bool{}
	}
	for _, u := range users {
		e.tags[u.Country] = true
	}
}

// The if does more than make the map.
func (e *entry) names(ids []int) {
	if e.byID == nil {
		e.byID = make(map[int]string)
		e.tags = nil
	}
	for _, id := range ids {
		e.byID[id] = ""
	}
}

// A live set, deleted from elsewhere: the fill is one change among many.
type subscriber struct {
	channels map[string]struct{}
}

func (s *subscriber) subscribe(channels []string) {
	if s.channels == nil {
		s.channels = make(map[string]struct{})
	}
	for _, c := range channels {
		s.channels[c] = struct{}{}
	}
}

func (s *subscriber) unsubscribe(c string) { delete(s.channels, c) }
