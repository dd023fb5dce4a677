// Package ticket is the life of a support-centre ticket: states and the
// transitions between them, who may take which action, assignment across
// the first line, the second line and the vendor, pause and resume of the
// SLA clock, reopening, closure codes and mass incidents. Every change is
// an Event; a ticket is the replay of its events, so the history is the
// audit trail and cannot disagree with the ticket.
package ticket

import "fmt"

// State of a ticket.
type State string

// States, in the order a ticket usually passes them.
const (
	New           State = "new"
	Assigned      State = "assigned"
	InProgress    State = "in_progress"
	WaitingMO     State = "waiting_mo"     // the МО was asked: SLA paused
	WaitingVendor State = "waiting_vendor" // escalated to the vendor: the centre's SLA paused, the contract's runs
	Resolved      State = "resolved"
	Closed        State = "closed"
)

// States lists every state.
var States = []State{New, Assigned, InProgress, WaitingMO, WaitingVendor, Resolved, Closed}

// Label is the Russian name.
func (s State) Label() string {
	switch s {
	case New:
		return "новая"
	case Assigned:
		return "назначена"
	case InProgress:
		return "в работе"
	case WaitingMO:
		return "ожидает ответа МО"
	case WaitingVendor:
		return "передана поставщику"
	case Resolved:
		return "решена"
	case Closed:
		return "закрыта"
	}
	return string(s)
}

// Open reports whether the ticket still needs work (not resolved or closed).
func (s State) Open() bool { return s != Resolved && s != Closed && s != "" }

// Paused reports whether the centre's resolution clock stands still.
func (s State) Paused() bool { return s == WaitingMO || s == WaitingVendor || s == Resolved }

// ParseState reads a state name.
func ParseState(s string) (State, error) {
	for _, st := range States {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("«%s» — неизвестное состояние заявки", s)
}

// Kind of ticket.
type Kind string

// Kinds.
const (
	Incident Kind = "incident" // something that worked stopped working
	Request  Kind = "request"  // a service request: access, a setting, a consultation
)

// Label is the Russian name.
func (k Kind) Label() string {
	switch k {
	case Incident:
		return "инцидент"
	case Request:
		return "запрос на обслуживание"
	}
	return string(k)
}

// Line is who works a ticket.
type Line string

// Lines of support.
const (
	FirstLine  Line = "first"  // the centre's service desk
	SecondLine Line = "second" // the centre's specialists
	VendorLine Line = "vendor" // the vendor under its contract
)

// Label is the Russian name.
func (l Line) Label() string {
	switch l {
	case FirstLine:
		return "первая линия"
	case SecondLine:
		return "вторая линия"
	case VendorLine:
		return "поставщик"
	}
	return string(l)
}

// Source is how a ticket reached the centre.
type Source string

// Sources. Mail is a region's mailbox read by the server (IMAP, see
// docs/support.md); Monitor is a probe, Alertmanager or Zabbix.
const (
	Web     Source = "web"
	API     Source = "api"
	Mail    Source = "mail"
	Phone   Source = "phone" // entered by a first-line agent
	Monitor Source = "monitor"
	Import  Source = "import"
)

func (s Source) valid() bool {
	switch s {
	case Web, API, Mail, Phone, Monitor, Import:
		return true
	}
	return false
}

// Code is how a ticket was closed.
type Code string

// Closure codes.
const (
	Solved       Code = "solved"        // the fault was fixed
	Workaround   Code = "workaround"    // the МО works around it; a problem stays
	VendorFix    Code = "vendor_fix"    // fixed by the vendor
	Consultation Code = "consultation"  // answered: no fault
	NoFault      Code = "no_fault"      // could not be reproduced
	Duplicate    Code = "duplicate"     // another ticket covers it
	Withdrawn    Code = "withdrawn"     // the МО withdrew it
	OutOfScope   Code = "out_of_scope"  // not the centre's systems
	MassResolved Code = "mass_resolved" // resolved with its mass incident
)

// Codes lists every closure code.
var Codes = []Code{Solved, Workaround, VendorFix, Consultation, NoFault, Duplicate, Withdrawn, OutOfScope, MassResolved}

// Label is the Russian name.
func (c Code) Label() string {
	switch c {
	case Solved:
		return "неисправность устранена"
	case Workaround:
		return "предложено обходное решение"
	case VendorFix:
		return "исправлено поставщиком"
	case Consultation:
		return "дана консультация"
	case NoFault:
		return "неисправность не подтвердилась"
	case Duplicate:
		return "дубликат"
	case Withdrawn:
		return "отозвана заявителем"
	case OutOfScope:
		return "вне компетенции центра"
	case MassResolved:
		return "решена в составе массового инцидента"
	}
	return string(c)
}

// Counts reports whether a ticket closed with the code counts in SLA and
// rating figures: a duplicate or a withdrawn ticket was never the centre's
// work.
func (c Code) Counts() bool { return c != Duplicate && c != Withdrawn && c != OutOfScope }

// ParseCode reads a closure code.
func ParseCode(s string) (Code, error) {
	for _, c := range Codes {
		if string(c) == s {
			return c, nil
		}
	}
	return "", fmt.Errorf("«%s» — неизвестный код закрытия", s)
}
