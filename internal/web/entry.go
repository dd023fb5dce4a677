package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/web/view"
	"github.com/cifra-health/cifra/internal/workflow"
)

// The data-entry forms of issue 4: one form per data set, organisation
// unit and period, with the previous period's value beside each field.
// Saving writes a draft through the store's import (source "form", so the
// audit shows where a value came from); submitting is refused while the
// saved values break a validation rule.

// entryCell is one unit × period of the list.
type entryCell struct {
	UnitName, UnitCode string
	PeriodID, PLabel   string
	State              workflow.State
	Due                time.Time
	Timeliness         workflow.Timeliness
	URL                string
}

type entryGroup struct {
	DS    string
	Name  string
	Cells []entryCell
}

type entryListView struct {
	view.Layout
	WorkNav []view.NavLink
	Groups  []entryGroup
}

// entryList is GET /entry: the forms the caller reports, with their state
// and deadline. A caller with few units sees the recent periods; one with
// many (a region, the country) sees the period being reported now, or
// ?period=.
func (s *Server) entryList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	root, ok := s.queryRoot(w, r, p)
	if !ok {
		return
	}
	v := entryListView{Layout: workLayout("Ввод данных"), WorkNav: workNav(p, "entry")}
	now := s.now()
	for _, d := range s.dataSets() {
		units := s.reportingUnits(d.DS, root)
		if len(units) == 0 {
			continue
		}
		var ps []period.Period
		if id := r.URL.Query().Get("period"); id != "" {
			pe, err := parseDataSetPeriod(d.DS, id)
			if err != nil {
				continue // another data set's period type
			}
			ps = []period.Period{pe}
		} else if len(units) <= 3 {
			cur := s.defaultPeriod(d.DS)
			ps = []period.Period{cur.Next(), cur, cur.Prev(), cur.Prev().Prev()}
		} else {
			ps = []period.Period{s.defaultPeriod(d.DS)}
		}
		g := entryGroup{DS: d.DS.ID, Name: d.DS.Name}
		for _, pe := range ps {
			approvals, err := s.cat.Approvals(ctx, d.DS.ID, pe.String())
			if err != nil {
				s.fail(w, r, err)
				return
			}
			due := workflow.Due(d.DS, pe)
			for _, u := range units {
				a, ok := approvals[u.Code]
				if !ok {
					a.State = workflow.Open
				}
				g.Cells = append(g.Cells, entryCell{UnitName: u.Name, UnitCode: u.Code, PeriodID: pe.String(), PLabel: pe.Label(),
					State: a.State, Due: lastDay(due), Timeliness: workflow.TimelinessOf(a.SubmittedAt, due, now),
					URL: "/entry/" + url.PathEscape(d.DS.ID) + "/" + url.PathEscape(u.Code) + "/" + pe.String()})
			}
		}
		v.Groups = append(v.Groups, g)
	}
	s.renderWork(w, r, http.StatusOK, "entry", v)
}

// entryRow is one data element of the form.
type entryRow struct {
	ID, Name, Unit string
	Input, Comment string // as stored, or as typed when the form came back with errors
	Prev           string // the previous period's value, "" when none
	Error          string // why the typed value was refused
	Violations     []string
}

// Described lists the ids of the texts that describe the field.
func (e entryRow) Described() string {
	ids := []string{"p-" + e.ID}
	if e.Error != "" {
		ids = append(ids, "e-"+e.ID)
	}
	return strings.Join(append(ids, e.Violations...), " ")
}

type entryView struct {
	view.Layout
	WorkNav    []view.NavLink
	DSID       string
	DSName     string
	Unit       *orgunit.Unit
	PeriodID   string
	PLabel     string
	PrevLabel  string
	State      workflow.State
	Due        time.Time
	Timeliness workflow.Timeliness
	Editable   bool
	CanSubmit  bool
	ReadOnly   string // why the form cannot be changed
	Rows       []entryRow
	Errors     []entryError
	Violations []violationView
	Error      string // a refused action
	Notice     string
	Returned   string // the reason the data came back for correction
	History    []historyRow
	Action     string
}

// entryError links a refused field from the summary at the top.
type entryError struct{ ID, Text string }

// entryTarget resolves the form's path, checks the scope and loads the
// state. It writes the error page and returns false when the form does
// not exist or is not the caller's.
type entryTarget struct {
	d      dataSetRef
	unit   *orgunit.Unit
	pe     period.Period
	appr   store.Approval
	closed *store.ClosedPeriod
}

