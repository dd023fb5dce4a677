package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/web/response"
)

// auditLimit bounds one page or export of the audit logs.
const auditLimit = 1000

// auditWindow is how many of the newest rows a filtered read scans: the
// store filters value and security logs by unit at most, so narrower
// filters (scope subtree, actor, dates…) are applied here, to this window.
const auditWindow = 50 * auditLimit

// Kinds of audit log, for ?kind= on the page.
const (
	kindValues        = "values"
	kindApprovals     = "approvals"
	kindSecurity      = "security"
	kindMethodologies = "methodologies"
)

// auditQuery is what the audit page and exports read from a request. Each
// log applies the filters it has fields for: unit, data set and period
// concern values and approvals; actor and dates concern every log.
type auditQuery struct {
	unit     string // this unit and the units below it ("" = whole scope)
	actor    string // compared case-insensitively
	dataSet  string // approvals of it; value changes of its data elements
	elements map[string]bool
	period   string    // canonical id
	from, to time.Time // [from, to), UTC; zero = open
	kind     string    // "" = every log (page only)
	limit    int

	// As typed, for the form.
	form struct{ Unit, Actor, DataSet, Period, From, To, Kind string }
}

func (q auditQuery) actorIs(a string) bool { return q.actor == "" || strings.EqualFold(a, q.actor) }

func (q auditQuery) inDates(t time.Time) bool {
	return (q.from.IsZero() || !t.Before(q.from)) && (q.to.IsZero() || t.Before(q.to))
}

