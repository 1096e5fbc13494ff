package main

import (
	"sort"
	"strings"
)

// runCommands handles one line: a command, or a message to the room.
func runCommands(line string, u *user) {
	if line == "cd" || strings.HasPrefix(line, "cd ") {
		cdCommand(strings.TrimSpace(strings.TrimPrefix(line, "cd")), u)
		return
	}
	u.room.broadcast(u.name, line)
}

func cdCommand(rest string, u *user) {
	if strings.HasPrefix(rest, "#") {
		u.room.broadcast(u.name, "cd "+rest)
		roomsMu.Lock()
		defer roomsMu.Unlock()
		if v, ok := rooms[rest]; ok {
			u.changeRoom(v)
		} else {
			rooms[rest] = &room{name: rest, users: make([]*user, 0, 10)}
			u.changeRoom(rooms[rest])
		}
		return
	}
	if rest == "" {
		roomsMu.Lock()
		type kv struct {
			roomName   string
			numOfUsers int
		}
		var ss []kv
		for k, v := range rooms {
			ss = append(ss, kv{k, len(v.users)})
		}
		roomsMu.Unlock()
		sort.Slice(ss, func(i, j int) bool { return ss[i].numOfUsers > ss[j].numOfUsers })
		var b strings.Builder
		for _, kv := range ss {
			b.WriteString(kv.roomName + ": " + itoa(kv.numOfUsers) + " users\n")
		}
		u.room.broadcast("", "Rooms and users\n"+strings.TrimSpace(b.String()))
		return
	}
	u.writeln("devbot", "rooms start with #")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}