func (s *Server) entryTarget(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*entryTarget, bool) {
	ctx := r.Context()
	d, ok := s.dataSet(r.PathValue("dataset"))
	if !ok {
		s.workMessage(w, r, p, http.StatusNotFound, "Нет такой формы", fmt.Sprintf("Форма отчётности «%s» не найдена.", r.PathValue("dataset")))
		return nil, false
	}
	u, ok := s.cat.Hierarchy().Lookup(r.PathValue("orgunit"))
	if !ok || !slices.ContainsFunc(s.reportingUnits(d.DS, u.Code), func(x *orgunit.Unit) bool { return x.Code == u.Code }) {
		s.workMessage(w, r, p, http.StatusNotFound, "Нет такой организации", fmt.Sprintf("«%s» не отчитывается по форме «%s».", r.PathValue("orgunit"), d.DS.Name))
		return nil, false
	}
	pe, err := parseDataSetPeriod(d.DS, r.PathValue("period"))
	if err != nil {
		s.workMessage(w, r, p, http.StatusBadRequest, "Неверный период", fmt.Sprintf("«%s» не является периодом формы «%s» (%s).", r.PathValue("period"), d.DS.Name, periodTypeLabel(d.DS.PeriodType)))
		return nil, false
	}
	if !s.auth().service().InScope(p, u.Code) {
		s.log.Warn("entry form outside scope refused", "login", p.Login, "scope", p.Scope, "unit", u.Code, "method", r.Method)
		s.workMessage(w, r, p, http.StatusForbidden, "Нет доступа", fmt.Sprintf("«%s» не входит в вашу область доступа.", u.Name))
		return nil, false
	}
	t := &entryTarget{d: d, unit: u, pe: pe}
	if t.appr, err = s.cat.Approval(ctx, d.DS.ID, u.Code, pe.String()); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	if t.appr.State == "" {
		t.appr.State = workflow.Open
	}
	if t.closed, err = s.cat.ClosedPeriod(ctx, pe.String()); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return t, true
}

// readOnlyReason says why the caller cannot change the form ("" if they can).
func readOnlyReason(p *auth.Principal, t *entryTarget) string {
	switch {
	case t.closed != nil:
		s := "Период закрыт"
		if !t.closed.ClosedAt.IsZero() {
			s += " " + rufmt.Date(t.closed.ClosedAt)
		}
		if t.closed.Actor != "" {
			s += " (" + t.closed.Actor + ")"
		}
		if t.closed.Reason != "" {
			s += ": " + t.closed.Reason
		}
		return s + ". Данные и рассчитанный рейтинг заморожены."
	case t.appr.State == workflow.Accepted:
		return fmt.Sprintf("Данные приняты %s (%s) и заблокированы. Разблокировать их может федеральный пользователь с письменным обоснованием.",
			rufmt.Date(t.appr.ChangedAt), t.appr.Actor)
	case t.appr.State == workflow.Submitted:
		return fmt.Sprintf("Данные отправлены %s и ожидают утверждения регионом. Изменить их можно после возврата на доработку.", rufmt.Date(t.appr.SubmittedAt))
	case t.appr.State == workflow.Approved:
		return fmt.Sprintf("Данные утверждены регионом %s и ожидают приёмки. Изменить их можно после возврата на доработку.", rufmt.Date(t.appr.ChangedAt))
	case !p.Can(auth.WriteData):
		return "Ваша роль позволяет только просматривать данные."
	}
	return ""
}

