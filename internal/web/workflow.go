package web

import (
	"context"
	"errors"
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
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/web/response"
	"github.com/cifra-health/cifra/internal/workflow"
)

// The approval workflow pages of issue 4: the table of reporting units
// with their states and the actions the caller may take, the period
// closing, and the approval history. The data-entry form is entry.go, the
// checks checks.go; the helpers they share live here.

// navLink is an item of the navigation for signed-in users.
type navLink struct {
	Href, Label string
	Active      bool
}

// WorkNav is empty on the public pages: they are cached for everyone, so
// they cannot show links that depend on the caller's role. The workflow
// pages shadow it with a field of the same name.
func (Layout) WorkNav() []navLink { return nil }

// workNav lists the data-collection pages the caller's role can use.
func workNav(p *auth.Principal, active string) []navLink {
	var out []navLink
	add := func(href, label, key string) { out = append(out, navLink{href, label, key == active}) }
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
func workLayout(title string) Layout { return Layout{Title: title} }

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
	Layout
	WorkNav []navLink
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
	t, ok := s.pages[name]
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

// actionButton is an action the caller may take on one unit.
type actionButton struct {
	Action     workflow.Action
	Label      string
	NeedReason bool
	URL        string
	ID         string // unique in the page, for label/for
}

func actionLabel(a workflow.Action) string {
	switch a {
	case workflow.Submit:
		return "Отправить"
	case workflow.Approve:
		return "Утвердить"
	case workflow.Accept:
		return "Принять"
	case workflow.Return:
		return "Вернуть на доработку"
	case workflow.Reject:
		return "Отклонить"
	case workflow.Unlock:
		return "Разблокировать"
	}
	return a.Label()
}

// buttons lists the table actions role may take from state: saving is the
// form's, and submitting from the table makes sense only for a draft.
func buttons(ds, unit, periodID string, state workflow.State, role auth.Role, closed bool) []actionButton {
	var out []actionButton
	for _, a := range workflow.Allowed(state, role, closed) {
		if a == workflow.Save || (a == workflow.Submit && state != workflow.Draft) {
			continue
		}
		out = append(out, actionButton{Action: a, Label: actionLabel(a), NeedReason: workflow.Table[a].NeedReason,
			URL: "/workflow/" + url.PathEscape(ds) + "/" + url.PathEscape(unit) + "/" + url.PathEscape(periodID) + "/" + string(a),
			ID:  string(a) + "-" + unit})
	}
	return out
}

// workflowRow is one reporting unit in the workflow table.
type workflowRow struct {
	Code, Name  string
	State       workflow.State
	Actor       string
	ChangedAt   time.Time
	SubmittedAt time.Time
	Timeliness  workflow.Timeliness
	Reason      string
	FormURL     string
	Buttons     []actionButton
}

// historyRow is one line of the approval history.
type historyRow struct {
	When                               string // Moscow time
	DataSet, OrgUnit, UnitName, Period string
	Action, From, To, Actor, Reason    string
}

type workflowView struct {
	Layout
	workPick
	WorkNav       []navLink
	DS            *method.DataSet
	Due           time.Time
	Closed        *store.ClosedPeriod
	Rows          []workflowRow
	Counts        []stateCount
	Accepted      int
	CanClose      bool
	Error, Notice string
	History       []historyRow
	Actor         string
}

// workPick is what the workflow and checks pages share: the data-set and
// period selectors, the unit the page is about and the query that keeps
// them on links to the sibling page.
type workPick struct {
	DataSets []Option
	Periods  []Option
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
		k.DataSets = append(k.DataSets, Option{Value: o.DS.ID, Label: o.DS.Name, Selected: o.DS.ID == ds.ID})
	}
	ps, err := s.recentPeriods(ctx, ds)
	if err != nil {
		return k, err
	}
	if !slices.Contains(ps, pe) {
		ps = append([]period.Period{pe}, ps...)
	}
	for _, x := range ps {
		k.Periods = append(k.Periods, Option{Value: x.String(), Label: x.Label(), Selected: x == pe})
	}
	return k, nil
}

type stateCount struct {
	Label string
	N     int
}

func (s *Server) workflowPage(w http.ResponseWriter, r *http.Request) {
	s.serveWorkflow(w, r, http.StatusOK, "", r.URL.Query().Get("done"))
}

// doneNotice turns ?done= (set by the redirect after an action) into text.
func doneNotice(done, unit string) string {
	a, err := workflow.ParseAction(done)
	if done == "close" {
		return "Период закрыт: данные и рейтинг заморожены."
	}
	if err != nil {
		return ""
	}
	return "Выполнено: " + strings.ToLower(a.Label()) + " — " + unit + "."
}

