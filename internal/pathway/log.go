// Package pathway follows the patient's path after a booking as an event
// log: a case is one booking episode (an Appointment), its events are the
// booking, a cancellation, the visit (Encounter), the ЭМД created and
// registered in РЭМД (DocumentReference), a referral issued at the visit
// (ServiceRequest) and the next booking made on that referral. On the log
// it computes the funnel, times between steps, variants, the
// directly-follows graph, ЭМД measures and the lists of lost cases.
package pathway

import (
	"cmp"
	"slices"
	"time"
)

// Activity is an event type.
type Activity string

const (
	Booked        Activity = "booked"
	Cancelled     Activity = "cancelled"
	Visit         Activity = "visit"
	EMDCreated    Activity = "emd_created"
	EMDRegistered Activity = "emd_registered"
	Referral      Activity = "referral"
	NextBooking   Activity = "next_booking"
)

// order breaks ties between events at the same instant in path order.
var order = map[Activity]int{Booked: 0, Cancelled: 1, Visit: 2, EMDCreated: 3, EMDRegistered: 4, Referral: 5, NextBooking: 6}

// Event is one step of a case.
type Event struct {
	Activity Activity
	Time     time.Time
}

// Case is one booking episode.
type Case struct {
	ID        string // appointment id
	OrgUnit   string
	Specialty string
	Patient   string
	Start     time.Time // the appointment's start
	Events    []Event   // in time order
}

// Inputs: plain records as loaded from the feed tables.
type (
	Appointment struct {
		ID, OrgUnit, Specialty, Patient, Status, Referral string
		Created, Start, Updated                           time.Time
		// NextOnly marks an appointment loaded only as the next booking of
		// another case (e.g. made after the period): it is no case itself.
		NextOnly bool
	}
	Encounter struct {
		ID, Appointment, Status string
		Start                   time.Time
	}
	Document struct {
		ID, Encounter, Status string
		Date, Registered      time.Time
	}
	ReferralRecord struct {
		ID, Encounter string
		Authored      time.Time
	}
)

// Build joins the records into cases: Encounter.appointment → Appointment,
// DocumentReference.context.encounter → Encounter, ServiceRequest.encounter
// → Encounter, and Appointment.basedOn → ServiceRequest for the next
// booking. Records in entered-in-error state are left out; events without a
// time are left out of the case (they cannot be placed on the path).
func Build(appts []Appointment, encs []Encounter, docs []Document, refs []ReferralRecord) []Case {
	cases := make([]Case, 0, len(appts))
	byAppt := make(map[string]int, len(appts))
	for _, a := range appts {
		if a.Status == "entered-in-error" || a.NextOnly {
			continue
		}
		c := Case{ID: a.ID, OrgUnit: a.OrgUnit, Specialty: a.Specialty, Patient: a.Patient, Start: a.Start}
		c.add(Booked, a.Created)
		if a.Status == "cancelled" {
			t := a.Updated
			if t.IsZero() {
				t = a.Start
			}
			c.add(Cancelled, t)
		}
		byAppt[a.ID] = len(cases)
		cases = append(cases, c)
	}
	encCase := map[string]int{}
	for _, e := range encs {
		i, ok := byAppt[e.Appointment]
		if !ok || e.Status == "entered-in-error" || e.Status == "cancelled" || e.Status == "planned" {
			continue
		}
		encCase[e.ID] = i
		cases[i].add(Visit, e.Start)
	}
	for _, d := range docs {
		i, ok := encCase[d.Encounter]
		if !ok || d.Status == "entered-in-error" {
			continue
		}
		cases[i].add(EMDCreated, d.Date)
		cases[i].add(EMDRegistered, d.Registered)
	}
	refCase := map[string]int{}
	for _, r := range refs {
		if i, ok := encCase[r.Encounter]; ok {
			refCase[r.ID] = i
			cases[i].add(Referral, r.Authored)
		}
	}
	for _, a := range appts {
		if a.Referral == "" || a.Status == "entered-in-error" {
			continue
		}
		if i, ok := refCase[a.Referral]; ok {
			cases[i].add(NextBooking, a.Created)
		}
	}
	for i := range cases {
		slices.SortStableFunc(cases[i].Events, func(x, y Event) int {
			if c := x.Time.Compare(y.Time); c != 0 {
				return c
			}
			return cmp.Compare(order[x.Activity], order[y.Activity])
		})
	}
	return cases
}

func (c *Case) add(a Activity, t time.Time) {
	if !t.IsZero() {
		c.Events = append(c.Events, Event{a, t})
	}
}

// First returns the time of the first event of activity a.
func (c *Case) First(a Activity) (time.Time, bool) {
	for _, e := range c.Events {
		if e.Activity == a {
			return e.Time, true
		}
	}
	return time.Time{}, false
}

// Has reports whether the case has activity a.
func (c *Case) Has(a Activity) bool {
	_, ok := c.First(a)
	return ok
}
