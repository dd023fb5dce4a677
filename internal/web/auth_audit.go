package web

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/store"
)

// auditZone shows audit times in Moscow time (UTC+3 all year since 2014).
var auditZone = time.FixedZone("MSK", 3*60*60)

// auditLimit bounds one page or export of the audit logs.
const auditLimit = 1000

// auditQuery is what the audit page and exports read from a request.
type auditQuery struct {
	unit  string // data-value changes of this unit only ("" = whole scope)
	limit int
}

func (s *Server) parseAuditQuery(w http.ResponseWriter, r *http.Request, p *auth.Principal) (auditQuery, bool) {
	q := auditQuery{limit: 200}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > auditLimit {
			problem(w, r, http.StatusBadRequest, fmt.Sprintf("limit must be 1 to %d", auditLimit))
			return q, false
		}
		q.limit = n
	}
	if v := r.URL.Query().Get("orgunit"); v != "" {
		u, ok := s.cat.Hierarchy().Lookup(v)
		if !ok {
			problem(w, r, http.StatusNotFound, fmt.Sprintf("unknown organisation unit %q", v))
			return q, false
		}
		if !s.auth().service().InScope(p, u.Code) {
			problem(w, r, http.StatusForbidden, fmt.Sprintf("%s lies outside your scope %s", u.Code, p.Scope))
			return q, false
		}
		q.unit = u.Code
	}
	return q, true
}

