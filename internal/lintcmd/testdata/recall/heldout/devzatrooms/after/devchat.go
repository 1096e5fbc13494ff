// Command devzat is a chat server: people connect, pick a name and talk
// in rooms, moving between rooms with "cd #name".
//
// The fixed shape of quackduck/devzat after
// https://github.com/quackduck/devzat/pull/66 (commit b8c1f0b): closing a
// user removes it from its room and deletes the room if it is then empty
// and not the main room, as changing rooms already did.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"net"
	"strings"
	"sync"
	"time"
)

type room struct {
	name       string
	users      []*user
	usersMutex sync.Mutex
}

type user struct {
	name      string
	conn      net.Conn
	room      *room
	joinTime  time.Time
	closeOnce sync.Once
	out       *bufio.Writer
	outMu     sync.Mutex
}

var (
	port     = flag.Int("port", 2221, "port to listen on")
	mainRoom = &room{name: "#main", users: make([]*user, 0, 10)}
	rooms    = map[string]*room{mainRoom.name: mainRoom}
	roomsMu  sync.Mutex
)

func main() {
	flag.Parse()
	lis, err := net.Listen("tcp", fmt.Sprintf(":%d", *port))
	if err != nil {
		log.Fatal(err)
	}
	for {
		conn, err := lis.Accept()
		if err != nil {
			log.Print(err)
			continue
		}
		go serve(conn)
	}
}

func serve(conn net.Conn) {
	u := newUser(conn)
	if u == nil {
		conn.Close()
		return
	}
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if line == "exit" {
			break
		}
		runCommands(line, u)
	}
	u.close(u.name + " has left the chat")
}

func newUser(conn net.Conn) *user {
	u := &user{conn: conn, room: mainRoom, joinTime: time.Now(), out: bufio.NewWriter(conn)}
	u.writeln("devbot", "Welcome! What's your name?")
	name, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return nil
	}
	u.name = strings.TrimSpace(name)
	if u.name == "" {
		u.name = conn.RemoteAddr().String()
	}
	roomsMu.Lock()
	mainRoom.usersMutex.Lock()
	mainRoom.users = append(mainRoom.users, u)
	mainRoom.usersMutex.Unlock()
	roomsMu.Unlock()
	mainRoom.broadcast("devbot", u.name+" has joined the chat")
	return u
}

// cleanupRoom deletes a room if it is empty and is not the main room.
func cleanupRoom(r *room) {
	if r != mainRoom && len(r.users) == 0 {
		delete(rooms, r.name)
	}
}

// close removes the user and says goodbye to the room.
func (u *user) close(msg string) {
	u.closeOnce.Do(func() {
		u.closeBackend()
		u.room.broadcast("devbot", msg)
		if time.Since(u.joinTime) > time.Minute/2 {
			u.room.broadcast("devbot", u.name+" stayed on for "+time.Since(u.joinTime).Round(time.Second).String())
		}
		roomsMu.Lock()
		cleanupRoom(u.room)
		roomsMu.Unlock()
	})
}

// closeBackend removes the user silently, as for a ban.
func (u *user) closeBackend() {
	u.room.usersMutex.Lock()
	u.room.users = remove(u.room.users, u)
	u.room.usersMutex.Unlock()
	u.conn.Close()
}

func (u *user) changeRoom(r *room) {
	if u.room == r {
		return
	}
	u.room.usersMutex.Lock()
	u.room.users = remove(u.room.users, u)
	u.room.usersMutex.Unlock()
	u.room.broadcast("", u.name+" is joining "+r.name)
	cleanupRoom(u.room)
	u.room = r
	r.usersMutex.Lock()
	r.users = append(r.users, u)
	r.usersMutex.Unlock()
	r.broadcast("devbot", u.name+" has joined "+r.name)
}

func (r *room) broadcast(sender, msg string) {
	r.usersMutex.Lock()
	users := append([]*user(nil), r.users...)
	r.usersMutex.Unlock()
	for _, u := range users {
		u.writeln(sender, msg)
	}
}

func (u *user) writeln(sender, msg string) {
	u.outMu.Lock()
	defer u.outMu.Unlock()
	if sender != "" {
		msg = sender + ": " + msg
	}
	u.out.WriteString(msg + "\n")
	u.out.Flush()
}

func remove(users []*user, u *user) []*user {
	for i := range users {
		if users[i] == u {
			return append(users[:i], users[i+1:]...)
		}
	}
	return users
}
