package ticket

import (
	"time"

	"github.com/cifra-health/cifra/internal/support/sla"
)

// Timeline is what the centre's SLA clocks need: creation, the first
// response, resolution (if the ticket is resolved or closed now) and the
// pauses — waiting for the МО, waiting for the vendor, and the time a
// ticket stood resolved before it was reopened.
func (t *Ticket) Timeline() sla.Timeline {
	tl := sla.Timeline{Created: t.Created, Responded: t.Responded}
	var open *sla.Pause
	for _, e := range t.Events {
		if e.To == "" || e.To == e.From {
			continue
		}
		if open != nil && !pauseOf(e.To, open.Reason) {
			open.End = e.At
			tl.Pauses = append(tl.Pauses, *open)
			open = nil
		}
		if open == nil {
			if r, ok := reasonOf(e.To); ok {
				open = &sla.Pause{Start: e.At, Reason: r}
			}
		}
	}
	switch t.State {
	case Resolved, Closed:
		tl.Resolved = t.Resolved
	default:
		if open != nil {
			tl.Pauses = append(tl.Pauses, *open)
		}
	}
	tl.Pauses = sla.Pauses(tl.Pauses)
	return tl
}

func reasonOf(s State) (sla.Reason, bool) {
	switch s {
	case WaitingMO:
		return sla.WaitingMO, true
	case WaitingVendor:
		return sla.WaitingVendor, true
	case Resolved:
		return sla.Resolved, true
	}
	return "", false
}

// pauseOf: closing a resolved ticket keeps it stopped, it does not end
// the stretch.
func pauseOf(s State, r sla.Reason) bool {
	got, ok := reasonOf(s)
	return ok && got == r || s == Closed && r == sla.Resolved
}

// VendorTimeline is the contract's clock: it starts when the ticket is
// first escalated under the contract, the vendor responds with its first
// action, it stands still while the ticket is back with the centre or the
// МО, and it stops when the vendor hands the ticket back for the last
// time. ok is false if the ticket never went to the contract.
func (t *Ticket) VendorTimeline(contract string) (tl sla.Timeline, ok bool) {
	var back time.Time // the vendor handed it back, not yet escalated again
	with := false
	for _, e := range t.Events {
		switch {
		case e.Action == ActEscalate && e.Contract == contract:
			if tl.Created.IsZero() {
				tl.Created = e.At
			} else if !back.IsZero() {
				tl.Pauses = append(tl.Pauses, sla.Pause{Start: back, End: e.At, Reason: sla.Resolved})
			}
			back, with = time.Time{}, true
		case with && e.Role == Vendor && tl.Responded.IsZero():
			tl.Responded = e.At
		}
		if with && e.From == WaitingVendor && e.To != "" && e.To != WaitingVendor {
			back, with = e.At, false
		}
	}
	if tl.Created.IsZero() {
		return sla.Timeline{}, false
	}
	if !with {
		tl.Resolved = back
	}
	return tl, true
}
