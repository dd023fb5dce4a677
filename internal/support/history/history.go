// Package history imports a region's past tickets from another service
// desk: Cifra's own CSV layout (docs/support.md) and the CSV export of
// Redmine's issue list. Imported tickets are ordinary tickets whose events
// are written by the system from what the export holds: creation,
// resolution and closure at their recorded times; a first response only
// where the source records one (Redmine does not), so that SLA figures
// never invent a response time.
package history

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/support/csvfile"
	"github.com/cifra-health/cifra/internal/support/priority"
	"github.com/cifra-health/cifra/internal/support/ticket"
)

// MaxErrors bounds the problems one import reports.
const MaxErrors = 50

// Errors are all located problems of an import; nothing is imported
// while there is one.
type Errors = csvfile.Errors

// Options say where the history belongs.
type Options struct {
	Region string // ISO 3166-2:RU of the region importing
	// UnitRegion resolves an org unit to its region; nil accepts any.
	UnitRegion func(string) (string, bool)
	// Zone is the zone of times written without one (Redmine writes the
	// exporting user's zone); nil is Europe/Moscow.
	Zone *time.Location
	// Actor is the login the events are written under ("import").
	Actor string
}

func (o Options) zone() *time.Location {
	if o.Zone != nil {
		return o.Zone
	}
	return time.FixedZone("MSK", 3*3600)
}

// Record is one ticket as an export gives it, before it becomes events.
type Record struct {
	External        string // "redmine:17", "cifra:2025-001"
	OrgUnit         string
	System, Module  string
	Kind            ticket.Kind
	Title, Text     string
	Impact, Urgency priority.Level
	Priority        priority.Priority
	State           ticket.State
	Code            ticket.Code
	Assignee        string
	Vendor          string // the vendor holding a waiting_vendor ticket
	Created         time.Time
	Responded       time.Time // zero: unknown
	Resolved        time.Time // zero: not resolved (or unknown for an open ticket)
	Closed          time.Time
}

// Build turns a record into a ticket with a consistent history (Replay
// accepts it): open, [take], then resolved or waiting, then closed.
func (o Options) Build(r Record) (*ticket.Ticket, error) {
	actor := o.Actor
	if actor == "" {
		actor = "import"
	}
	var evs []ticket.Event
	add := func(e ticket.Event) {
		e.Seq, e.Actor = len(evs)+1, actor
		if e.Role == "" {
			e.Role = ticket.System
		}
		e.At = e.At.UTC()
		if n := len(evs); n > 0 {
			e.From = evs[n-1].To
			if e.To == "" {
				e.To = e.From
			}
		}
		evs = append(evs, e)
	}
	add(ticket.Event{At: r.Created, Action: ticket.ActOpen, To: ticket.New, Kind: r.Kind, OrgUnit: r.OrgUnit, Region: o.Region,
		Title: r.Title, Text: r.Text, Source: ticket.Import, External: r.External, System: r.System, Module: r.Module,
		Impact: r.Impact, Urgency: r.Urgency, Priority: r.Priority})
	if r.State == ticket.New {
		return ticket.Replay(0, evs)
	}
	if r.Assignee != "" {
		add(ticket.Event{At: r.Created, Action: ticket.ActAssign, To: ticket.Assigned, Assignee: r.Assignee, Line: ticket.FirstLine})
	}
	// A recorded response is the agent taking the ticket; without one the
	// system moves it on, which counts as no response.
	take := ticket.Event{At: r.Created, Action: ticket.ActTake, To: ticket.InProgress, Assignee: r.Assignee}
	if !r.Responded.IsZero() {
		take.At, take.Role, take.Actor = r.Responded, ticket.Agent, r.Assignee
	}
	switch r.State {
	case ticket.Assigned:
		if r.Assignee == "" {
			add(ticket.Event{At: r.Created, Action: ticket.ActAssign, To: ticket.Assigned, Assignee: actor, Line: ticket.FirstLine})
		}
		return ticket.Replay(0, evs)
	case ticket.InProgress, ticket.WaitingMO, ticket.WaitingVendor:
		add(take)
		switch r.State {
		case ticket.WaitingMO:
			add(ticket.Event{At: take.At, Action: ticket.ActAskMO, To: ticket.WaitingMO, Text: "перенесено из прежней системы"})
		case ticket.WaitingVendor:
			add(ticket.Event{At: take.At, Action: ticket.ActEscalate, To: ticket.WaitingVendor, Contract: r.Vendor, Vendor: r.Vendor, Text: "перенесено из прежней системы"})
		}
		return ticket.Replay(0, evs)
	}
	// Resolved or closed.
	if r.Code == ticket.Withdrawn || r.Code == ticket.Duplicate || r.Code == ticket.OutOfScope {
		if r.Code != ticket.Withdrawn {
			add(ticket.Event{At: r.Resolved, Action: ticket.ActResolve, To: ticket.Resolved, Code: r.Code, Text: "перенесено из прежней системы"})
			add(ticket.Event{At: r.Closed, Action: ticket.ActClose, To: ticket.Closed})
		} else {
			add(ticket.Event{At: r.Closed, Action: ticket.ActWithdraw, To: ticket.Closed, Code: ticket.Withdrawn})
		}
		return ticket.Replay(0, evs)
	}
	if !r.Responded.IsZero() {
		add(take)
	}
	add(ticket.Event{At: r.Resolved, Action: ticket.ActResolve, To: ticket.Resolved, Code: r.Code, Text: "перенесено из прежней системы"})
	if r.State == ticket.Closed {
		add(ticket.Event{At: r.Closed, Action: ticket.ActClose, To: ticket.Closed})
	}
	return ticket.Replay(0, evs)
}