// buildEntry assembles the form from the stored values; typed (when not
// nil) replaces them with what the user sent.
func (s *Server) buildEntry(ctx context.Context, p *auth.Principal, t *entryTarget, typed map[string][2]string, fieldErr map[string]string) (entryView, error) {
	units := []string{t.unit.Code}
	cur, comments, err := s.unitValues(ctx, t.d.DS, units, t.pe)
	if err != nil {
		return entryView{}, err
	}
	prevP := t.pe.Prev()
	prev, _, err := s.unitValues(ctx, t.d.DS, units, prevP)
	if err != nil {
		return entryView{}, err
	}
	v := entryView{Layout: workLayout(t.d.DS.Name + " — " + t.unit.Name), WorkNav: workNav(p, "entry"), DSID: t.d.DS.ID, DSName: t.d.DS.Name,
		Unit: t.unit, PeriodID: t.pe.String(), PLabel: t.pe.Label(), PrevLabel: prevP.Label(), State: t.appr.State,
		Due: workflow.Due(t.d.DS, t.pe), ReadOnly: readOnlyReason(p, t)}
	v.Action = "/entry/" + url.PathEscape(v.DSID) + "/" + url.PathEscape(t.unit.Code) + "/" + v.PeriodID
	v.Timeliness = workflow.TimelinessOf(t.appr.SubmittedAt, v.Due, s.now())
	v.Due = lastDay(v.Due)
	v.Editable = v.ReadOnly == ""
	v.CanSubmit = v.Editable && p.Can(auth.Submit)
	if t.appr.Reason != "" && t.appr.State.Editable() {
		v.Returned = fmt.Sprintf("Данные возвращены %s (%s): %s", rufmt.Date(t.appr.ChangedAt), t.appr.Actor, t.appr.Reason)
	}
	vs := workflow.Validate(t.d.rules(), v.PeriodID, map[string]workflow.Values{t.unit.Code: cur[t.unit.Code]})
	v.Violations = s.violationViews(t.d, vs)
	for _, de := range t.d.DS.DataElements {
		name, unit := t.d.element(de)
		row := entryRow{ID: de, Name: name, Unit: unit, Error: fieldErr[de]}
		if x, ok := cur[t.unit.Code][de]; ok {
			row.Input = rufmt.Number(x, -1)
		}
		row.Comment = comments[t.unit.Code][de]
		if tv, ok := typed[de]; ok {
			row.Input, row.Comment = tv[0], tv[1]
		}
		if x, ok := prev[t.unit.Code][de]; ok {
			row.Prev = rufmt.Number(round2(x), -1) // for comparison; the field keeps every digit
		}
		for i, viol := range vs {
			if slices.Contains(viol.DataElements, de) {
				row.Violations = append(row.Violations, v.Violations[i].ID)
			}
		}
		if row.Error != "" {
			v.Errors = append(v.Errors, entryError{"f-" + de, row.Error})
		}
		v.Rows = append(v.Rows, row)
	}
	v.History, err = s.history(ctx, p, store.ApprovalFilter{DataSet: v.DSID, OrgUnit: t.unit.Code, Period: v.PeriodID}, t.unit.Code, 50)
	return v, err
}

// entryForm is GET /entry/{dataset}/{orgunit}/{period}.
func (s *Server) entryForm(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	t, ok := s.entryTarget(w, r, p)
	if !ok {
		return
	}
	v, err := s.buildEntry(r.Context(), p, t, nil, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "save":
		v.Notice = "Черновик сохранён."
		if len(v.Violations) > 0 {
			v.Notice += " Найдены нарушения правил контроля: черновик сохранён, но отправить данные можно только после исправления."
		}
	case "submit":
		v.Notice = "Данные отправлены на утверждение."
	}
	s.renderWork(w, r, http.StatusOK, "entry_form", v)
}

// maxEntryBytes bounds a form: a few dozen numbers and comments.
const maxEntryBytes = 256 << 10

// maxComment bounds a field's comment.
const maxComment = 1000

