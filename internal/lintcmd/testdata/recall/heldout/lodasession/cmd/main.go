// Command registry serves the registry APIs of lodasession.
package main

import (
	"errors"
	"os"
	"os/signal"

	afterhttpd "recall/heldout/lodasession/after/httpd"
	beforehttpd "recall/heldout/lodasession/before/httpd"
)

func check(user, pass string) error {
	if user == "" || pass == "" {
		return errors.New("empty credentials")
	}
	return nil
}

func main() {
	b := beforehttpd.New(":9991", check)
	a := afterhttpd.New(":9992", check)
	if err := b.Start(); err != nil {
		panic(err)
	}
	if err := a.Start(); err != nil {
		panic(err)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
	b.Close()
	a.Close()
}