// valueAudit reads data-value changes within the caller's scope.
func (s *Server) valueAudit(r *http.Request, p *auth.Principal, q auditQuery) ([]store.AuditEntry, error) {
	if q.unit != "" {
		return s.cat.Store.Audit(r.Context(), q.unit, q.limit)
	}
	if root, ok := s.cat.Hierarchy().Root(); ok && root.Code == p.Scope {
		return s.cat.Store.Audit(r.Context(), "", q.limit)
	}
	// A narrower scope: filter the newest changes; the store has no
	// hierarchy to filter by.
	all, err := s.cat.Store.Audit(r.Context(), "", 50*auditLimit)
	if err != nil {
		return nil, err
	}
	svc := s.auth().service()
	out := make([]store.AuditEntry, 0, q.limit)
	for _, e := range all {
		if len(out) == q.limit {
			break
		}
		if svc.InScope(p, e.OrgUnit) {
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

var auditTmpl = template.Must(template.Must(authTmpl.Clone()).New("audit").Parse(`{{template "head" .}}
<style>main{max-width:72rem}table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{padding:.25rem .5rem;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}</style>
<h1>Журнал аудита</h1>
<form method="get" action="/audit"><label for="orgunit">Организационная единица (код)</label>
<input id="orgunit" name="orgunit" value="{{.Unit}}"><button type="submit">Показать</button></form>
<h2>Изменения данных</h2>
<p>Выгрузка: <a href="/api/v1/audit/values?format=csv{{if .Unit}}&amp;orgunit={{.Unit}}{{end}}">CSV</a>, <a href="/api/v1/audit/values{{if .Unit}}?orgunit={{.Unit}}{{end}}">JSON</a></p>
<table><thead><tr><th scope="col">Время (МСК)</th><th scope="col">Кто</th><th scope="col">Источник</th><th scope="col">Показатель</th><th scope="col">Период</th><th scope="col">Единица</th><th scope="col">Было</th><th scope="col">Стало</th></tr></thead>
<tbody>{{range .Values}}<tr><td>{{.At}}</td><td>{{.Actor}}</td><td>{{.Source}}</td><td>{{.DataElement}}</td><td>{{.Period}}</td><td>{{.OrgUnit}}</td><td class="n">{{.Old}}</td><td class="n">{{.New}}</td></tr>
{{else}}<tr><td colspan="8">Изменений нет.</td></tr>{{end}}</tbody></table>
{{if .Security}}<h2>События безопасности</h2>
<p>Выгрузка: <a href="/api/v1/audit/security?format=csv">CSV</a>, <a href="/api/v1/audit/security">JSON</a></p>
<table><thead><tr><th scope="col">Время (МСК)</th><th scope="col">Событие</th><th scope="col">Кто</th><th scope="col">Объект</th><th scope="col">IP</th><th scope="col">Подробности</th></tr></thead>
<tbody>{{range .Security}}<tr><td>{{.At}}</td><td>{{.Event}}</td><td>{{.Actor}}</td><td>{{.Subject}}</td><td>{{.IP}}</td><td>{{.Detail}}</td></tr>{{end}}</tbody></table>{{end}}
<p><a href="/account">Учётная запись</a></p>
</main></body></html>`))

type auditValueRow struct {
	At, Actor, Source, DataElement, Period, OrgUnit, Old, New string
}

type auditSecurityRow struct {
	At, Event, Actor, Subject, IP, Detail string
}

func ruNumber(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
}

func valueRows(es []store.AuditEntry) []auditValueRow {
	out := make([]auditValueRow, len(es))
	for i, e := range es {
		old := "—"
		if e.Old != nil {
			old = ruNumber(*e.Old)
		}
		out[i] = auditValueRow{e.At.In(auditZone).Format("02.01.2006 15:04:05"), e.Actor, e.Source, e.DataElement, e.Period, e.OrgUnit, old, ruNumber(e.New)}
	}
	return out
}

func securityRows(es []auth.AuditEvent) []auditSecurityRow {
	out := make([]auditSecurityRow, len(es))
	for i, e := range es {
		out[i] = auditSecurityRow{e.At.In(auditZone).Format("02.01.2006 15:04:05"), e.Event, e.Actor, e.Subject, e.IP, e.Detail}
	}
	return out
}

// auditPage is GET /audit: data-value changes in the caller's scope and,
// for national scopes, the security log.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	q, ok := s.parseAuditQuery(w, r, p)
	if !ok {
		return
	}
	vals, err := s.valueAudit(r, p, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := struct {
		Title, Unit string
		Values      []auditValueRow
		Security    []auditSecurityRow
	}{Title: "Журнал аудита", Unit: q.unit, Values: valueRows(vals)}
	if s.nationalScope(p) {
		evs, err := s.auth().service().AuditLog(r.Context(), q.limit)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		view.Security = securityRows(evs)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	_ = auditTmpl.ExecuteTemplate(w, "audit", view)
}

// auditValuesExport is GET /api/v1/audit/values (JSON, or CSV with
// ?format=csv).
func (s *Server) auditValuesExport(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	q, ok := s.parseAuditQuery(w, r, p)
	if !ok {
		return
	}
	vals, err := s.valueAudit(r, p, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type row struct {
		At          time.Time `json:"changed_at"`
		Actor       string    `json:"actor"`
		Source      string    `json:"source"`
		DataElement string    `json:"data_element"`
		Period      string    `json:"period"`
		OrgUnit     string    `json:"org_unit"`
		Old         *float64  `json:"old_value"`
		New         float64   `json:"new_value"`
	}
	if r.URL.Query().Get("format") == "csv" {
		writeCSV(w, "audit-values.csv", []string{"changed_at", "actor", "source", "data_element", "period", "org_unit", "old_value", "new_value"}, len(vals), func(i int) []string {
			e := vals[i]
			old := ""
			if e.Old != nil {
				old = strconv.FormatFloat(*e.Old, 'f', -1, 64)
			}
			return []string{e.At.UTC().Format(time.RFC3339), e.Actor, e.Source, e.DataElement, e.Period, e.OrgUnit, old, strconv.FormatFloat(e.New, 'f', -1, 64)}
		})
		return
	}
	out := make([]row, len(vals))
	for i, e := range vals {
		out[i] = row{e.At.UTC(), e.Actor, e.Source, e.DataElement, e.Period, e.OrgUnit, e.Old, e.New}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, out)
}

// auditSecurityExport is GET /api/v1/audit/security (JSON, or CSV with
// ?format=csv); national scopes only.
func (s *Server) auditSecurityExport(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	if !s.nationalScope(p) {
		problem(w, r, http.StatusForbidden, "the security log is open to national scopes only")
		return
	}
	q, ok := s.parseAuditQuery(w, r, p)
	if !ok {
		return
	}
	evs, err := s.auth().service().AuditLog(r.Context(), q.limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		writeCSV(w, "audit-security.csv", []string{"at", "event", "actor", "subject", "ip", "detail"}, len(evs), func(i int) []string {
			e := evs[i]
			return []string{e.At.UTC().Format(time.RFC3339), e.Event, e.Actor, e.Subject, e.IP, e.Detail}
		})
		return
	}
	type row struct {
		At      time.Time `json:"at"`
		Event   string    `json:"event"`
		Actor   string    `json:"actor"`
		Subject string    `json:"subject,omitempty"`
		IP      string    `json:"ip,omitempty"`
		Detail  string    `json:"detail,omitempty"`
	}
	out := make([]row, len(evs))
	for i, e := range evs {
		out[i] = row{e.At.UTC(), e.Event, e.Actor, e.Subject, e.IP, e.Detail}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, out)
}

// writeCSV sends n records as a CSV attachment, cells made safe by csvSafe.
func writeCSV(w http.ResponseWriter, name string, header []string, n int, record func(int) []string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	_ = cw.Write(header)
	for i := range n {
		rec := record(i)
		for j, c := range rec {
			rec[j] = csvSafe(c)
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
}

// csvSafe prefixes ' to a cell a spreadsheet would run as a formula (one
// starting with = + - @, tab or CR), except plain numbers: logins and
// details come from users.
func csvSafe(c string) string {
	if c == "" || !strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		return c
	}
	if _, err := strconv.ParseFloat(c, 64); err == nil && c[0] == '-' {
		return c
	}
	return "'" + c
}
