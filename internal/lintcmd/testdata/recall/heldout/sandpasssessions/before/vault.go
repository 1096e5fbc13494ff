// Command vault serves a password-protected store of secrets over HTTP;
// a browser signs in with the password and gets a random session token.
//
// Reproduces, in our own words, the shape of zombiezen/sandpass before
// https://github.com/zombiezen/sandpass/issues/14 was fixed (commit
// c44f36d, "Add GC for sessions"): the tokens of expired sessions stayed
// in the process-wide session map, which only the "nuke" handler emptied.
package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"sort"
	"sync"
)

var listen = flag.String("listen", "[::]:8080", "address to listen on")

var errNotSignedIn = errors.New("not signed in")

// Process-wide state, guarded by mu.
var (
	mu       sync.Mutex
	sessions sessionStore
	stored   *vault
)

// vault is the decrypted store: secrets by title, and the key it was
// opened with.
type vault struct {
	key     []byte
	secrets map[string]string
}

func deriveKey(password string) []byte {
	sum := sha256.Sum256([]byte(password))
	return sum[:]
}

// openVault checks key against the stored vault's key (nil: the vault
// has no password).
func openVault(key []byte) (*vault, error) {
	if stored == nil {
		return nil, errors.New("no vault")
	}
	if stored.key != nil && !bytes.Equal(stored.key, key) {
		return nil, errNotSignedIn
	}
	return stored, nil
}

func main() {
	flag.Parse()
	http.HandleFunc("/", listSecrets)
	http.HandleFunc("/login", signIn)
	http.HandleFunc("/new", createVault)
	http.HandleFunc("/nuke", nuke)
	if err := http.ListenAndServe(*listen, nil); err != nil {
		log.Fatal(err)
	}
}

func listSecrets(w http.ResponseWriter, r *http.Request) {
	mu.Lock()
	defer mu.Unlock()
	v, err := sessions.vaultFor(w, r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	titles := make([]string, 0, len(v.secrets))
	for t := range v.secrets {
		titles = append(titles, t)
	}
	sort.Strings(titles)
	for _, t := range titles {
		fmt.Fprintln(w, t)
	}
}

func signIn(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	key := deriveKey(r.FormValue("password"))
	mu.Lock()
	defer mu.Unlock()
	if _, err := openVault(key); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	sessions.issue(w, sessionData{key: key})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func createVault(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	var key []byte
	if p := r.FormValue("password"); p != "" {
		key = deriveKey(p)
	}
	mu.Lock()
	defer mu.Unlock()
	stored = &vault{key: key, secrets: map[string]string{"example": "hunter2"}}
	sessions.issue(w, sessionData{key: key})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func nuke(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	mu.Lock()
	defer mu.Unlock()
	stored = nil
	sessions.wipe()
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