// serveWorkflow renders the table, with an error (and its status) after a
// refused action.
func (s *Server) serveWorkflow(w http.ResponseWriter, r *http.Request, status int, errText, done string) {
	ctx := r.Context()
	p, d, pe, pick, ok := s.workSelect(w, r)
	if !ok {
		return
	}
	root := pick.Root
	v := workflowView{Layout: workLayout("Согласование данных"), workPick: pick, WorkNav: workNav(p, "workflow"), DS: d.DS,
		Due: workflow.Due(d.DS, pe), Error: errText, Actor: strings.TrimSpace(r.URL.Query().Get("actor"))}
	closed, err := s.cat.ClosedPeriod(ctx, v.PeriodID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Closed = closed
	approvals, err := s.cat.Approvals(ctx, d.DS.ID, v.PeriodID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	counts := map[workflow.State]int{}
	for _, u := range s.reportingUnits(d.DS, root) {
		a, ok := approvals[u.Code]
		if !ok {
			a.State = workflow.Open
		}
		row := workflowRow{Code: u.Code, Name: u.Name, State: a.State, Actor: a.Actor, ChangedAt: a.ChangedAt, SubmittedAt: a.SubmittedAt,
			Timeliness: workflow.TimelinessOf(a.SubmittedAt, v.Due, now), Reason: a.Reason,
			FormURL: "/entry/" + url.PathEscape(d.DS.ID) + "/" + url.PathEscape(u.Code) + "/" + v.PeriodID,
			Buttons: buttons(d.DS.ID, u.Code, v.PeriodID, a.State, p.Role, closed != nil)}
		counts[a.State]++
		v.Rows = append(v.Rows, row)
	}
	v.Due = lastDay(v.Due)
	for _, st := range workflow.States {
		v.Counts = append(v.Counts, stateCount{st.Label(), counts[st]})
	}
	v.Accepted = counts[workflow.Accepted]
	v.CanClose = closed == nil && p.Can(auth.Accept) && s.nationalScope(p)
	if done != "" {
		v.Notice = doneNotice(done, r.URL.Query().Get("unit"))
	}
	if v.History, err = s.history(ctx, p, store.ApprovalFilter{DataSet: d.DS.ID, Period: v.PeriodID, Actor: v.Actor}, root, 200); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderWork(w, r, status, "workflow", v)
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

// workflowError maps a refused transition to a status and a Russian text.
func workflowError(err error, a workflow.Action, state workflow.State) (int, string) {
	switch {
	case errors.Is(err, workflow.ErrForbidden):
		return http.StatusForbidden, fmt.Sprintf("Ваша роль не позволяет выполнить действие «%s».", a.Label())
	case errors.Is(err, workflow.ErrPeriodClosed):
		return http.StatusConflict, "Период закрыт: данные заморожены, действия с ними невозможны."
	case errors.Is(err, workflow.ErrWrongState):
		return http.StatusConflict, fmt.Sprintf("Действие «%s» невозможно в состоянии «%s».", a.Label(), state.Label())
	case errors.Is(err, workflow.ErrNeedReason):
		return http.StatusUnprocessableEntity, fmt.Sprintf("Для действия «%s» укажите причину.", a.Label())
	case errors.Is(err, store.ErrLocked):
		return http.StatusConflict, "Данные приняты и заблокированы."
	}
	return 0, ""
}

// workflowAction is POST /workflow/{dataset}/{orgunit}/{period}/{action}.
func (s *Server) workflowAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	a, err := workflow.ParseAction(r.PathValue("action"))
	if err != nil || a == workflow.Save {
		s.workMessage(w, r, p, http.StatusNotFound, "Нет такого действия", fmt.Sprintf("Действие «%s» неизвестно.", r.PathValue("action")))
		return
	}
	// The same checks as the form's: the data set, a reporting unit of it
	// in the caller's scope, a period of its type.
	t, ok := s.entryTarget(w, r, p)
	if !ok {
		return
	}
	d, u, pe, cur := t.d, t.unit, t.pe, t.appr
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.workMessage(w, r, p, http.StatusBadRequest, "Не удалось прочитать форму", "Повторите действие.")
		return
	}
	// The page to come back to: the table the button was on.
	q := r.URL.Query()
	q.Set("dataset", d.DS.ID)
	q.Set("period", pe.String())
	if root := r.PostForm.Get("orgunit"); root != "" {
		q.Set("orgunit", root)
	}
	r.URL.RawQuery = q.Encode()
	if a == workflow.Submit {
		// Submitting from the table checks the saved values as the form does.
		vs, err := s.violations(ctx, d, u.Code, pe)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(vs) > 0 {
			s.serveWorkflow(w, r, http.StatusUnprocessableEntity, fmt.Sprintf("Отправка невозможна: данные «%s» нарушают правила контроля (%d). Исправьте их в форме.", u.Name, len(vs)), "")
			return
		}
	}
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if _, err := s.cat.Transition(ctx, d.DS, u.Code, pe.String(), a, p.Login, p.Role, reason); err != nil {
		status, text := workflowError(err, a, cur.State)
		if status == 0 {
			s.fail(w, r, err)
			return
		}
		s.serveWorkflow(w, r, status, text, "")
		return
	}
	s.log.Info("workflow action", "login", p.Login, "action", a, "data_set", d.DS.ID, "unit", u.Code, "period", pe.String())
	q.Set("done", string(a))
	q.Set("unit", u.Name)
	http.Redirect(w, r, "/workflow?"+q.Encode(), http.StatusSeeOther)
}

// violations checks the stored values of one unit and period against the
// data set's rules.
func (s *Server) violations(ctx context.Context, d dataSetRef, unit string, pe period.Period) ([]workflow.Violation, error) {
	vals, _, err := s.unitValues(ctx, d.DS, []string{unit}, pe)
	if err != nil {
		return nil, err
	}
	return workflow.Validate(d.rules(), pe.String(), map[string]workflow.Values{unit: vals[unit]}), nil
}

// closePeriod is POST /workflow/close: period, reason (required).
func (s *Server) closePeriod(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if !s.nationalScope(p) {
		s.workMessage(w, r, p, http.StatusForbidden, "Нет доступа", "Закрыть период может только пользователь с общероссийской областью доступа.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.workMessage(w, r, p, http.StatusBadRequest, "Не удалось прочитать форму", "Повторите действие.")
		return
	}
	f := r.PostForm
	q := url.Values{}
	for _, k := range []string{"dataset", "period"} {
		if v := f.Get(k); v != "" {
			q.Set(k, v)
		}
	}
	r.URL.RawQuery = q.Encode()
	pe, err := period.Parse(f.Get("period"))
	if err != nil {
		s.workMessage(w, r, p, http.StatusBadRequest, "Неверный период", fmt.Sprintf("«%s» не является периодом.", f.Get("period")))
		return
	}
	reason := strings.TrimSpace(f.Get("reason"))
	if reason == "" || len([]rune(reason)) > workflow.MaxReason {
		if f.Get("dataset") == "" {
			s.workMessage(w, r, p, http.StatusUnprocessableEntity, "Укажите причину", "Закрытие периода требует письменного обоснования.")
			return
		}
		s.serveWorkflow(w, r, http.StatusUnprocessableEntity, fmt.Sprintf("Закрытие периода требует письменного обоснования (до %d символов).", workflow.MaxReason), "")
		return
	}
	if err := s.cat.ClosePeriod(ctx, pe.String(), p.Login, reason); err != nil {
		if errors.Is(err, workflow.ErrPeriodClosed) {
			s.serveWorkflow(w, r, http.StatusConflict, "Период уже закрыт.", "")
			return
		}
		s.fail(w, r, err)
		return
	}
	s.log.Info("period closed", "login", p.Login, "period", pe.String())
	q.Set("period", pe.String())
	q.Set("done", "close")
	http.Redirect(w, r, "/workflow?"+q.Encode(), http.StatusSeeOther)
}

// acceptanceNote is the note a published rating shows while some of the
// data it was computed from have not been accepted: every reporting unit ×
// sub-period of the methodology's data sets within the rating's period.
// It is "" when everything is accepted (or nothing is collected by form).
// The rating and region pages call it.
func (s *Server) acceptanceNote(ctx context.Context, res *rating.Result) (string, error) {
	m, ok := s.cat.Methodology(res.Methodology)
	if !ok {
		return "", nil
	}
	rp, err := period.Parse(res.Period)
	if err != nil {
		return "", nil
	}
	root, ok := s.cat.Hierarchy().Root()
	if !ok {
		return "", nil
	}
	var accepted, total int
	for i := range m.DataSets {
		ds := &m.DataSets[i]
		units := s.reportingUnits(ds, root.Code)
		for _, sub := range rp.Children(ds.PeriodType) {
			as, err := s.cat.Approvals(ctx, ds.ID, sub.String())
			if err != nil {
				return "", err
			}
			total += len(units)
			for _, u := range units {
				if as[u.Code].State == workflow.Accepted {
					accepted++
				}
			}
		}
	}
	if accepted == total {
		return "", nil
	}
	return fmt.Sprintf("Рейтинг рассчитан по данным, не все из которых приняты: принято %d из %d.", accepted, total), nil
}
