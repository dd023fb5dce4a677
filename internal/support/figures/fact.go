// Package figures computes the support centre's figures: SLA compliance
// by vendor, МО, category and priority, the backlog trend, the top
// problems, first-contact resolution, availability per МО — and the data
// values per МО and period through which they enter the rating.
package figures

import (
	"time"

	"github.com/cifra-health/cifra/internal/support/priority"
	"github.com/cifra-health/cifra/internal/support/sla"
	"github.com/cifra-health/cifra/internal/support/ticket"
)

// Fact is one ticket flattened for reports: what the figures need and
// nothing else, so that a region-year fits in memory (a store keeps it as
// the ticket's current row).
type Fact struct {
	ID       int64
	Region   string
	OrgUnit  string
	System   string
	Module   string
	Vendor   string // the last vendor escalated to; "" if never
	Kind     ticket.Kind
	Priority priority.Priority
	Created  time.Time
	Resolved time.Time // zero while open
	// Counts is false for duplicates, withdrawn and out-of-scope tickets:
	// they are not the centre's work.
	Counts bool
	// Response and Resolution are the centre's clocks as last evaluated.
	Response, Resolution sla.State
	// Work is the resolution clock's working time.
	Work time.Duration
	// VendorMet is the contract clock's result when the ticket went to a
	// vendor and came back; nil otherwise.
	VendorMet *bool
	// FirstContact: the resolution was the desk's first answer, by the
	// first line, not reopened.
	FirstContact bool
	Reopened     bool
}

// FactOf flattens a ticket with its evaluated clocks (vendor may be nil).
func FactOf(t *ticket.Ticket, centre sla.Result, vendor *sla.Result) Fact {
	f := Fact{ID: t.ID, Region: t.Region, OrgUnit: t.OrgUnit, System: t.System, Module: t.Module, Vendor: t.Vendor,
		Kind: t.Kind, Priority: t.Priority, Created: t.Created, Counts: t.Code == "" || t.Code.Counts(),
		Response: centre.Response.State, Resolution: centre.Resolution.State, Work: centre.Resolution.Elapsed}
	if !t.State.Open() {
		f.Resolved = t.Resolved
	}
	second := false
	var firstResolve time.Time
	for _, e := range t.Events {
		switch {
		case e.Action == ticket.ActReopen:
			f.Reopened = true
		case e.Action == ticket.ActEscalate, e.Action == ticket.ActAssign && e.Line == ticket.SecondLine:
			second = true
		case e.Action == ticket.ActResolve && firstResolve.IsZero():
			firstResolve = e.At
		}
	}
	// First contact: the resolution was the desk's first answer to the МО
	// (on the telephone, or straight from the queue), never reopened, never
	// beyond the first line.
	f.FirstContact = !f.Resolved.IsZero() && !second && !f.Reopened && t.Parent == 0 &&
		!firstResolve.IsZero() && firstResolve.Equal(t.Responded)
	if vendor != nil && !vendor.Resolution.Done.IsZero() {
		met := vendor.Resolution.State == sla.Met
		f.VendorMet = &met
	}
	return f
}

// Met reports whether the resolution clock finished within its target.
func (f Fact) Met() bool { return f.Resolution == sla.Met }
