// Package queue evaluates tickets' SLA clocks with the right policy and
// calendar, orders an agent's queue by urgency of the clocks, and finds
// the warnings and breaches to notify since the last scan.
package queue

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/cifra-health/cifra/internal/support/sla"
	"github.com/cifra-health/cifra/internal/support/ticket"
)

// Clocks knows which policy and calendar a ticket's clocks run on.
type Clocks struct {
	Calendars *sla.Calendars
	// Policy is the region's own policy for the centre's clocks
	// (sla.DefaultPolicy when it sets none).
	Policy sla.Policy
	// Policies are the vendor contracts' policies by contract id.
	Policies map[string]sla.Policy
	// Zone is the time zone of an org unit (the МО's own).
	Zone func(orgUnit string) (*time.Location, error)
}

// Centre evaluates the centre's clocks of a ticket at now.
func (c Clocks) Centre(t *ticket.Ticket, now time.Time) (sla.Result, error) {
	pol := c.Policy
	if len(pol.Targets) == 0 {
		pol = sla.DefaultPolicy()
	}
	return c.run(pol, t, t.Timeline(), now)
}

// Vendor evaluates the contract clock of the contract the ticket went to
// last; nil if it never went to a vendor or the contract has no policy.
func (c Clocks) Vendor(t *ticket.Ticket, now time.Time) (*sla.Result, error) {
	if t.Contract == "" {
		return nil, nil
	}
	pol, ok := c.Policies[t.Contract]
	if !ok {
		return nil, nil
	}
	tl, ok := t.VendorTimeline(t.Contract)
	if !ok {
		return nil, nil
	}
	r, err := c.run(pol, t, tl, now)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

func (c Clocks) run(pol sla.Policy, t *ticket.Ticket, tl sla.Timeline, now time.Time) (sla.Result, error) {
	target, ok := pol.Target(t.Priority)
	if !ok {
		return sla.Result{}, fmt.Errorf("SLA «%s»: нет сроков для приоритета %s", pol.Name, t.Priority.Code())
	}
	loc, err := c.Zone(t.OrgUnit)
	if err != nil {
		return sla.Result{}, fmt.Errorf("часовой пояс %s: %w", t.OrgUnit, err)
	}
	cal, err := c.Calendars.For(target.Hours, t.Region, loc)
	if err != nil {
		return sla.Result{}, err
	}
	return sla.Evaluate(cal, target, pol.WarnAt, tl, now), nil
}

// Item is a ticket with its clocks.
type Item struct {
	Ticket *ticket.Ticket
	Clocks sla.Result
}

// urgency ranks a clock: breached, then warning, then running; a paused
// clock waits on someone else and goes after the running ones.
func urgency(c sla.Clock) int {
	switch {
	case c.State == sla.Breached:
		return 0
	case c.Paused:
		return 3
	case c.State == sla.Warning:
		return 1
	}
	return 2
}

// Order sorts open tickets for the queue: an unanswered ticket's response
// clock counts, else its resolution clock; the most urgent state first,
// then the earliest due time, then priority, then the oldest.
func Order(items []Item) {
	clock := func(it Item) sla.Clock {
		if it.Ticket.Responded.IsZero() {
			return it.Clocks.Response
		}
		return it.Clocks.Resolution
	}
	slices.SortStableFunc(items, func(a, b Item) int {
		ca, cb := clock(a), clock(b)
		return cmp.Or(cmp.Compare(urgency(ca), urgency(cb)), ca.Due.Compare(cb.Due),
			cmp.Compare(a.Ticket.Priority, b.Ticket.Priority), cmp.Compare(a.Ticket.ID, b.Ticket.ID))
	})
}

// Notice is a clock that crossed its warning share or its target.
type Notice struct {
	Ticket   *ticket.Ticket
	Response bool // the response clock; else the resolution clock
	Breach   bool // the target itself; else the warning
	At       time.Time
}

// Notices are the crossings in (since, now] of open, running clocks: a
// scanner that runs every few minutes with since = its last run notifies
// each crossing once. Done or paused clocks notify nothing.
func Notices(items []Item, since, now time.Time) []Notice {
	var out []Notice
	in := func(t time.Time) bool { return !t.IsZero() && t.After(since) && !t.After(now) }
	for _, it := range items {
		for _, c := range []struct {
			clock    sla.Clock
			response bool
		}{{it.Clocks.Response, true}, {it.Clocks.Resolution, false}} {
			if !c.clock.Done.IsZero() || c.clock.Paused {
				continue
			}
			if in(c.clock.WarnAt) {
				out = append(out, Notice{Ticket: it.Ticket, Response: c.response, At: c.clock.WarnAt})
			}
			if in(c.clock.Due) {
				out = append(out, Notice{Ticket: it.Ticket, Response: c.response, Breach: true, At: c.clock.Due})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Notice) int { return a.At.Compare(b.At) })
	return out
}