// check validates what every source must give, naming the column of the
// row (cols maps Record's parts to the file's columns).
func (o Options) check(row csvfile.Row, r *Record, cols map[string]string) error {
	switch {
	case r.OrgUnit == "":
		return row.Fail(cols["orgunit"], "не указана организация")
	case strings.TrimSpace(r.Title) == "":
		return row.Fail(cols["title"], "не указана тема")
	case r.Created.IsZero():
		return row.Fail(cols["created"], "не указано время создания")
	}
	if o.UnitRegion != nil {
		reg, ok := o.UnitRegion(r.OrgUnit)
		if !ok {
			return row.Fail(cols["orgunit"], "нет организации «%s»", r.OrgUnit)
		}
		if reg != o.Region {
			return row.Fail(cols["orgunit"], "организация %s относится к региону %s, а импорт — в %s", r.OrgUnit, reg, o.Region)
		}
	}
	if r.State == ticket.WaitingVendor && r.Vendor == "" {
		return row.Fail(cols["vendor"], "заявка у поставщика, но поставщик не указан")
	}
	if !r.Responded.IsZero() && r.Responded.Before(r.Created) {
		return row.Fail(cols["responded"], "ответ раньше создания")
	}
	if r.State == ticket.Resolved || r.State == ticket.Closed {
		if r.Resolved.IsZero() {
			r.Resolved = r.Closed
		}
		if r.Resolved.IsZero() {
			return row.Fail(cols["resolved"], "заявка решена, но не указано время решения")
		}
		if r.Resolved.Before(r.Created) {
			return row.Fail(cols["resolved"], "решение раньше создания")
		}
		if !r.Responded.IsZero() && r.Resolved.Before(r.Responded) {
			return row.Fail(cols["resolved"], "решение раньше ответа")
		}
		if r.Closed.IsZero() {
			r.Closed = r.Resolved
		}
		if r.Closed.Before(r.Resolved) {
			return row.Fail(cols["closed"], "закрытие раньше решения")
		}
	}
	return nil
}

// read runs rows through parse, collecting located errors; a duplicate
// External is an error too (re-importing the same file twice is the
// store's business: it skips External keys it holds).
func read(r io.Reader, name string, l csvfile.Layout, o Options, parse func(csvfile.Row) (Record, error)) ([]*ticket.Ticket, error) {
	rd, err := csvfile.Open(r, name, l)
	if err != nil {
		return nil, Errors{located(err)}
	}
	var out []*ticket.Ticket
	var errs Errors
	seen := map[string]int{}
	for len(errs) < MaxErrors {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, located(err))
			var e *csvfile.Error
			if errors.As(err, &e) && e.Line > 0 {
				continue
			}
			break
		}
		rec, err := parse(row)
		if err != nil {
			errs = append(errs, located(err))
			continue
		}
		if line, dup := seen[rec.External]; dup {
			errs = append(errs, located(row.Fail("", "заявка %s уже была в строке %d", rec.External, line)))
			continue
		}
		seen[rec.External] = row.Line()
		t, err := o.Build(rec)
		if err != nil {
			errs = append(errs, located(row.Fail("", "%v", err)))
			continue
		}
		out = append(out, t)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func located(err error) *csvfile.Error {
	var e *csvfile.Error
	if errors.As(err, &e) {
		return e
	}
	return &csvfile.Error{Msg: err.Error()}
}

// parseTime reads the forms exports write: RFC 3339, ГГГГ-ММ-ДД ЧЧ:ММ[:СС],
// ДД.ММ.ГГГГ ЧЧ:ММ[:СС], Redmine's English MM/DD/YYYY hh:mm AM/PM; a time
// without a zone is in loc.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	for _, f := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "02.01.2006 15:04:05", "02.01.2006 15:04",
		"01/02/2006 03:04 PM", "01/02/2006 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(f, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("«%s» — не время; ожидается ДД.ММ.ГГГГ ЧЧ:ММ или ГГГГ-ММ-ДДTЧЧ:ММ:СС+03:00", s)
}
