// Package feed reads the hospital systems' scheduling feeds — FHIR R4 bulk
// NDJSON, Bundles or single resources, and the CSV layouts of
// docs/feed-csv.md — into flat records of Schedule, Slot, Appointment,
// Encounter, DocumentReference and ServiceRequest (referrals). It parses,
// validates and maps resources to medical organisations; storing is the
// caller's business (internal/store), through a Sink.
package feed

import (
	"fmt"
	"time"
)

// Resource type names as in FHIR.
const (
	TypeSchedule    = "Schedule"
	TypeSlot        = "Slot"
	TypeAppointment = "Appointment"
	TypeEncounter   = "Encounter"
	TypeDocument    = "DocumentReference"
	TypeReferral    = "ServiceRequest"
)

// Types lists the resource types the feed keeps, in load order.
var Types = []string{TypeSchedule, TypeSlot, TypeAppointment, TypeEncounter, TypeDocument, TypeReferral}

// Schedule is a doctor post (or cabinet) whose slots are published.
type Schedule struct {
	ID        string
	Active    bool
	OrgUnit   string // МО code, "" when unmapped
	OrgRef    string // the reference the МО was looked up by, for reports
	Specialty string // first specialty code
	Actor     string // the practitioner (role) reference: the "post"
}

// Slot is one slot in a schedule snapshot.
type Slot struct {
	ID         string
	Schedule   string // Schedule id (the reference without "Schedule/")
	Status     string // free | busy | busy-unavailable | busy-tentative | entered-in-error
	Start, End time.Time
	Specialty  string
	EPGU       bool // open to booking through ЕПГУ (meta.tag code "epgu")
}

// Appointment is a booking.
type Appointment struct {
	ID           string
	Status       string
	OrgUnit      string
	OrgRef       string
	Specialty    string
	Patient      string
	Slot         string // first Slot id
	Channel      string // epgu | call-centre | registry | infomat | mis | ""
	Created      time.Time
	Start, End   time.Time
	Updated      time.Time // meta.lastUpdated: when a cancellation was recorded
	Referral     string    // basedOn ServiceRequest id
	CancelReason string
}

// Encounter is a visit.
type Encounter struct {
	ID          string
	Status      string
	OrgUnit     string
	OrgRef      string
	Patient     string
	Appointment string // first Appointment id
	Start, End  time.Time
}

// Document is a DocumentReference to an electronic medical document (ЭМД).
type Document struct {
	ID         string
	Status     string
	OrgUnit    string
	OrgRef     string
	Patient    string
	Encounter  string
	Date       time.Time
	Registered time.Time // registration in РЭМД; zero when not registered
}

// Referral is a ServiceRequest issued at a visit.
type Referral struct {
	ID        string
	Status    string
	Patient   string
	Encounter string
	Authored  time.Time
}

// Sink receives records. Records are reused by the reader: a sink must copy
// what it keeps before returning.
type Sink interface {
	Schedule(*Schedule) error
	Slot(*Slot) error
	Appointment(*Appointment) error
	Encounter(*Encounter) error
	Document(*Document) error
	Referral(*Referral) error
}

// Resolver maps an organisation key found in a resource (an МО OID with
// or without "urn:oid:", an Organization id) to the МО code.
type Resolver func(key string) (code string, ok bool)

// Stats counts what a reader saw.
type Stats struct {
	Records  map[string]int64 // by resource type
	Unmapped map[string]int64 // records whose МО could not be resolved
	// UnmappedKeys are up to 10 distinct unresolved references, for the
	// report.
	UnmappedKeys []string
	Ignored      map[string]int64 // resources of other types (Patient, ...)
	// Snapshot is the Bundle's meta.lastUpdated, zero otherwise.
	Snapshot time.Time
}

func newStats() Stats {
	return Stats{Records: map[string]int64{}, Unmapped: map[string]int64{}, Ignored: map[string]int64{}}
}

// Total is the number of records kept.
func (s Stats) Total() int64 {
	var n int64
	for _, v := range s.Records {
		n += v
	}
	return n
}

func (s *Stats) unmapped(typ, key string) {
	s.Unmapped[typ]++
	if key == "" {
		key = "(no organisation reference)"
	}
	if len(s.UnmappedKeys) < 10 {
		for _, k := range s.UnmappedKeys {
			if k == key {
				return
			}
		}
		s.UnmappedKeys = append(s.UnmappedKeys, key)
	}
}

// RecordError locates a bad record: `slots.ndjson line 7: field start: ...`.
type RecordError struct {
	File  string
	Line  int
	Field string
	Err   error
}

func (e *RecordError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s line %d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s line %d: field %s: %v", e.File, e.Line, e.Field, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Channels are the booking channels Cifra distinguishes.
var Channels = []string{"epgu", "call-centre", "registry", "infomat", "mis"}

func isChannel(s string) bool {
	for _, c := range Channels {
		if c == s {
			return true
		}
	}
	return false
}

// SlotStatuses are FHIR R4 Slot.status codes.
var SlotStatuses = []string{"free", "busy", "busy-unavailable", "busy-tentative", "entered-in-error"}

// slotStatus returns the status as a constant string (no allocation per
// slot), or "" when b is not a Slot status.
func slotStatus(b []byte) string {
	for _, s := range SlotStatuses {
		if string(b) == s {
			return s
		}
	}
	return ""
}

func validSlotStatus(s string) bool {
	switch s {
	case "free", "busy", "busy-unavailable", "busy-tentative", "entered-in-error":
		return true
	}
	return false
}

func validAppointmentStatus(s string) bool {
	switch s {
	case "proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow", "entered-in-error", "checked-in", "waitlist":
		return true
	}
	return false
}

func validEncounterStatus(s string) bool {
	switch s {
	case "planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled", "entered-in-error", "unknown":
		return true
	}
	return false
}

func validDocumentStatus(s string) bool {
	switch s {
	case "current", "superseded", "entered-in-error":
		return true
	}
	return false
}

func validRequestStatus(s string) bool {
	switch s {
	case "draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown":
		return true
	}
	return false
}
