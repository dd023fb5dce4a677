package auth

import (
	"context"
	"time"
)

// hashGate bounds the password hashes running at once. Each argon2id check
// holds 19 MiB for ~50 ms: 200 parallel logins took a server from 0.6 to
// 4 GB. Excess checks wait briefly for a slot and are then refused as busy.
type hashGate struct {
	slots chan struct{}
	wait  time.Duration
}

func newHashGate(n int, wait time.Duration) *hashGate {
	return &hashGate{slots: make(chan struct{}, max(1, n)), wait: wait}
}

// acquire takes a slot, waiting at most g.wait; it reports false when none
// came free in time or ctx ended.
func (g *hashGate) acquire(ctx context.Context) bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (g *hashGate) release() { <-g.slots }
