// Package sla runs SLA clocks: first-response and resolution targets per
// priority and contract, counted in the working time of a calendar, paused
// while a ticket waits for the МО or the vendor, with a warning before the
// breach and the breach itself.
package sla

import (
	"time"

	"github.com/cifra-health/cifra/internal/support/calendar"
)

// DefaultWarnAt is the share of a target at which a clock warns.
const DefaultWarnAt = 0.8

// Reason says why a clock stood still.
type Reason string

// Pause reasons.
const (
	WaitingMO     Reason = "waiting_mo"     // the МО was asked for information or a check
	WaitingVendor Reason = "waiting_vendor" // the vendor works on it under its own contract clock
	Resolved      Reason = "resolved"       // resolved, then reopened: the time in between
)

// Label is the Russian name.
func (r Reason) Label() string {
	switch r {
	case WaitingMO:
		return "ожидание ответа МО"
	case WaitingVendor:
		return "ожидание поставщика"
	case Resolved:
		return "решено, затем открыто повторно"
	}
	return string(r)
}

// Pause is a stretch in which a clock does not run. End is zero while the
// pause lasts.
type Pause struct {
	Start, End time.Time
	Reason     Reason
}

// State of a clock.
type State uint8

// Clock states.
const (
	Running  State = iota // within the target
	Warning               // past the warning share, not yet breached
	Breached              // past the target and not done
	Met                   // done within the target
	Missed                // done after the target
)

func (s State) String() string {
	return [...]string{"running", "warning", "breached", "met", "missed"}[s]
}

// Label is the Russian name.
func (s State) Label() string {
	return [...]string{"в срок", "срок на исходе", "срок нарушен", "выполнено в срок", "выполнено с нарушением срока"}[s]
}

// Clock is one SLA clock evaluated at a moment.
type Clock struct {
	Target  time.Duration
	Elapsed time.Duration // working time counted up to Done, or up to now
	// Due is when the target is reached. While paused it is projected as
	// if the pause ended now. Zero if the calendar has no working time
	// within its horizon.
	Due time.Time
	// WarnAt is when the warning share is reached (same projection).
	WarnAt time.Time
	Done   time.Time // when the clock stopped for good; zero while open
	Paused bool      // a pause is running now
	State  State
}

// Remaining is target minus elapsed; negative once breached.
func (c Clock) Remaining() time.Duration { return c.Target - c.Elapsed }

// Share is elapsed over target (1 at the due time).
func (c Clock) Share() float64 {
	if c.Target <= 0 {
		return 0
	}
	return float64(c.Elapsed) / float64(c.Target)
}

// Run evaluates a clock that starts at start and must reach target working
// time of cal, standing still in pauses (sorted by start, not
// overlapping), done at done (zero while open), as seen at now. warnAt is
// the warning share (0 means DefaultWarnAt).
func Run(cal *calendar.Calendar, start time.Time, target time.Duration, pauses []Pause, done, now time.Time, warnAt float64) Clock {
	if warnAt <= 0 || warnAt >= 1 {
		warnAt = DefaultWarnAt
	}
	c := Clock{Target: target, Done: done}
	end := now
	if !done.IsZero() {
		end = done
	}
	if n := len(pauses); n > 0 && pauses[n-1].End.IsZero() && done.IsZero() && !pauses[n-1].Start.After(now) {
		c.Paused = true
	}
	warnTarget := time.Duration(float64(target) * warnAt)
	var consumed time.Duration // working time outside pauses from start
	elapsedSet := false
	j := 0
	// One walk over the calendar's working intervals, with the pauses cut
	// out, yields elapsed time (up to end), the warning and the due time.
	cal.Walk(start, func(iv calendar.Interval) bool {
		a := iv.Start
		for a.Before(iv.End) {
			// Skip pauses that ended before a.
			for j < len(pauses) && !pauseEnd(pauses[j], now).After(a) {
				j++
			}
			b := iv.End
			if j < len(pauses) {
				ps, pe := pauses[j].Start, pauseEnd(pauses[j], now)
				if !ps.After(a) { // inside a pause: jump to its end
					a = pe
					continue
				}
				if ps.Before(b) {
					b = ps
				}
			}
			// [a, b) is working time outside pauses.
			if !elapsedSet && !end.After(b) {
				c.Elapsed = consumed + max(0, end.Sub(a))
				elapsedSet = true
			}
			piece := b.Sub(a)
			if c.WarnAt.IsZero() && consumed+piece >= warnTarget {
				c.WarnAt = a.Add(warnTarget - consumed)
			}
			if c.Due.IsZero() && consumed+piece >= target {
				c.Due = a.Add(target - consumed)
			}
			consumed += piece
			a = b
			if elapsedSet && !c.Due.IsZero() {
				return false
			}
		}
		return true
	})
	if !elapsedSet {
		c.Elapsed = consumed
	}
	switch {
	case !done.IsZero() && c.Elapsed <= target:
		c.State = Met
	case !done.IsZero():
		c.State = Missed
	case c.Elapsed > target:
		c.State = Breached
	case c.Elapsed >= warnTarget:
		c.State = Warning
	}
	return c
}

// pauseEnd treats a running pause as ending now: time after now is not
// known yet, and a projection from now is the earliest the clock can
// resume.
func pauseEnd(p Pause, now time.Time) time.Time {
	if p.End.IsZero() {
		if now.Before(p.Start) {
			return p.Start
		}
		return now
	}
	return p.End
}
