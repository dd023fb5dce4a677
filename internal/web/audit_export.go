package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"github.com/cifra-health/cifra/internal/web/response"
)

// bodySHA identifies a methodology file as loaded, so that an auditor can
// match it against a copy.
func bodySHA(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// auditValuesExport is GET /api/v1/audit/values (JSON, or CSV with
// ?format=csv).
func (s *Server) auditValuesExport(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	q, ok := s.parseAuditExport(w, r, p)
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
		response.CSV(w, "audit-values.csv", []string{"changed_at", "actor", "source", "data_element", "period", "org_unit", "old_value", "new_value"}, len(vals), func(i int) []string {
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
	response.JSON(w, out)
}

// auditApprovalsExport is GET /api/v1/audit/approvals (JSON, or CSV with
// ?format=csv): approval steps of units in scope and period closings.
func (s *Server) auditApprovalsExport(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	q, ok := s.parseAuditExport(w, r, p)
	if !ok {
		return
	}
	evs, err := s.approvalAudit(r, p, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		response.CSV(w, "audit-approvals.csv", []string{"at", "actor", "action", "data_set", "org_unit", "period", "from_state", "to_state", "reason"}, len(evs), func(i int) []string {
			e := evs[i]
			return []string{e.At.UTC().Format(time.RFC3339), e.Actor, string(e.Action), e.DataSet, e.OrgUnit, e.Period, string(e.From), string(e.To), e.Reason}
		})
		return
	}
	type row struct {
		At      time.Time `json:"at"`
		Actor   string    `json:"actor"`
		Action  string    `json:"action"`
		DataSet string    `json:"data_set,omitempty"` // empty for a period closing
		OrgUnit string    `json:"org_unit,omitempty"` // empty for a period closing
		Period  string    `json:"period"`
		From    string    `json:"from_state,omitempty"`
		To      string    `json:"to_state,omitempty"`
		Reason  string    `json:"reason,omitempty"`
	}
	out := make([]row, len(evs))
	for i, e := range evs {
		out[i] = row{e.At.UTC(), e.Actor, string(e.Action), e.DataSet, e.OrgUnit, e.Period, string(e.From), string(e.To), e.Reason}
	}
	w.Header().Set("Cache-Control", "no-store")
	response.JSON(w, out)
}

// auditMethodologiesExport is GET /api/v1/audit/methodologies (JSON, or
// CSV with ?format=csv): every stored methodology version, newest load
// first, with the SHA-256 of its file (the file itself is at
// /api/v1/methodologies/{id}).
func (s *Server) auditMethodologiesExport(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	q, ok := s.parseAuditExport(w, r, p)
	if !ok {
		return
	}
	ms, err := s.methodologyAudit(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		response.CSV(w, "audit-methodologies.csv", []string{"loaded_at", "loaded_by", "id", "version", "name", "source", "sha256"}, len(ms), func(i int) []string {
			m := ms[i]
			return []string{m.LoadedAt.UTC().Format(time.RFC3339), m.LoadedBy, m.ID, m.Version, m.Name, m.Source, bodySHA(m.Body)}
		})
		return
	}
	type row struct {
		At      time.Time `json:"loaded_at"`
		By      string    `json:"loaded_by"`
		ID      string    `json:"id"`
		Version string    `json:"version"`
		Name    string    `json:"name"`
		Source  string    `json:"source"`
		SHA     string    `json:"sha256"`
	}
	out := make([]row, len(ms))
	for i, m := range ms {
		out[i] = row{m.LoadedAt.UTC(), m.LoadedBy, m.ID, m.Version, m.Name, m.Source, bodySHA(m.Body)}
	}
	w.Header().Set("Cache-Control", "no-store")
	response.JSON(w, out)
}

// auditSecurityExport is GET /api/v1/audit/security (JSON, or CSV with
// ?format=csv); national scopes only.
func (s *Server) auditSecurityExport(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	if !s.nationalScope(p) {
		response.Error(w, r, http.StatusForbidden, "the security log is open to national scopes only")
		return
	}
	q, ok := s.parseAuditExport(w, r, p)
	if !ok {
		return
	}
	evs, err := s.securityAudit(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		response.CSV(w, "audit-security.csv", []string{"at", "event", "actor", "subject", "ip", "detail"}, len(evs), func(i int) []string {
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
	response.JSON(w, out)
}
