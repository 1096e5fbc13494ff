package main

import (
	"sync"
	"time"
)

// recoverCatchesConcurrentWrites: two goroutines write one map, each with a
// deferred recover. If the runtime's check panicked, recover would catch it
// and the child would report recovered=1; the runtime instead stops the
// process with "fatal error: concurrent map writes", which the lab reads
// from the child's stderr. If no conflict is seen in 10 s (the check is a
// best effort), the child reports detected=0.
func recoverCatchesConcurrentWrites(string) (figures, error) {
	m := make(map[int]int)
	var (
		mu        sync.Mutex
		recovered int
		wg        sync.WaitGroup
		once      sync.Once
	)
	stop := make(chan struct{})
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					mu.Lock()
					recovered++
					mu.Unlock()
					once.Do(func() { close(stop) })
				}
			}()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				m[i%1024+g] = i
			}
		}(g)
	}
	deadline := time.After(10 * time.Second)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-deadline:
		once.Do(func() { close(stop) })
		<-done
	}
	return figures{"recovered": b2f(recovered > 0), "detected": b2f(recovered > 0), "fatal": 0}, nil
}
