package history

import (
	"io"
	"strings"

	"github.com/cifra-health/cifra/internal/support/csvfile"
	"github.com/cifra-health/cifra/internal/support/priority"
	"github.com/cifra-health/cifra/internal/support/ticket"
)

// Redmine column names as its CSV export writes them, in Russian and in
// English (the exporting user's language). The МО and the system are
// custom fields a region adds; their names are options.
var redmineLayout = csvfile.Layout{
	Required: []string{"#", "tracker", "status", "priority", "subject", "created"},
	Optional: []string{"description", "assignee", "category", "updated", "closed"},
	Aliases: map[string]string{"трекер": "tracker", "статус": "status", "приоритет": "priority", "тема": "subject",
		"создано": "created", "описание": "description", "назначена": "assignee", "категория": "category",
		"обновлено": "updated", "закрыта": "closed", "assigned to": "assignee"},
	AllowUnknown: true, // exports carry many columns: project, author, spent time…
}

// RedmineOptions name the custom fields that hold the МО and the system.
type RedmineOptions struct {
	Options
	OrgUnitField string // default «МО»
	SystemField  string // default «Система»
}

// redmineStatus maps Redmine's default statuses (ru and en). A region
// with its own statuses renames them before export or extends this in a
// later version.
var redmineStatus = map[string]struct {
	state ticket.State
	code  ticket.Code
}{
	"новая": {ticket.New, ""}, "new": {ticket.New, ""},
	"в работе": {ticket.InProgress, ""}, "in progress": {ticket.InProgress, ""},
	"нужен отклик": {ticket.WaitingMO, ""}, "feedback": {ticket.WaitingMO, ""},
	"решена": {ticket.Resolved, ticket.Solved}, "resolved": {ticket.Resolved, ticket.Solved},
	"закрыта": {ticket.Closed, ticket.Solved}, "closed": {ticket.Closed, ticket.Solved},
	// Rejected: not the centre's work, so it does not count in figures.
	"отклонена": {ticket.Closed, ticket.OutOfScope}, "rejected": {ticket.Closed, ticket.OutOfScope},
}

var redminePriority = map[string]priority.Priority{
	"немедленный": priority.Critical, "immediate": priority.Critical,
	"срочный": priority.Major, "urgent": priority.Major,
	"высокий": priority.Normal, "high": priority.Normal,
	"нормальный": priority.Normal, "normal": priority.Normal,
	"низкий": priority.Minor, "low": priority.Minor,
}

// ReadRedmine imports the CSV export of a Redmine issue list («Экспорт →
// CSV», all columns or at least #, tracker, status, priority, subject,
// created and the МО custom field). Trackers «Ошибка»/Bug are incidents,
// the rest requests; the category is the module. Redmine records no first
// response, so imported tickets have none; a «Решена» ticket is resolved
// at its last update.
func ReadRedmine(r io.Reader, name string, o RedmineOptions) ([]*ticket.Ticket, error) {
	ouField, sysField := o.OrgUnitField, o.SystemField
	if ouField == "" {
		ouField = "МО"
	}
	if sysField == "" {
		sysField = "Система"
	}
	l := redmineLayout
	l.Required = append(append([]string{}, l.Required...), ouField)
	l.Optional = append(append([]string{}, l.Optional...), sysField)
	loc := o.zone()
	cols := map[string]string{"orgunit": ouField, "title": "subject", "created": "created", "resolved": "updated", "closed": "closed"}
	return read(r, name, l, o.Options, func(row csvfile.Row) (Record, error) {
		rec := Record{External: "redmine:" + row.Get("#"), OrgUnit: row.Get(ouField), System: row.Get(sysField),
			Module: row.Get("category"), Title: row.Get("subject"), Text: row.Get("description"), Assignee: row.Get("assignee")}
		if row.Get("#") == "" {
			return rec, row.Fail("#", "нет номера задачи")
		}
		switch strings.ToLower(row.Get("tracker")) {
		case "ошибка", "bug", "инцидент", "incident":
			rec.Kind = ticket.Incident
		default:
			rec.Kind = ticket.Request
		}
		st, ok := redmineStatus[strings.ToLower(row.Get("status"))]
		if !ok {
			return rec, row.Fail("status", "«%s» — статус не сопоставлен; допустимы стандартные статусы Redmine (Новая, В работе, Нужен отклик, Решена, Закрыта, Отклонена)", row.Get("status"))
		}
		rec.State, rec.Code = st.state, st.code
		p, ok := redminePriority[strings.ToLower(row.Get("priority"))]
		if !ok {
			return rec, row.Fail("priority", "«%s» — приоритет не сопоставлен (Низкий, Нормальный, Высокий, Срочный, Немедленный)", row.Get("priority"))
		}
		rec.Priority = p
		rec.Impact, rec.Urgency = levelsOf(p)
		var err error
		if rec.Created, err = parseTime(row.Get("created"), loc); err != nil {
			return rec, row.Fail("created", "%v", err)
		}
		updated, err := parseTime(row.Get("updated"), loc)
		if err != nil {
			return rec, row.Fail("updated", "%v", err)
		}
		if rec.Closed, err = parseTime(row.Get("closed"), loc); err != nil {
			return rec, row.Fail("closed", "%v", err)
		}
		if rec.State == ticket.Resolved || rec.State == ticket.Closed {
			rec.Resolved = rec.Closed
			if rec.Resolved.IsZero() {
				rec.Resolved = updated
			}
		}
		if rec.State == ticket.Resolved {
			rec.Closed = rec.Resolved
		}
		if err := o.check(row, &rec, cols); err != nil {
			return rec, err
		}
		return rec, nil
	})
}
