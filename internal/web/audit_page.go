package web

import (
	"html/template"
	"net/http"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/store"
)

// The audit logs, all append-only in the store: data-value changes
// (data_value_audit), approval steps (approval_audit), methodology versions
// (methodologies) and security events (security_audit). GET /audit shows
// them with shared filters; each has an export.

type auditValueRow struct {
	At, Actor, Source, DataElement, Period, OrgUnit, Old, New string
}

type auditSecurityRow struct {
	At, Event, Actor, Subject, IP, Detail string
}

type auditApprovalRow struct {
	At, Actor, Action, DataSet, OrgUnit, Period, From, To, Reason string
}

type auditMethodologyRow struct {
	At, By, ID, Version, Name, Source, SHA string
}

func valueRows(es []store.AuditEntry) []auditValueRow {
	out := make([]auditValueRow, len(es))
	for i, e := range es {
		old := "—"
		if e.Old != nil {
			old = rufmt.Number(*e.Old, -1)
		}
		out[i] = auditValueRow{rufmt.Timestamp(e.At), e.Actor, e.Source, e.DataElement, e.Period, e.OrgUnit, old, rufmt.Number(e.New, -1)}
	}
	return out
}

func securityRows(es []auth.AuditEvent) []auditSecurityRow {
	out := make([]auditSecurityRow, len(es))
	for i, e := range es {
		out[i] = auditSecurityRow{rufmt.Timestamp(e.At), e.Event, e.Actor, e.Subject, e.IP, e.Detail}
	}
	return out
}

func approvalRows(es []store.ApprovalEvent) []auditApprovalRow {
	out := make([]auditApprovalRow, len(es))
	for i, e := range es {
		row := auditApprovalRow{At: rufmt.Timestamp(e.At), Actor: e.Actor, Action: e.Action.Label(), DataSet: e.DataSet, OrgUnit: e.OrgUnit, Period: e.Period, Reason: e.Reason}
		if e.From != "" {
			row.From = e.From.Label()
		}
		if e.To != "" {
			row.To = e.To.Label()
		}
		out[i] = row
	}
	return out
}

func methodologyRows(ms []store.MethodologyVersion) []auditMethodologyRow {
	out := make([]auditMethodologyRow, len(ms))
	for i, m := range ms {
		out[i] = auditMethodologyRow{rufmt.Timestamp(m.LoadedAt), m.LoadedBy, m.ID, m.Version, m.Name, m.Source, bodySHA(m.Body)}
	}
	return out
}

type auditOption struct{ ID, Name string }

func auditKinds() []auditOption {
	return []auditOption{{"", "все"}, {kindValues, "изменения данных"}, {kindApprovals, "шаги согласования"},
		{kindMethodologies, "версии методик"}, {kindSecurity, "события безопасности"}}
}

// auditPage is GET /audit: the logs the caller may read, filtered. The
// security log is shown to national scopes only.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	q, qerr := s.parseAuditQuery(r, p)
	national := s.nationalScope(p)
	links := func(path string) (template.URL, template.URL) {
		// The query is built by url.Values, so it is already escaped.
		return template.URL(path + q.encode("csv")), template.URL(path + q.encode("")) //nolint:gosec // see above
	}
	view := struct {
		Title, Error                                               string
		F                                                          struct{ Unit, Actor, DataSet, Period, From, To, Kind string }
		DataSets, Kinds                                            []auditOption
		National                                                   bool
		ShowValues, ShowApprovals, ShowMethodologies, ShowSecurity bool
		Values                                                     []auditValueRow
		Approvals                                                  []auditApprovalRow
		Methodologies                                              []auditMethodologyRow
		Security                                                   []auditSecurityRow
		Links                                                      struct {
			ValuesCSV, ValuesJSON, ApprovalsCSV, ApprovalsJSON, MethodologiesCSV, MethodologiesJSON, SecurityCSV, SecurityJSON template.URL
		}
	}{Title: "Журнал аудита", F: q.form, Kinds: auditKinds(), National: national}
	for _, d := range s.dataSets() {
		view.DataSets = append(view.DataSets, auditOption{d.DS.ID, d.DS.Name})
	}
	status := http.StatusOK
	if qerr != nil {
		status, view.Error = qerr.status, qerr.ru
	} else {
		show := func(k string) bool { return q.kind == "" || q.kind == k }
		view.ShowValues, view.ShowApprovals, view.ShowMethodologies, view.ShowSecurity =
			show(kindValues), show(kindApprovals), show(kindMethodologies), show(kindSecurity)
		view.Links.ValuesCSV, view.Links.ValuesJSON = links("/api/v1/audit/values")
		view.Links.ApprovalsCSV, view.Links.ApprovalsJSON = links("/api/v1/audit/approvals")
		view.Links.MethodologiesCSV, view.Links.MethodologiesJSON = links("/api/v1/audit/methodologies")
		view.Links.SecurityCSV, view.Links.SecurityJSON = links("/api/v1/audit/security")
		if view.ShowValues {
			vals, err := s.valueAudit(r, p, q)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			view.Values = valueRows(vals)
		}
		if view.ShowApprovals {
			evs, err := s.approvalAudit(r, p, q)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			view.Approvals = approvalRows(evs)
		}
		if view.ShowMethodologies {
			ms, err := s.methodologyAudit(r, q)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			view.Methodologies = methodologyRows(ms)
		}
		if view.ShowSecurity && national {
			evs, err := s.securityAudit(r, q)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			view.Security = securityRows(evs)
		}
		// Shown to everyone only when asked for: the note that it is closed.
		view.ShowSecurity = view.ShowSecurity && (national || q.kind == kindSecurity)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := s.views.Account().ExecuteTemplate(w, "audit", view); err != nil {
		s.log.Error("render audit page", "err", err)
	}
}
