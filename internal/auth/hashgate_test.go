package auth

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The gate never lets more than its size run at once, and a waiter past
// its wait is refused rather than queued without bound.
func TestHashGateBounds(t *testing.T) {
	g := newHashGate(2, 20*time.Millisecond)
	var running, peak, refused atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !g.acquire(context.Background()) {
				refused.Add(1)
				return
			}
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(15 * time.Millisecond)
			running.Add(-1)
			g.release()
		}()
	}
	wg.Wait()
	if peak.Load() > 2 {
		t.Errorf("%d checks at once, gate of 2", peak.Load())
	}
	if refused.Load() == 0 {
		t.Error("20 waiters of 15 ms on a 20 ms wait: none refused")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g.acquire(context.Background())
	g.acquire(context.Background())
	if g.acquire(ctx) {
		t.Error("acquired a full gate on a cancelled context")
	}
}
