package ticket

import (
	"fmt"
	"slices"
	"time"

	"github.com/cifra-health/cifra/internal/support/priority"
)

// Ticket is the current picture of a ticket: the replay of its events.
type Ticket struct {
	ID      int64
	Kind    Kind
	OrgUnit string // the МО (or the region, for its centralized subsystems)
	Region  string // ISO 3166-2:RU
	System  string // register id of the system
	Module  string // category under the system ("запись на приём", "ЭМД")
	Title   string
	Text    string // the description as filed
	Source  Source
	// External is the monitoring key (probe outage, alert fingerprint, a
	// foreign desk's number): the same key never opens a second ticket.
	External string
	Reporter string

	Impact, Urgency priority.Level
	Priority        priority.Priority

	State    State
	Line     Line   // the line of the assignee (the vendor line while escalated: see CurrentLine)
	Assignee string // an agent's login; "" while unassigned
	Contract string // the vendor contract escalated to last
	Vendor   string // the vendor of Contract
	Vendors  []string
	Code     Code // closure code once resolved
	Mass     bool // a mass incident: other tickets link to it
	Parent   int64
	Articles []string

	Created, Responded, Resolved, Closed time.Time

	Events []Event
}

// CurrentLine is where the ticket is now.
func (t *Ticket) CurrentLine() Line {
	if t.State == WaitingVendor {
		return VendorLine
	}
	return t.Line
}

// Event is one change. Fields that an action does not use stay zero.
type Event struct {
	Seq    int // 1-based within the ticket
	At     time.Time
	Actor  string
	Role   Role
	Action Action
	From   State
	To     State

	Text     string
	Internal bool // hidden from the МО and from other vendors

	// Set by ActOpen.
	Kind     Kind
	OrgUnit  string
	Region   string
	Title    string
	Source   Source
	External string

	System, Module  string // ActOpen, ActCategorise
	Impact, Urgency priority.Level
	Priority        priority.Priority // ActOpen, ActPriority
	Assignee        string            // ActAssign, ActTake
	Line            Line              // ActAssign
	Contract        string            // ActEscalate
	Vendor          string            // ActEscalate
	Code            Code              // ActResolve, ActWithdraw
	Parent          int64             // ActLink
	Article         string            // ActArticle
	Attachment      *Attachment       // ActAttach
}

// apply folds one event into the ticket. Events come from Desk (checked)
// or from storage (checked when they were made), so apply does not judge.
func (t *Ticket) apply(e Event) {
	if e.To != "" {
		t.State = e.To
	}
	switch e.Action {
	case ActOpen:
		t.Kind, t.OrgUnit, t.Region, t.Title, t.Text = e.Kind, e.OrgUnit, e.Region, e.Title, e.Text
		t.Source, t.External, t.Reporter = e.Source, e.External, e.Actor
		t.System, t.Module = e.System, e.Module
		t.Impact, t.Urgency, t.Priority = e.Impact, e.Urgency, e.Priority
		t.Line, t.Created = FirstLine, e.At
	case ActAssign:
		t.Assignee, t.Line = e.Assignee, e.Line
	case ActTake:
		t.Assignee = e.Assignee
	case ActEscalate:
		t.Contract, t.Vendor = e.Contract, e.Vendor
		if !slices.Contains(t.Vendors, e.Vendor) {
			t.Vendors = append(t.Vendors, e.Vendor)
		}
	case ActResolve, ActWithdraw:
		t.Code = e.Code
	case ActReopen:
		t.Code, t.Resolved = "", time.Time{}
	case ActPriority:
		t.Impact, t.Urgency, t.Priority = e.Impact, e.Urgency, e.Priority
	case ActCategorise:
		t.System, t.Module = e.System, e.Module
	case ActLink:
		t.Parent = e.Parent
	case ActMass:
		t.Mass = true
	case ActArticle:
		t.Articles = append(t.Articles, e.Article)
	}
	if t.Responded.IsZero() && responds(e) {
		t.Responded = e.At
	}
	switch e.To {
	case Resolved:
		t.Resolved = e.At
	case Closed:
		t.Closed = e.At
		if t.Resolved.IsZero() {
			t.Resolved = e.At // withdrawn: the clocks stop here
		}
	}
	t.Events = append(t.Events, e)
}

// responds reports whether an event is the desk answering the МО: taking
// the ticket, writing to it, asking it, escalating or resolving.
// Assignment alone is internal and is not a response.
func responds(e Event) bool {
	if e.Role != Agent && e.Role != Vendor {
		return false
	}
	switch e.Action {
	case ActTake, ActAskMO, ActEscalate, ActResolve:
		return true
	case ActComment:
		return !e.Internal
	}
	return false
}

// Replay rebuilds a ticket from its stored events. It refuses a history
// that does not start with ActOpen or whose sequence has gaps, which
// would mean lost audit rows.
func Replay(id int64, events []Event) (*Ticket, error) {
	if len(events) == 0 || events[0].Action != ActOpen {
		return nil, fmt.Errorf("заявка %d: история не начинается с создания", id)
	}
	t := &Ticket{ID: id}
	for i, e := range events {
		if e.Seq != i+1 {
			return nil, fmt.Errorf("заявка %d: в истории пропущено событие %d", id, i+1)
		}
		if i > 0 && e.From != "" && e.From != t.State {
			return nil, fmt.Errorf("заявка %d, событие %d: переход из «%s», а заявка в состоянии «%s»", id, e.Seq, e.From.Label(), t.State.Label())
		}
		t.apply(e)
	}
	return t, nil
}