// encode is the query for export links: the filters, not the kind.
func (q auditQuery) encode(format string) string {
	v := url.Values{}
	for _, kv := range [][2]string{{"orgunit", q.unit}, {"actor", q.actor}, {"dataset", q.dataSet}, {"period", q.period},
		{"from", q.form.From}, {"to", q.form.To}, {"format", format}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if q.limit != 200 {
		v.Set("limit", strconv.Itoa(q.limit))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// auditError is a refused filter: English for the API, Russian for the page.
type auditError struct {
	status int
	en, ru string
}

func (s *Server) parseAuditQuery(r *http.Request, p *auth.Principal) (auditQuery, *auditError) {
	q := auditQuery{limit: 200}
	get := func(k string) string { return strings.TrimSpace(r.URL.Query().Get(k)) }
	q.form.Unit, q.form.Actor, q.form.DataSet, q.form.Period = get("orgunit"), get("actor"), get("dataset"), get("period")
	q.form.From, q.form.To, q.form.Kind = get("from"), get("to"), get("kind")
	bad := func(en, ru string) (auditQuery, *auditError) {
		return q, &auditError{http.StatusBadRequest, en, ru}
	}
	if v := get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > auditLimit {
			return bad(fmt.Sprintf("limit must be 1 to %d", auditLimit), fmt.Sprintf("Число строк должно быть от 1 до %d.", auditLimit))
		}
		q.limit = n
	}
	if v := q.form.Unit; v != "" {
		u, ok := s.cat.Hierarchy().Lookup(v)
		if !ok {
			return q, &auditError{http.StatusNotFound, fmt.Sprintf("unknown organisation unit %q", v), fmt.Sprintf("Организационная единица «%s» не найдена.", v)}
		}
		if !s.auth().service().InScope(p, u.Code) {
			return q, &auditError{http.StatusForbidden, fmt.Sprintf("%s lies outside your scope %s", u.Code, p.Scope),
				fmt.Sprintf("Единица %s вне вашей зоны доступа (%s).", u.Code, p.Scope)}
		}
		q.unit = u.Code
	}
	q.actor = q.form.Actor
	if v := q.form.DataSet; v != "" {
		d, ok := s.dataSet(v)
		if !ok {
			return q, &auditError{http.StatusNotFound, fmt.Sprintf("unknown data set %q", v), fmt.Sprintf("Набор данных «%s» не найден.", v)}
		}
		q.dataSet = d.DS.ID
		q.elements = map[string]bool{}
		for _, de := range d.DS.DataElements {
			q.elements[de] = true
		}
	}
	if v := q.form.Period; v != "" {
		pe, err := period.Parse(v)
		if err != nil {
			return bad(fmt.Sprintf("period: %v", err), fmt.Sprintf("Период «%s» не распознан: пишите, например, 2021Q1, 202103 или 2021.", v))
		}
		q.period = pe.String()
	}
	// Dates are Moscow days, as the page shows times; to is inclusive.
	for _, d := range []struct {
		v, name string
		t       *time.Time
		next    bool
	}{{q.form.From, "from", &q.from, false}, {q.form.To, "to", &q.to, true}} {
		if d.v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.v, rufmt.Moscow())
		if err != nil {
			return bad(d.name+" must be a date written as YYYY-MM-DD", "Дата «"+d.v+"» не распознана: нужен формат ГГГГ-ММ-ДД.")
		}
		if d.next {
			t = t.AddDate(0, 0, 1)
		}
		*d.t = t.UTC()
	}
	if !q.from.IsZero() && !q.to.IsZero() && !q.from.Before(q.to) {
		return bad("from must not be after to", "Начальная дата позже конечной.")
	}
	switch q.form.Kind {
	case "", kindValues, kindApprovals, kindSecurity, kindMethodologies:
		q.kind = q.form.Kind
	default:
		return bad("kind must be values, approvals, security or methodologies", "Неизвестный вид журнала.")
	}
	return q, nil
}

// parseAuditExport is parseAuditQuery for the exports, which answer a
// refused filter with a problem.
func (s *Server) parseAuditExport(w http.ResponseWriter, r *http.Request, p *auth.Principal) (auditQuery, bool) {
	q, e := s.parseAuditQuery(r, p)
	if e != nil {
		response.Error(w, r, e.status, e.en)
		return q, false
	}
	return q, true
}

// inView reports whether a unit's events are shown: within the filter's
// subtree, or within the caller's scope when no unit is chosen (q.unit is
// in scope already).
func (s *Server) inView(p *auth.Principal, q auditQuery, national bool, unit string) bool {
	if q.unit != "" {
		return s.cat.Hierarchy().IsDescendant(unit, q.unit)
	}
	return national || s.auth().service().InScope(p, unit)
}

// valueAudit reads data-value changes within the caller's scope.
func (s *Server) valueAudit(r *http.Request, p *auth.Principal, q auditQuery) ([]store.AuditEntry, error) {
	national := s.nationalScope(p)
	exact := "" // the store filters one unit exactly: enough for a leaf
	if q.unit != "" && len(s.cat.Hierarchy().Children(q.unit)) == 0 {
		exact = q.unit
	}
	fetch := q.limit
	if (q.unit == "" && !national) || (q.unit != "" && exact == "") || q.actor != "" || q.dataSet != "" || q.period != "" || !q.from.IsZero() || !q.to.IsZero() {
		fetch = auditWindow
	}
	all, err := s.cat.ValueAudit(r.Context(), exact, fetch)
	if err != nil {
		return nil, err
	}
	out := make([]store.AuditEntry, 0, min(q.limit, len(all)))
	for _, e := range all {
		if len(out) == q.limit {
			break
		}
		if !s.inView(p, q, national, e.OrgUnit) || !q.actorIs(e.Actor) || (q.elements != nil && !q.elements[e.DataElement]) ||
			(q.period != "" && e.Period != q.period) || !q.inDates(e.At) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// approvalAudit reads approval steps of units within the caller's scope,
// and the period closings, which concern every unit.
func (s *Server) approvalAudit(r *http.Request, p *auth.Principal, q auditQuery) ([]store.ApprovalEvent, error) {
	national := s.nationalScope(p)
	f := store.ApprovalFilter{DataSet: q.dataSet, Period: q.period, Limit: q.limit}
	if !national || q.unit != "" || q.actor != "" || !q.from.IsZero() || !q.to.IsZero() {
		f.Limit = auditWindow
	}
	evs, err := s.cat.ApprovalHistory(r.Context(), f)
	if err != nil {
		return nil, err
	}
	out := make([]store.ApprovalEvent, 0, min(q.limit, len(evs)))
	for _, e := range evs {
		if len(out) == q.limit {
			break
		}
		if (e.OrgUnit != "" && !s.inView(p, q, national, e.OrgUnit)) || !q.actorIs(e.Actor) || !q.inDates(e.At) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// methodologyAudit lists stored methodology versions, newest load first.
// They concern every unit, so unit, data set and period do not filter them.
func (s *Server) methodologyAudit(r *http.Request, q auditQuery) ([]store.MethodologyVersion, error) {
	all, err := s.cat.MethodologyVersions(r.Context(), "")
	if err != nil {
		return nil, err
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].LoadedAt.After(all[j].LoadedAt) })
	var out []store.MethodologyVersion
	for _, m := range all {
		if len(out) == q.limit {
			break
		}
		if q.actorIs(m.LoadedBy) && q.inDates(m.LoadedAt) {
			out = append(out, m)
		}
	}
	return out, nil
}

// securityAudit reads the security log (national scopes only, checked by
// the callers). The actor filter also matches the account acted on, so
// that filtering by a login shows its logins and the changes made to it.
func (s *Server) securityAudit(r *http.Request, q auditQuery) ([]auth.AuditEvent, error) {
	fetch := q.limit
	if q.actor != "" || !q.from.IsZero() || !q.to.IsZero() {
		fetch = auditWindow
	}
	all, err := s.auth().service().AuditLog(r.Context(), fetch)
	if err != nil {
		return nil, err
	}
	out := make([]auth.AuditEvent, 0, min(q.limit, len(all)))
	for _, e := range all {
		if len(out) == q.limit {
			break
		}
		if (q.actorIs(e.Actor) || (e.Subject != "" && q.actorIs(e.Subject))) && q.inDates(e.At) {
			out = append(out, e)
		}
	}
	return out, nil
}

// nationalScope: the security log concerns accounts everywhere, so only
// callers scoped to the whole country read it.
func (s *Server) nationalScope(p *auth.Principal) bool {
	root, ok := s.cat.Hierarchy().Root()
	return ok && p.Scope == root.Code
}
