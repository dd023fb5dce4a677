package auth

import (
	"sync"
	"time"
)

// Throttle limits repeated login failures per key (a login or an IP
// address). After Limit failures within Window the key is locked for
// Lockout, doubling with each further failure up to MaxLockout. It lives in
// memory: Cifra is one process, and a restart forgetting the counters is an
// acceptable trade for not writing on every failed attempt.
type Throttle struct {
	Limit      int
	Window     time.Duration
	Lockout    time.Duration
	MaxLockout time.Duration

	mu   sync.Mutex
	keys map[string]*throttleEntry
}

type throttleEntry struct {
	fails int
	first time.Time // first failure of the current window
	until time.Time // locked until
	last  time.Time
}

// NewThrottle returns a throttle with the given limit and the default
// window (15 min), lockout (1 min) and maximum lockout (1 h).
func NewThrottle(limit int) *Throttle {
	return &Throttle{Limit: limit, Window: 15 * time.Minute, Lockout: time.Minute, MaxLockout: time.Hour, keys: map[string]*throttleEntry{}}
}

// Blocked reports whether key is locked at now and until when.
func (t *Throttle) Blocked(key string, now time.Time) (bool, time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.keys[key]
	if e == nil || !now.Before(e.until) {
		return false, time.Time{}
	}
	return true, e.until
}

// Fail records a failure for key at now.
func (t *Throttle) Fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.keys == nil {
		t.keys = map[string]*throttleEntry{}
	}
	t.prune(now)
	e := t.keys[key]
	if e == nil || (now.Sub(e.first) > t.Window && !now.Before(e.until)) {
		e = &throttleEntry{first: now}
		t.keys[key] = e
	}
	e.fails++
	e.last = now
	if over := e.fails - t.Limit; over >= 0 {
		d := t.Lockout << min(over, 20)
		if d > t.MaxLockout || d <= 0 {
			d = t.MaxLockout
		}
		e.until = now.Add(d)
	}
}

// Reset forgets key, after a successful login.
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

// prune drops stale entries once the map grows, so that a stream of
// random logins cannot exhaust memory.
func (t *Throttle) prune(now time.Time) {
	if len(t.keys) < 10000 {
		return
	}
	for k, e := range t.keys {
		if now.Sub(e.last) > t.Window && !now.Before(e.until) {
			delete(t.keys, k)
		}
	}
}
