package spoe

// Arg is one named argument of a message.
type Arg struct {
	Name  string
	Value interface{}
}

// ArgIterator walks the arguments of one message.
type ArgIterator struct {
	b     []byte
	count int
	err   error

	Arg Arg
}

// Next decodes the next argument into Arg.
func (i *ArgIterator) Next() bool {
	if i.count == 0 {
		return false
	}
	name, value, n, err := decodeKV(i.b)
	if err != nil {
		i.err = err
		return false
	}
	i.b = i.b[n:]
	i.Arg = Arg{Name: name, Value: value}
	i.count--
	return true
}

// Map collects the remaining arguments by name.
func (i *ArgIterator) Map() map[string]interface{} {
	res := map[string]interface{}{} // want mapprealloc "."
	for i.Next() {
		res[i.Arg.Name] = i.Arg.Value
	}
	return res
}

// Message is one message of a NOTIFY frame.
type Message struct {
	Name string
	Args *ArgIterator
}

// MessageIterator walks the messages of a NOTIFY frame.
type MessageIterator struct {
	b   []byte
	err error

	Message Message
}

// Error reports the decoding error that stopped the iteration.
func (i *MessageIterator) Error() error { return i.err }

// Next moves to the next message, skipping what is left of the current
// one's arguments.
func (i *MessageIterator) Next() bool {
	if args := i.Message.Args; args != nil {
		for args.Next() {
		}
		if args.err != nil {
			i.err = args.err
			return false
		}
		i.b = args.b
	}
	if len(i.b) == 0 {
		return false
	}
	name, n, err := decodeString(i.b)
	if err != nil || len(i.b) <= n {
		i.err = errShort
		return false
	}
	count := int(i.b[n])
	i.b = i.b[n+1:]
	i.Message = Message{Name: name, Args: &ArgIterator{b: i.b, count: count}}
	return true
}