// parseFormNumber reads a number as people type it: a decimal comma or
// point, spaces (also no-break) between thousands, a sign. It returns a
// Russian reason when the text is not such a number.
func parseFormNumber(raw string) (float64, string) {
	s := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\u2009':
			return -1
		case '−': // the minus sign, as word processors type it
			return '-'
		}
		return r
	}, raw)
	if strings.Count(s, ",")+strings.Count(s, ".") > 1 {
		return 0, "в числе может быть только один десятичный разделитель"
	}
	s = strings.Replace(s, ",", ".", 1)
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 || body == "" || body == "." {
		return 0, "это не число"
	}
	for _, c := range body {
		if (c < '0' || c > '9') && c != '.' {
			return 0, "это не число: допустимы только цифры, знак минус и десятичная запятая"
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.Abs(v) > 1e15 {
		return 0, "слишком большое число"
	}
	return v, ""
}

// entrySave is POST /entry/{dataset}/{orgunit}/{period}: action=save writes
// a draft; action=submit writes it and submits unless a rule is broken.
// Any refused field writes nothing.
func (s *Server) entrySave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	t, ok := s.entryTarget(w, r, p)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxEntryBytes)
	if err := r.ParseForm(); err != nil {
		s.workMessage(w, r, p, http.StatusBadRequest, "Не удалось прочитать форму", "Форма слишком велика или повреждена; повторите ввод.")
		return
	}
	action := workflow.Save
	if r.PostForm.Get("action") == string(workflow.Submit) {
		action = workflow.Submit
	}
	render := func(status int, typed map[string][2]string, fieldErr map[string]string, msg string) {
		v, err := s.buildEntry(ctx, p, t, typed, fieldErr)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Error = msg
		s.renderWork(w, r, status, "entry_form", v)
	}
	if reason := readOnlyReason(p, t); reason != "" {
		render(http.StatusConflict, nil, nil, "Изменения не сохранены. "+reason)
		return
	}
	stored, _, err := s.unitValues(ctx, t.d.DS, []string{t.unit.Code}, t.pe)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	typed := map[string][2]string{}
	fieldErr := map[string]string{}
	var vals []datavalue.Value
	for i, de := range t.d.DS.DataElements {
		raw, comment := strings.TrimSpace(r.PostForm.Get("v."+de)), strings.TrimSpace(r.PostForm.Get("c."+de))
		typed[de] = [2]string{raw, comment}
		name, _ := t.d.element(de)
		_, had := stored[t.unit.Code][de]
		switch {
		case !utf8.ValidString(comment) || utf8.RuneCountInString(comment) > maxComment:
			fieldErr[de] = fmt.Sprintf("Комментарий к полю «%s» длиннее %d символов.", name, maxComment)
		case raw == "" && had:
			fieldErr[de] = fmt.Sprintf("Поле «%s»: сохранённое значение нельзя стереть — введите число (0, если показателя нет).", name)
		case raw == "" && comment != "":
			fieldErr[de] = fmt.Sprintf("Поле «%s»: комментарий без значения — введите число.", name)
		case raw == "":
		default:
			x, why := parseFormNumber(raw)
			if why != "" {
				fieldErr[de] = fmt.Sprintf("Поле «%s»: «%s» — %s. Введите число, дробную часть — через запятую, например 12,5.", name, raw, why)
				continue
			}
			vals = append(vals, datavalue.Value{DataElement: de, Period: t.pe.String(), OrgUnit: t.unit.Code, Value: x, Comment: comment,
				Source: datavalue.Source{File: "form", Record: i + 1}})
		}
	}
	if len(fieldErr) > 0 {
		render(http.StatusUnprocessableEntity, typed, fieldErr, fmt.Sprintf("Ничего не сохранено: исправьте %s.",
			rufmt.Count(len(fieldErr), "поле", "поля", "полей")))
		return
	}
	if len(vals) > 0 || t.appr.State == workflow.Draft {
		// The state first: if it refuses (locked meanwhile, closed), no
		// value is written.
		if _, err := s.cat.Transition(ctx, t.d.DS, t.unit.Code, t.pe.String(), workflow.Save, p.Login, p.Role, ""); err != nil {
			status, text := workflowError(err, workflow.Save, t.appr.State)
			if status == 0 {
				s.fail(w, r, err)
				return
			}
			render(status, typed, nil, "Изменения не сохранены. "+text)
			return
		}
		if _, err := s.cat.ImportValues(ctx, vals, store.ImportOptions{Actor: p.Login, Source: "form", Format: "form"}); err != nil {
			if errors.Is(err, store.ErrLocked) {
				render(http.StatusConflict, typed, nil, "Изменения не сохранены: данные приняты и заблокированы.")
				return
			}
			s.fail(w, r, err)
			return
		}
		t.appr.State = workflow.Draft
		s.log.Info("form saved", "login", p.Login, "data_set", t.d.DS.ID, "unit", t.unit.Code, "period", t.pe.String(), "values", len(vals))
	}
	back := "/entry/" + url.PathEscape(t.d.DS.ID) + "/" + url.PathEscape(t.unit.Code) + "/" + t.pe.String()
	if action == workflow.Submit {
		vs, err := s.violations(ctx, t.d, t.unit.Code, t.pe)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(vs) > 0 {
			render(http.StatusUnprocessableEntity, nil, nil, fmt.Sprintf("Черновик сохранён, но не отправлен: нарушены правила контроля (%d). Исправьте значения и отправьте снова.", len(vs)))
			return
		}
		if _, err := s.cat.Transition(ctx, t.d.DS, t.unit.Code, t.pe.String(), workflow.Submit, p.Login, p.Role, ""); err != nil {
			status, text := workflowError(err, workflow.Submit, t.appr.State)
			if status == 0 {
				s.fail(w, r, err)
				return
			}
			render(status, nil, nil, "Черновик сохранён, но не отправлен. "+text)
			return
		}
		http.Redirect(w, r, back+"?done=submit", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, back+"?done=save", http.StatusSeeOther)
}
