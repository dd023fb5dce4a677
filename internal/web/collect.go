package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/web/response"
	"github.com/cifra-health/cifra/internal/web/view"
	"github.com/cifra-health/cifra/internal/workflow"
)

// workNav lists the data-collection pages the caller's role can use.
func workNav(p *auth.Principal, active string) []view.NavLink {
	var out []view.NavLink
	add := func(href, label, key string) {
		out = append(out, view.NavLink{Href: href, Label: label, Active: key == active})
	}
	if p.Can(auth.WriteData) {
		add("/entry", "Ввод данных", "entry")
	}
	if p.Can(auth.ReadData) {
		add("/workflow", "Согласование", "workflow")
		add("/checks", "Проверки", "checks")
	}
	if p.Can(auth.ReadAudit) {
		add("/audit", "Аудит", "audit")
	}
	return out
}

// lastDay turns a due moment (midnight after the last day) into a time on
// the last day, which is what people call the deadline.
func lastDay(due time.Time) time.Time { return due.Add(-time.Second) }

// workLayout is the layout of a signed-in page (no rating context).
func workLayout(title string) view.Layout { return view.Layout{Title: title} }

// dataSetRef is a data set with the methodology that defines it (and its
// validation rules).
type dataSetRef struct {
	M  *method.Methodology
	DS *method.DataSet
}

// dataSets lists every data set of the loaded methodologies
// (catalog.DataSets).
func (s *Server) dataSets() []dataSetRef {
	var out []dataSetRef
	for _, d := range s.cat.DataSets() {
		out = append(out, dataSetRef{d.M, d.DS})
	}
	return out
}

func (s *Server) dataSet(id string) (dataSetRef, bool) {
	for _, d := range s.dataSets() {
		if d.DS.ID == id {
			return d, true
		}
	}
	return dataSetRef{}, false
}

// rules are the validation rules a form of this data set can satisfy.
func (d dataSetRef) rules() []method.ValidationRule { return workflow.DataSetRules(d.M, d.DS) }

// element is a data element's display name and unit.
func (d dataSetRef) element(id string) (name, unit string) {
	if de, ok := d.M.DataElement(id); ok {
		return de.Name, de.Unit
	}
	return id, ""
}

// reportingUnits are the units under root (root included) that report the
// data set, in the hierarchy's order.
func (s *Server) reportingUnits(ds *method.DataSet, root string) []*orgunit.Unit {
	lvl, err := orgunit.ParseLevel(ds.Level)
	if err != nil {
		return nil
	}
	h := s.cat.Hierarchy()
	ru, ok := h.Get(root)
	if !ok {
		return nil
	}
	switch {
	case ru.Level == lvl:
		return []*orgunit.Unit{ru}
	case ru.Level > lvl:
		return nil // a department's operator reports nothing on its own
	}
	var out []*orgunit.Unit
	for _, u := range h.Descendants(root) {
		if u.Level == lvl {
			out = append(out, u)
		}
	}
	return out
}

// parseDataSetPeriod accepts a period id of the data set's type.
func parseDataSetPeriod(ds *method.DataSet, id string) (period.Period, error) {
	p, err := period.Parse(id)
	if err != nil {
		return p, err
	}
	if p.Type() != ds.PeriodType {
		return period.Period{}, fmt.Errorf("the data set is reported %s, %s is not such a period", ds.PeriodType, id)
	}
	return p, nil
}

