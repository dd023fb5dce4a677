// Package availability computes the availability of a system over a
// period, counted in the working time of its service calendar (24×7 for
// the booking service, office hours for an МО's MIS), with planned
// maintenance excluded, and the MTTR and MTBF that go with it. Input is
// outages: from the prober's state changes, or rebuilt from recorded
// check results.
package availability

import (
	"slices"
	"time"

	"github.com/cifra-health/cifra/internal/support/calendar"
	"github.com/cifra-health/cifra/internal/support/probe"
)

// Outage is a stretch in which a system was down. End is zero while it
// lasts.
type Outage struct {
	System     string
	Start, End time.Time
	Error      string
}

// Window is planned maintenance, announced beforehand on the status
// page: its time counts neither as service time nor as downtime.
type Window struct {
	System     string
	Start, End time.Time
	Note       string
}

// FromChanges pairs the prober's changes of one system (in time order)
// into outages. A recovery without a preceding outage (the outage began
// before the records) is dropped; an outage without recovery stays open.
func FromChanges(changes []probe.Change) []Outage {
	var out []Outage
	var open *Outage
	for _, c := range changes {
		switch {
		case !c.Up && open == nil:
			open = &Outage{System: c.System, Start: c.At, Error: c.Error}
		case c.Up && open != nil:
			open.End = c.At
			out = append(out, *open)
			open = nil
		}
	}
	if open != nil {
		out = append(out, *open)
	}
	return out
}

// FromResults replays recorded checks of one system (in time order)
// through the same rule as the prober: failures consecutive failures
// open an outage at the first of them.
func FromResults(results []probe.Result, failures int) []Outage {
	tr := probe.NewTracker(failures, nil)
	var changes []probe.Change
	for _, r := range results {
		if c, ok := tr.Observe(r); ok {
			changes = append(changes, c)
		}
	}
	return FromChanges(changes)
}

// Figure is the availability of one system over one period.
type Figure struct {
	System string
	// Service is the working time of the period minus planned
	// maintenance.
	Service time.Duration
	// Down is the working time of outages outside maintenance.
	Down time.Duration
	// Failures counts outages with downtime in the period.
	Failures int
	// MTTR is the mean downtime per failure; MTBF the mean up time
	// between failures (Service − Down over Failures). Both zero without
	// failures.
	MTTR, MTBF time.Duration
}

// Percent is the availability 0–100; ok is false when the period had no
// service time (nothing to measure, not 100 %).
func (f Figure) Percent() (pct float64, ok bool) {
	if f.Service <= 0 {
		return 0, false
	}
	return 100 * float64(f.Service-f.Down) / float64(f.Service), true
}

// Compute figures one system over [from, to) in cal, with its outages
// and maintenance windows (any order; other systems' entries are
// ignored; an open outage runs to `to`).
func Compute(cal *calendar.Calendar, system string, from, to time.Time, outages []Outage, maint []Window) Figure {
	f := Figure{System: system}
	var ws []span
	for _, w := range maint {
		if w.System == system {
			ws = append(ws, span{w.Start, w.End})
		}
	}
	ws = merge(ws)
	period := minus(span{from, to}, ws)
	for _, p := range period {
		f.Service += cal.Between(p.a, p.b)
	}
	for _, o := range outages {
		if o.System != system {
			continue
		}
		end := o.End
		if end.IsZero() || end.After(to) {
			end = to
		}
		start := o.Start
		if start.Before(from) {
			start = from
		}
		if !end.After(start) {
			continue
		}
		var d time.Duration
		for _, p := range minus(span{start, end}, ws) {
			d += cal.Between(p.a, p.b)
		}
		if d > 0 {
			f.Down += d
			f.Failures++
		}
	}
	if f.Failures > 0 {
		f.MTTR = f.Down / time.Duration(f.Failures)
		f.MTBF = (f.Service - f.Down) / time.Duration(f.Failures)
	}
	return f
}

// Month is [first day 00:00, next month's first day 00:00) in loc: a
// month of the unit's own zone.
func Month(year int, month time.Month, loc *time.Location) (from, to time.Time) {
	from = time.Date(year, month, 1, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 1, 0)
}

type span struct{ a, b time.Time }

// merge sorts spans and joins overlapping ones.
func merge(ss []span) []span {
	slices.SortFunc(ss, func(x, y span) int { return x.a.Compare(y.a) })
	var out []span
	for _, s := range ss {
		if !s.b.After(s.a) {
			continue
		}
		if n := len(out); n > 0 && !s.a.After(out[n-1].b) {
			if s.b.After(out[n-1].b) {
				out[n-1].b = s.b
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// minus is s without the merged, sorted spans ws.
func minus(s span, ws []span) []span {
	var out []span
	a := s.a
	for _, w := range ws {
		if !w.b.After(a) || !w.a.Before(s.b) {
			continue
		}
		if w.a.After(a) {
			out = append(out, span{a, w.a})
		}
		if w.b.After(a) {
			a = w.b
		}
	}
	if s.b.After(a) {
		out = append(out, span{a, s.b})
	}
	return out
}
