package probe

import "time"

// DefaultFailures is how many consecutive failures open an outage: one
// lost packet is not an outage, three in a row are.
const DefaultFailures = 3

// Change is a system going down or coming back.
type Change struct {
	System string
	Up     bool
	// At is the first failed check of the outage when going down (the
	// outage started then, not when it was confirmed), the first good
	// check when coming back.
	At time.Time
	// Confirmed is when the change was decided (the Nth failure).
	Confirmed time.Time
	Error     string // the last failure
}

// Tracker turns checks into changes. Not safe for concurrent use: feed it
// from one goroutine (Prober does).
type Tracker struct {
	Failures int // consecutive failures that open an outage; 0: DefaultFailures
	state    map[string]*track
}

type track struct {
	down      bool
	fails     int
	firstFail time.Time
}

// NewTracker returns a tracker. down lists systems that are in an open
// outage (from the store, after a restart), so that their recovery is
// reported and a new outage is not opened twice.
func NewTracker(failures int, down []string) *Tracker {
	t := &Tracker{Failures: failures, state: map[string]*track{}}
	for _, s := range down {
		t.state[s] = &track{down: true}
	}
	return t
}

// Observe takes one check and reports a change if it makes one.
func (t *Tracker) Observe(r Result) (Change, bool) {
	n := t.Failures
	if n <= 0 {
		n = DefaultFailures
	}
	s := t.state[r.System]
	if s == nil {
		s = &track{}
		t.state[r.System] = s
	}
	if r.OK {
		s.fails = 0
		if s.down {
			s.down = false
			return Change{System: r.System, Up: true, At: r.At, Confirmed: r.At}, true
		}
		return Change{}, false
	}
	if s.fails == 0 {
		s.firstFail = r.At
	}
	s.fails++
	if !s.down && s.fails >= n {
		s.down = true
		return Change{System: r.System, At: s.firstFail, Confirmed: r.At, Error: r.Error}, true
	}
	return Change{}, false
}

// Forget drops a system that left the register.
func (t *Tracker) Forget(system string) { delete(t.state, system) }

// Down reports whether a system is in an outage.
func (t *Tracker) Down(system string) bool { s := t.state[system]; return s != nil && s.down }
