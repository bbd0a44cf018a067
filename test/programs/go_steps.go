// A Go program to checkpoint mid-run: 60 steps, each with four goroutines hashing in parallel (the runtime
// spreads them over its own threads), one line per step from main, 30 ms apart (time.Sleep: the runtime's
// timers and its poller, an epoll instance and a pipe of its own).
package main

import (
	"crypto/sha256"
	"fmt"
	"sync"
	"time"
)

func main() {
	for step := 1; step <= 60; step++ {
		var wg sync.WaitGroup
		sums := make([]string, 4)
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				h := sha256.New()
				for j := 0; j < 20000; j++ {
					fmt.Fprintf(h, "%d:%d:%d", step, w, j)
				}
				sums[w] = fmt.Sprintf("%x", h.Sum(nil))[:12]
			}(w)
		}
		wg.Wait()
		fmt.Printf("go_steps: step %d %v\n", step, sums)
		time.Sleep(30 * time.Millisecond)
	}
	fmt.Println("go_steps: done")
}
