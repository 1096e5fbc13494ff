// Package memcache is a client for memcached's text protocol.
//
// Reproduces, in our own words, the shape of grafana/gomemcache (a fork of
// bradfitz/gomemcache) before https://github.com/grafana/gomemcache/pull/17
// (commit cd6a66d, "Allocate map for results to hold expected number of
// keys"): GetMulti made its result map empty although it asks for
// len(keys) keys, and grew it item by item as the servers' answers came
// in, from one goroutine per server.
package memcache

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	// ErrCacheMiss means a Get found no item.
	ErrCacheMiss = errors.New("memcache: cache miss")
	// ErrMalformedKey is returned for keys longer than 250 bytes or with
	// spaces or control characters.
	ErrMalformedKey = errors.New("malformed: key is too long or contains invalid characters")

	crlf      = []byte("\r\n")
	endMarker = []byte("END\r\n")
)

// Item is one cached value.
type Item struct {
	Key   string
	Value []byte
	Flags uint32
	casID uint64
}

// Client talks to a set of memcached servers.
type Client struct {
	Timeout  time.Duration
	selector ServerSelector
}

// New returns a client for the given servers.
func New(servers ...string) *Client {
	ss := new(ServerList)
	ss.SetServers(servers...)
	return &Client{Timeout: 500 * time.Millisecond, selector: ss}
}

func legalKey(key string) bool {
	if len(key) > 250 {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] == 0x7f {
			return false
		}
	}
	return true
}

func (c *Client) withAddrRW(addr net.Addr, fn func(*bufio.ReadWriter) error) error {
	nc, err := net.DialTimeout(addr.Network(), addr.String(), c.Timeout)
	if err != nil {
		return err
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(c.Timeout))
	return fn(bufio.NewReadWriter(bufio.NewReader(nc), bufio.NewWriter(nc)))
}

// Get returns the item stored under key.
func (c *Client) Get(key string) (*Item, error) {
	if !legalKey(key) {
		return nil, ErrMalformedKey
	}
	addr, err := c.selector.PickServer(key)
	if err != nil {
		return nil, err
	}
	var found *Item
	err = c.getFromAddr(addr, []string{key}, func(it *Item) { found = it })
	if err == nil && found == nil {
		err = ErrCacheMiss
	}
	return found, err
}

func (c *Client) getFromAddr(addr net.Addr, keys []string, cb func(*Item)) error {
	return c.withAddrRW(addr, func(rw *bufio.ReadWriter) error {
		if _, err := fmt.Fprintf(rw, "gets %s\r\n", strings.Join(keys, " ")); err != nil {
			return err
		}
		if err := rw.Flush(); err != nil {
			return err
		}
		return parseGetResponse(rw.Reader, cb)
	})
}

// GetMulti fetches many keys at once, one request per server, in
// parallel. Keys that miss are absent from the returned map.
func (c *Client) GetMulti(keys []string) (map[string]*Item, error) {
	var mu sync.Mutex
	found := make(map[string]*Item) // want mapprealloc "."
	add := func(it *Item) {
		mu.Lock()
		defer mu.Unlock()
		found[it.Key] = it
	}

	byServer := make(map[net.Addr][]string)
	for _, key := range keys {
		if !legalKey(key) {
			return nil, ErrMalformedKey
		}
		addr, err := c.selector.PickServer(key)
		if err != nil {
			return nil, err
		}
		byServer[addr] = append(byServer[addr], key)
	}

	errs := make(chan error, len(byServer))
	for addr, keys := range byServer {
		go func(addr net.Addr, keys []string) {
			errs <- c.getFromAddr(addr, keys, add)
		}(addr, keys)
	}
	var err error
	for range byServer {
		if e := <-errs; e != nil {
			err = e
		}
	}
	return found, err
}

// parseGetResponse reads VALUE blocks until END, calling cb for each.
func parseGetResponse(r *bufio.Reader, cb func(*Item)) error {
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if bytes.Equal(line, endMarker) {
			return nil
		}
		it := new(Item)
		size, err := scanValueLine(line, it)
		if err != nil {
			return err
		}
		it.Value = make([]byte, size+2)
		if _, err := io.ReadFull(r, it.Value); err != nil {
			return err
		}
		if !bytes.HasSuffix(it.Value, crlf) {
			return errors.New("memcache: corrupt get result read")
		}
		it.Value = it.Value[:size]
		cb(it)
	}
}

// scanValueLine parses "VALUE <key> <flags> <bytes> [<cas>]\r\n".
func scanValueLine(line []byte, it *Item) (int, error) {
	fields := strings.Fields(string(line))
	if len(fields) < 4 || fields[0] != "VALUE" {
		return 0, fmt.Errorf("memcache: unexpected line in get response: %q", line)
	}
	it.Key = fields[1]
	flags, err := strconv.ParseUint(fields[2], 10, 32)
	if err != nil {
		return 0, err
	}
	it.Flags = uint32(flags)
	size, err := strconv.Atoi(fields[3])
	if err != nil {
		return 0, err
	}
	if len(fields) > 4 {
		if it.casID, err = strconv.ParseUint(fields[4], 10, 64); err != nil {
			return 0, err
		}
	}
	return size, nil
}

// Set stores item unconditionally.
func (c *Client) Set(item *Item) error {
	if !legalKey(item.Key) {
		return ErrMalformedKey
	}
	addr, err := c.selector.PickServer(item.Key)
	if err != nil {
		return err
	}
	return c.withAddrRW(addr, func(rw *bufio.ReadWriter) error {
		fmt.Fprintf(rw, "set %s %d 0 %d\r\n", item.Key, item.Flags, len(item.Value))
		rw.Write(item.Value)
		rw.Write(crlf)
		if err := rw.Flush(); err != nil {
			return err
		}
		line, err := rw.ReadSlice('\n')
		if err != nil {
			return err
		}
		if string(line) != "STORED\r\n" {
			return fmt.Errorf("memcache: unexpected response line from set: %q", line)
		}
		return nil
	})
}
