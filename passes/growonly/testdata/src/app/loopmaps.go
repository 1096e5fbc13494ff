package main

// A goroutine keeps its subscribers in local maps made before its run
// loop; the case for a client that goes deletes it from some, not from
// all (dcrd's notification manager,
// https://github.com/decred/dcrd/pull/2027).

type sub struct{ quit chan struct{} }

type (
	register       struct{ c *sub }
	unregister     struct{ c *sub }
	watchBlocks    struct{ c *sub }
	unwatchBlocks  struct{ c *sub }
	watchTickets   struct{ c *sub }
	unwatchTickets struct{ c *sub }
)

func notifier(events chan any, quit chan struct{}) {
	clients := make(map[chan struct{}]*sub)
	blocks := make(map[chan struct{}]*sub)
	tickets := make(map[chan struct{}]*sub)
	for {
		select {
		case ev := <-events:
			switch ev := ev.(type) {
			case register:
				clients[ev.c.quit] = ev.c
			case watchBlocks:
				blocks[ev.c.quit] = ev.c
			case unwatchBlocks:
				delete(blocks, ev.c.quit)
			case watchTickets:
				tickets[ev.c.quit] = ev.c // want `map tickets of notifier's loop keeps the keys the removal at line 37 forgets: it deletes ev.c.quit from blocks and clients but not from tickets, which only line 35 deletes from, a removal of tickets alone \(delete from tickets at line 37 too\)`
			case unwatchTickets:
				delete(tickets, ev.c.quit)
			case unregister:
				delete(blocks, ev.c.quit)
				delete(clients, ev.c.quit)
			}
		case <-quit:
			return
		}
	}
}

// Near misses.

// The removal deletes from every map.
func notifierFixed(events chan any, quit chan struct{}) {
	clients := make(map[chan struct{}]*sub)
	blocks := make(map[chan struct{}]*sub)
	tickets := make(map[chan struct{}]*sub)
	for {
		select {
		case ev := <-events:
			switch ev := ev.(type) {
			case register:
				clients[ev.c.quit] = ev.c
			case watchBlocks:
				blocks[ev.c.quit] = ev.c
			case unwatchBlocks:
				delete(blocks, ev.c.quit)
			case watchTickets:
				tickets[ev.c.quit] = ev.c
			case unwatchTickets:
				delete(tickets, ev.c.quit)
			case unregister:
				delete(blocks, ev.c.quit)
				delete(clients, ev.c.quit)
				delete(tickets, ev.c.quit)
			}
		case <-quit:
			return
		}
	}
}

// No map the removal handles is ended on its own request: nothing says
// the forgotten one plays the same part.
func noPartner(events chan any, quit chan struct{}) {
	clients := make(map[chan struct{}]*sub)
	blocks := make(map[chan struct{}]*sub)
	tickets := make(map[chan struct{}]*sub)
	for {
		select {
		case ev := <-events:
			switch ev := ev.(type) {
			case register:
				clients[ev.c.quit] = ev.c
			case watchBlocks:
				blocks[ev.c.quit] = ev.c
			case watchTickets:
				tickets[ev.c.quit] = ev.c
			case unwatchTickets:
				delete(tickets, ev.c.quit)
			case unregister:
				delete(blocks, ev.c.quit)
				delete(clients, ev.c.quit)
			}
		case <-quit:
			return
		}
	}
}

// The forgotten map is keyed by something else than the removal's key.
func otherKey(events chan any, quit chan struct{}, names map[chan struct{}]chan struct{}) {
	clients := make(map[chan struct{}]*sub)
	blocks := make(map[chan struct{}]*sub)
	tickets := make(map[chan struct{}]*sub)
	for {
		select {
		case ev := <-events:
			switch ev := ev.(type) {
			case register:
				clients[ev.c.quit] = ev.c
			case watchBlocks:
				blocks[ev.c.quit] = ev.c
			case unwatchBlocks:
				delete(blocks, ev.c.quit)
			case watchTickets:
				tickets[names[ev.c.quit]] = ev.c
			case unwatchTickets:
				delete(tickets, names[ev.c.quit])
			case unregister:
				delete(blocks, ev.c.quit)
				delete(clients, ev.c.quit)
			}
		case <-quit:
			return
		}
	}
}

// The forgotten map is handed to a function, which may delete from it.
func handedOn(events chan any, quit chan struct{}) {
	clients := make(map[chan struct{}]*sub)
	blocks := make(map[chan struct{}]*sub)
	tickets := make(map[chan struct{}]*sub)
	for {
		select {
		case ev := <-events:
			switch ev := ev.(type) {
			case register:
				clients[ev.c.quit] = ev.c
			case watchBlocks:
				blocks[ev.c.quit] = ev.c
			case unwatchBlocks:
				delete(blocks, ev.c.quit)
			case watchTickets:
				tickets[ev.c.quit] = ev.c
			case unwatchTickets:
				delete(tickets, ev.c.quit)
			case unregister:
				delete(blocks, ev.c.quit)
				delete(clients, ev.c.quit)
				forget(tickets, ev.c)
			}
		case <-quit:
			return
		}
	}
}

func forget(m map[chan struct{}]*sub, c *sub) { delete(m, c.quit) }

// The forgotten map is also emptied along with another map elsewhere.
func resetTogether(events chan any, quit chan struct{}) {
	clients := make(map[chan struct{}]*sub)
	blocks := make(map[chan struct{}]*sub)
	tickets := make(map[chan struct{}]*sub)
	for {
		select {
		case ev := <-events:
			switch ev := ev.(type) {
			case register:
				clients[ev.c.quit] = ev.c
			case watchBlocks:
				blocks[ev.c.quit] = ev.c
			case unwatchBlocks:
				delete(blocks, ev.c.quit)
			case watchTickets:
				tickets[ev.c.quit] = ev.c
			case unwatchTickets:
				delete(tickets, ev.c.quit)
				delete(clients, ev.c.quit)
			case unregister:
				delete(blocks, ev.c.quit)
				delete(clients, ev.c.quit)
			}
		case <-quit:
			return
		}
	}
}

// Not a run loop: the maps die with the call.
func oneBatch(evs []any) {
	clients := make(map[chan struct{}]*sub)
	blocks := make(map[chan struct{}]*sub)
	tickets := make(map[chan struct{}]*sub)
	for _, ev := range evs {
		switch ev := ev.(type) {
		case register:
			clients[ev.c.quit] = ev.c
		case watchBlocks:
			blocks[ev.c.quit] = ev.c
		case unwatchBlocks:
			delete(blocks, ev.c.quit)
		case watchTickets:
			tickets[ev.c.quit] = ev.c
		case unwatchTickets:
			delete(tickets, ev.c.quit)
		case unregister:
			delete(blocks, ev.c.quit)
			delete(clients, ev.c.quit)
		}
	}
}
