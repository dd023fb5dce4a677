package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/web/view"
	"github.com/cifra-health/cifra/internal/workflow"
)

// The approval workflow pages of issue 4: the table of reporting units
// with their states and the actions the caller may take, the period
// closing, and the approval history. The data-entry form is entry.go, the
// checks checks.go; the helpers they share live here.

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

type workflowView struct {
	view.Layout
	workPick
	WorkNav       []view.NavLink
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
