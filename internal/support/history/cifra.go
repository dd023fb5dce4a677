package history

import (
	"io"
	"time"

	"github.com/cifra-health/cifra/internal/support/csvfile"
	"github.com/cifra-health/cifra/internal/support/priority"
	"github.com/cifra-health/cifra/internal/support/ticket"
)

// cifraLayout is Cifra's own history layout (docs/support.md).
var cifraLayout = csvfile.Layout{
	Required: []string{"id", "orgunit", "kind", "title", "state", "created"},
	Optional: []string{"system", "module", "description", "impact", "urgency", "priority", "code", "assignee", "vendor",
		"responded", "resolved", "closed"},
	Aliases: map[string]string{"номер": "id", "мо": "orgunit", "организация": "orgunit", "вид": "kind", "тема": "title",
		"состояние": "state", "создана": "created", "система": "system", "модуль": "module", "описание": "description",
		"влияние": "impact", "срочность": "urgency", "приоритет": "priority", "код закрытия": "code", "исполнитель": "assignee",
		"поставщик": "vendor", "ответ": "responded", "решена": "resolved", "закрыта": "closed"},
}

// ReadCSV imports tickets in Cifra's layout: id, orgunit, kind
// (incident|request), title, state (a ticket state), created; optional
// system, module, description, impact and urgency (1–3) or priority
// (P1–P5), code (a closure code), assignee, vendor, responded, resolved,
// closed. Impact × urgency wins over priority; without either a ticket
// is P3.
func ReadCSV(r io.Reader, name string, o Options) ([]*ticket.Ticket, error) {
	loc := o.zone()
	cols := map[string]string{"orgunit": "orgunit", "title": "title", "created": "created", "responded": "responded",
		"resolved": "resolved", "closed": "closed", "vendor": "vendor"}
	m := priority.DefaultMatrix()
	return read(r, name, cifraLayout, o, func(row csvfile.Row) (Record, error) {
		rec := Record{External: "cifra:" + row.Get("id"), OrgUnit: row.Get("orgunit"), System: row.Get("system"),
			Module: row.Get("module"), Title: row.Get("title"), Text: row.Get("description"), Assignee: row.Get("assignee"),
			Vendor: row.Get("vendor")}
		if row.Get("id") == "" {
			return rec, row.Fail("id", "не указан номер")
		}
		switch k := ticket.Kind(row.Get("kind")); k {
		case ticket.Incident, ticket.Request:
			rec.Kind = k
		default:
			return rec, row.Fail("kind", "«%s» — ожидается incident (инцидент) или request (запрос)", row.Get("kind"))
		}
		st, err := ticket.ParseState(row.Get("state"))
		if err != nil {
			return rec, row.Fail("state", "%v", err)
		}
		rec.State = st
		if c := row.Get("code"); c != "" {
			if rec.Code, err = ticket.ParseCode(c); err != nil {
				return rec, row.Fail("code", "%v", err)
			}
		} else if st == ticket.Resolved || st == ticket.Closed {
			rec.Code = ticket.Solved
		}
		rec.Impact, rec.Urgency = priority.Medium, priority.Medium
		if row.Get("impact") != "" || row.Get("urgency") != "" {
			if rec.Impact, err = priority.ParseLevel(row.Get("impact")); err != nil {
				return rec, row.Fail("impact", "%v", err)
			}
			if rec.Urgency, err = priority.ParseLevel(row.Get("urgency")); err != nil {
				return rec, row.Fail("urgency", "%v", err)
			}
			rec.Priority, _ = m.Priority(rec.Impact, rec.Urgency)
		} else if p := row.Get("priority"); p != "" {
			if rec.Priority, err = priority.ParsePriority(p); err != nil {
				return rec, row.Fail("priority", "%v", err)
			}
			rec.Impact, rec.Urgency = levelsOf(rec.Priority)
		} else {
			rec.Priority = priority.Normal
		}
		for _, f := range []struct {
			col string
			dst *time.Time
		}{{"created", &rec.Created}, {"responded", &rec.Responded}, {"resolved", &rec.Resolved}, {"closed", &rec.Closed}} {
			t, err := parseTime(row.Get(f.col), loc)
			if err != nil {
				return rec, row.Fail(f.col, "%v", err)
			}
			*f.dst = t
		}
		if err := o.check(row, &rec, cols); err != nil {
			return rec, err
		}
		return rec, nil
	})
}

// levelsOf picks the impact × urgency of the default matrix that gives a
// priority, for sources that record only the priority.
func levelsOf(p priority.Priority) (impact, urgency priority.Level) {
	switch p {
	case priority.Critical:
		return priority.High, priority.High
	case priority.Major:
		return priority.Medium, priority.High
	case priority.Normal:
		return priority.Medium, priority.Medium
	case priority.Minor:
		return priority.Low, priority.Medium
	}
	return priority.Low, priority.Low
}