// recentPeriods are the data set's periods a user is likely to need: the
// current one and the four before it, newest first, then older periods
// that hold data.
func (s *Server) recentPeriods(ctx context.Context, ds *method.DataSet) ([]period.Period, error) {
	cur := period.Of(s.now().In(rufmt.Moscow()), ds.PeriodType)
	out := []period.Period{cur}
	for p := cur.Prev(); len(out) < 5; p = p.Prev() {
		out = append(out, p)
	}
	stored, err := s.cat.DataPeriods(ctx)
	if err != nil {
		return nil, err
	}
	for i := len(stored) - 1; i >= 0 && len(out) < 13; i-- {
		if p := stored[i]; p.Type() == ds.PeriodType && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// defaultPeriod is the latest period whose deadline has come: the one
// being reported now.
func (s *Server) defaultPeriod(ds *method.DataSet) period.Period {
	return period.Of(s.now().In(rufmt.Moscow()), ds.PeriodType).Prev()
}

// unitValues reads the data set's values of the units for exactly period p
// (store.DataSetValues).
func (s *Server) unitValues(ctx context.Context, ds *method.DataSet, units []string, p period.Period) (map[string]workflow.Values, map[string]map[string]string, error) {
	return s.cat.DataSetValues(ctx, ds.DataElements, units, p)
}

// queryRoot reads ?orgunit=, which must lie in the caller's scope (403
// otherwise); without it the caller's whole scope.
func (s *Server) queryRoot(w http.ResponseWriter, r *http.Request, p *auth.Principal) (string, bool) {
	code := strings.TrimSpace(r.URL.Query().Get("orgunit"))
	if code == "" {
		return p.Scope, true
	}
	u, ok := s.cat.Hierarchy().Lookup(code)
	if !ok {
		s.workMessage(w, r, p, http.StatusNotFound, "Нет такой организационной единицы", fmt.Sprintf("Код «%s» не найден в справочнике.", code))
		return "", false
	}
	if !s.auth().service().InScope(p, u.Code) {
		s.workMessage(w, r, p, http.StatusForbidden, "Нет доступа", fmt.Sprintf("«%s» не входит в вашу область доступа.", u.Name))
		return "", false
	}
	return u.Code, true
}

// pickDataSet reads ?dataset= (default: the first data set with reporting
// units in the scope).
func (s *Server) pickDataSet(w http.ResponseWriter, r *http.Request, p *auth.Principal, root string) (dataSetRef, bool) {
	id := r.URL.Query().Get("dataset")
	if id == "" {
		all := s.dataSets()
		for _, d := range all {
			if len(s.reportingUnits(d.DS, root)) > 0 {
				return d, true
			}
		}
		if len(all) > 0 {
			return all[0], true
		}
		s.workMessage(w, r, p, http.StatusNotFound, "Нет форм отчётности", "Ни одна загруженная методика не описывает формы сбора данных.")
		return dataSetRef{}, false
	}
	d, ok := s.dataSet(id)
	if !ok {
		s.workMessage(w, r, p, http.StatusNotFound, "Нет такой формы", fmt.Sprintf("Форма отчётности «%s» не найдена.", id))
	}
	return d, ok
}

// pickPeriod reads ?period= (default: the period being reported now).
func (s *Server) pickPeriod(w http.ResponseWriter, r *http.Request, p *auth.Principal, ds *method.DataSet) (period.Period, bool) {
	id := r.URL.Query().Get("period")
	if id == "" {
		return s.defaultPeriod(ds), true
	}
	pe, err := parseDataSetPeriod(ds, id)
	if err != nil {
		s.workMessage(w, r, p, http.StatusBadRequest, "Неверный период", fmt.Sprintf("«%s» не является периодом формы «%s» (%s).", id, ds.Name, periodTypeLabel(ds.PeriodType)))
		return pe, false
	}
	return pe, true
}

func periodTypeLabel(t period.Type) string {
	switch t {
	case period.Monthly:
		return "ежемесячно"
	case period.Quarterly:
		return "ежеквартально"
	case period.Yearly:
		return "ежегодно"
	}
	return t.String()
}

// messageView is a short page: an error or a notice.
type messageView struct {
	view.Layout
	WorkNav []view.NavLink
	Heading string
	Text    string
}

func (s *Server) workMessage(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, heading, text string) {
	v := messageView{Layout: workLayout(heading), Heading: heading, Text: text}
	if p != nil {
		v.WorkNav = workNav(p, "")
	}
	s.renderWork(w, r, status, "workflow_message", v)
}

// renderWork renders a page of unpublished data: never cached, never framed.
func (s *Server) renderWork(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := s.views.Page(name)
	if !ok {
		response.Error(w, r, http.StatusInternalServerError, "no template "+name)
		return
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		response.Error(w, r, http.StatusInternalServerError, "render "+name+": "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// historyRow is one line of the approval history.
type historyRow struct {
	When                               string // Moscow time
	DataSet, OrgUnit, UnitName, Period string
	Action, From, To, Actor, Reason    string
}

// workPick is what the workflow and checks pages share: the data-set and
// period selectors, the unit the page is about and the query that keeps
// them on links to the sibling page.
type workPick struct {
	DataSets []view.Option
	Periods  []view.Option
	PeriodID string
	PLabel   string
	Root     string
	RootName string
	Back     template.URL // ?dataset=…&period=…&orgunit=…
}

// workSelect reads the unit (in the caller's scope), data set and period a
// workflow or checks page is about, answering the request itself and
// returning false when one is wrong.
func (s *Server) workSelect(w http.ResponseWriter, r *http.Request) (*auth.Principal, dataSetRef, period.Period, workPick, bool) {
	p := principalFrom(r.Context())
	root, ok := s.queryRoot(w, r, p)
	if !ok {
		return p, dataSetRef{}, period.Period{}, workPick{}, false
	}
	d, ok := s.pickDataSet(w, r, p, root)
	if !ok {
		return p, d, period.Period{}, workPick{}, false
	}
	pe, ok := s.pickPeriod(w, r, p, d.DS)
	if !ok {
		return p, d, pe, workPick{}, false
	}
	pick, err := s.workPick(r.Context(), r, d.DS, pe, root)
	if err != nil {
		s.fail(w, r, err)
		return p, d, pe, pick, false
	}
	return p, d, pe, pick, true
}

func (s *Server) workPick(ctx context.Context, r *http.Request, ds *method.DataSet, pe period.Period, root string) (workPick, error) {
	k := workPick{PeriodID: pe.String(), PLabel: pe.Label(), Root: root}
	if u, ok := s.cat.Hierarchy().Get(root); ok {
		k.RootName = u.Name
	}
	q := url.Values{"dataset": {ds.ID}, "period": {k.PeriodID}}
	if r.URL.Query().Get("orgunit") != "" {
		q.Set("orgunit", root)
	}
	k.Back = template.URL("?" + q.Encode())
	for _, o := range s.dataSets() {
		k.DataSets = append(k.DataSets, view.Option{Value: o.DS.ID, Label: o.DS.Name, Selected: o.DS.ID == ds.ID})
	}
	ps, err := s.recentPeriods(ctx, ds)
	if err != nil {
		return k, err
	}
	if !slices.Contains(ps, pe) {
		ps = append([]period.Period{pe}, ps...)
	}
	for _, x := range ps {
		k.Periods = append(k.Periods, view.Option{Value: x.String(), Label: x.Label(), Selected: x == pe})
	}
	return k, nil
}

// history reads the approval history within root (period closings, which
// concern no unit, included).
func (s *Server) history(ctx context.Context, p *auth.Principal, f store.ApprovalFilter, root string, limit int) ([]historyRow, error) {
	f.Limit = 50 * limit // a narrow scope filters the newest rows below
	evs, err := s.cat.ApprovalHistory(ctx, f)
	if err != nil {
		return nil, err
	}
	h := s.cat.Hierarchy()
	var out []historyRow
	for _, e := range evs {
		if len(out) == limit {
			break
		}
		row := historyRow{When: rufmt.DateTime(e.At), DataSet: e.DataSet, OrgUnit: e.OrgUnit, Period: e.Period, Action: e.Action.Label(),
			From: e.From.Label(), To: e.To.Label(), Actor: e.Actor, Reason: e.Reason}
		if e.OrgUnit != "" {
			if !h.IsDescendant(e.OrgUnit, root) || !s.auth().service().InScope(p, e.OrgUnit) {
				continue
			}
			if u, ok := h.Get(e.OrgUnit); ok {
				row.UnitName = u.Name
			}
		}
		if e.From == "" {
			row.From = ""
		}
		if e.To == "" {
			row.To = ""
		}
		out = append(out, row)
	}
	return out, nil
}
