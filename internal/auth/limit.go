package auth

import (
	"sync"
	"time"
)

// Limiter counts password checks per key (a client address, or a login)
// in fixed windows. A check is reserved before the password is hashed, so
// that parallel attempts cannot all pass a limit read before any of them
// failed; a successful check gives its reservation back, so that an
// office's many users behind one address do not use up its budget.
//
// It lives in memory: a restart forgetting the counts is an acceptable
// trade for not writing on every attempt. The number of keys is bounded,
// so a stream of random logins or addresses cannot exhaust memory.
type Limiter struct {
	Limit   int
	Window  time.Duration
	MaxKeys int

	mu   sync.Mutex
	keys map[string]*limitWindow
}

type limitWindow struct {
	start time.Time
	n     int
}

// NewLimiter returns a limiter of limit checks per key and window, holding
// at most 100,000 keys.
func NewLimiter(limit int, window time.Duration) *Limiter {
	return &Limiter{Limit: limit, Window: window, MaxKeys: 100_000, keys: map[string]*limitWindow{}}
}

// Reserve counts one check for key at now. It reports false, with the
// time the key's window ends, when the key has used its limit — or when
// the limiter is full of live keys, which only a flood can cause.
func (l *Limiter) Reserve(key string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.keys == nil {
		l.keys = map[string]*limitWindow{}
	}
	w := l.keys[key]
	if w != nil && now.Sub(w.start) >= l.Window {
		w = nil
	}
	if w == nil {
		if len(l.keys) >= l.MaxKeys && !l.prune(now) {
			return false, now.Add(l.Window)
		}
		w = &limitWindow{start: now}
		l.keys[key] = w
	}
	if w.n >= l.Limit {
		return false, w.start.Add(l.Window)
	}
	w.n++
	return true, time.Time{}
}

// Release gives back one reservation of key (a check that succeeded, or
// one that was never made).
func (l *Limiter) Release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.keys[key]; w != nil && w.n > 0 {
		w.n--
	}
}

// Used returns the checks key has counted in its current window at now.
func (l *Limiter) Used(key string, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.keys[key]; w != nil && now.Sub(w.start) < l.Window {
		return w.n
	}
	return 0
}

// prune drops the keys whose window has passed and reports whether room
// was made.
func (l *Limiter) prune(now time.Time) bool {
	for k, w := range l.keys {
		if now.Sub(w.start) >= l.Window {
			delete(l.keys, k)
		}
	}
	return len(l.keys) < l.MaxKeys
}
