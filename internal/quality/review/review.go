package review

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/quality/fhirq"
	"github.com/cifra-health/cifra/internal/support/calendar"
)

// Kind is planned (by the quarter's plan) or targeted (by a trigger).
type Kind string

// Review kinds.
const (
	Planned  Kind = "planned"
	Targeted Kind = "targeted"
)

// State of a review.
type State string

// Review states: planned → in_progress → completed → closed (once every
// corrective action is settled); planned or in progress → cancelled;
// completed → in_progress again when the chair reopens it.
const (
	StatePlanned    State = "planned"
	StateInProgress State = "in_progress"
	StateCompleted  State = "completed"
	StateClosed     State = "closed"
	StateCancelled  State = "cancelled"
)

var stateLabels = map[State]string{StatePlanned: "запланирована", StateInProgress: "идёт", StateCompleted: "завершена",
	StateClosed: "закрыта", StateCancelled: "отменена"}

// Label is the Russian name of the state.
func (s State) Label() string { return stateLabels[s] }

// Trigger is the reason for a targeted review, raised by a person, a feed,
// a support ticket or an import of insurers' findings.
type Trigger struct {
	Kind   string    `json:"kind"` // a TriggerDef id of the policy
	MO     string    `json:"mo"`
	At     time.Time `json:"at"`     // when it happened or was reported, UTC
	Source string    `json:"source"` // manual, feed, support, import
	Ref    string    `json:"ref"`    // ticket number, insurer's act, file:line — unique per source
	Case   *Case     `json:"case,omitempty"`
	Note   string    `json:"note,omitempty"`
}

// Key identifies a trigger so that one re-sent by a feed or imported twice
// raises one review (the repository refuses a second with ErrDuplicate).
func (t *Trigger) Key() string { return t.MO + "|" + t.Kind + "|" + t.Source + "|" + t.Ref }

// Review is one planned or targeted review of an МО's care.
type Review struct {
	ID         int64         `json:"id"` // set by the repository
	MO         string        `json:"mo"`
	Kind       Kind          `json:"kind"`
	Level      string        `json:"level"`
	Quarter    period.Period `json:"quarter"`              // of the plan, or of the trigger's local date
	Department string        `json:"department,omitempty"` // limits the review to one department
	Subject    string        `json:"subject"`              // what is reviewed, in Russian
	Records    int           `json:"records,omitempty"`    // planned number of records
	Trigger    *Trigger      `json:"trigger,omitempty"`
	Deadline   calendar.Date `json:"deadline"` // last local day to complete it
	Reviewer   string        `json:"reviewer,omitempty"`
	State      State         `json:"state"`
	Cases      []CaseResult  `json:"cases,omitempty"`
	Conclusion string        `json:"conclusion,omitempty"`
	Completed  time.Time     `json:"completed,omitzero"` // UTC; zero unless completed or closed
	DoneOn     calendar.Date `json:"done_on,omitzero"`   // local date of Completed
	Events     []Event       `json:"events,omitempty"`
	Stored     int           `json:"-"` // events already stored (set by the repository)
}

// InTime reports whether the review was completed by its deadline.
func (r *Review) InTime() bool {
	return !r.Completed.IsZero() && !r.Deadline.Before(r.DoneOn)
}

// Meeting counts the reviewed cases that meet all their criteria. A case
// reviewed by several checklists meets them only if it meets each.
func (r *Review) Meeting() (cases, meeting int) {
	fails := map[string]bool{}
	var order []string
	for _, c := range r.Cases {
		if _, seen := fails[c.Case.Record]; !seen {
			order = append(order, c.Case.Record)
			fails[c.Case.Record] = false
		}
		if !c.Meets {
			fails[c.Case.Record] = true
		}
	}
	for _, rec := range order {
		if !fails[rec] {
			meeting++
		}
	}
	return len(order), meeting
}

func (r *Review) event(ctl *Control, by Actor, action string, at time.Time, detail, reason string) {
	r.Events = append(r.Events, Event{At: at.UTC(), MO: r.MO, Actor: by.Login, Action: action, Review: r.ID, Detail: detail, Reason: reason})
}

func (r *Review) must(states ...State) error {
	if slices.Contains(states, r.State) {
		return nil
	}
	return fmt.Errorf("проверка %d %s: действие недоступно", r.ID, r.State.Label())
}

// PlanReview puts a planned review into the quarter's plan. Its deadline is
// the quarter's last day.
func (ctl *Control) PlanReview(q period.Period, level, department, subject string, records int, by Actor, at time.Time) (*Review, error) {
	if err := ctl.organiser(by, "планировать проверки"); err != nil {
		return nil, err
	}
	if q.Type() != period.Quarterly {
		return nil, fmt.Errorf("план внутреннего контроля составляется на квартал, а не на %s", q)
	}
	if !ctl.Policy.covers(level, ctl.Policy.Planned.Level) {
		return nil, fmt.Errorf("плановая проверка не ниже уровня %q, указан %q", ctl.Policy.Planned.Level, level)
	}
	subject, err := text(subject, "предмет проверки", true)
	if err != nil {
		return nil, err
	}
	if records < 0 {
		return nil, fmt.Errorf("число карт %d меньше нуля", records)
	}
	if today := ctl.Date(at).Midnight(time.UTC); !q.End().After(today) {
		return nil, fmt.Errorf("квартал %s уже прошёл: плановую проверку в него не внести", q.Label())
	}
	r := &Review{MO: ctl.Commission.MO, Kind: Planned, Level: level, Quarter: q, Department: department,
		Subject: subject, Records: records, Deadline: lastDay(q), State: StatePlanned}
	r.event(ctl, by, EvReviewPlan, at, fmt.Sprintf("%s, %s", q.Label(), subject), "")
	return r, nil
}

// lastDay is the last civil day of a period (End is exclusive).
func lastDay(p period.Period) calendar.Date { return calendar.DateOf(p.End()).AddDays(-1) }

// Raise opens a targeted review for a trigger, at the trigger's level and
// with its deadline in working days after the trigger's local date. Anyone
// of the commission, a manager or the system (feeds, imports) may raise.
func (ctl *Control) Raise(t Trigger, by Actor, at time.Time) (*Review, error) {
	if _, ok := ctl.Commission.Member(by.Login); !ok && !by.Manager && by.Login != SystemActor {
		return nil, fmt.Errorf("целевую проверку в МО %s назначает член комиссии: %w", ctl.Commission.MO, ErrForbidden)
	}
	def, ok := ctl.Policy.Trigger(t.Kind)
	if !ok {
		return nil, fmt.Errorf("неизвестный повод целевой проверки %q", t.Kind)
	}
	if t.MO != ctl.Commission.MO {
		return nil, fmt.Errorf("повод относится к МО %s, а не к %s", t.MO, ctl.Commission.MO)
	}
	if t.At.IsZero() || t.At.After(at.Add(time.Minute)) {
		return nil, fmt.Errorf("у повода %s нет даты или она в будущем", def.Name)
	}
	if strings.TrimSpace(t.Source) == "" || strings.TrimSpace(t.Ref) == "" {
		return nil, fmt.Errorf("у повода %s нужны источник и номер (source, ref)", def.Name)
	}
	if t.Case != nil {
		if err := t.Case.Check(); err != nil {
			return nil, fmt.Errorf("повод %s: случай: %w", def.Name, err)
		}
	}
	t.At = t.At.UTC()
	day := ctl.Date(t.At)
	r := &Review{MO: t.MO, Kind: Targeted, Level: def.Level, Quarter: period.Of(day.Midnight(time.UTC), period.Quarterly),
		Subject: def.Name, Trigger: &t, Deadline: ctl.AddWorkingDays(day, def.DeadlineDays), State: StatePlanned}
	if t.Case != nil {
		r.Department = t.Case.Department
		r.Subject += ", карта " + t.Case.Record
	}
	r.event(ctl, by, EvReviewRaise, at, fmt.Sprintf("%s (%s %s), срок до %s", def.Name, t.Source, t.Ref, r.Deadline.Russian()), "")
	return r, nil
}

// Assign gives the review to a member who may hold it: at a level covering
// the review's, in the review's department if the member's level is
// limited to one, and not the treating doctor of the case that raised it.
func (ctl *Control) Assign(r *Review, reviewer string, by Actor, at time.Time) error {
	if err := ctl.organiser(by, "назначать экспертов"); err != nil {
		return err
	}
	if err := r.must(StatePlanned, StateInProgress); err != nil {
		return err
	}
	m, ok := ctl.Commission.Member(reviewer)
	if !ok {
		return fmt.Errorf("%s не состоит в комиссии МО %s", reviewer, r.MO)
	}
	if err := ctl.mayReview(m, r); err != nil {
		return err
	}
	if r.Trigger != nil && r.Trigger.Case != nil && m.StaffID != "" && m.StaffID == r.Trigger.Case.Doctor {
		return fmt.Errorf("%s — лечащий врач по карте %s и не может её проверять", m.Name, r.Trigger.Case.Record)
	}
	prev := r.Reviewer
	r.Reviewer = reviewer
	detail := m.Name
	if prev != "" {
		detail = fmt.Sprintf("%s вместо %s", m.Name, prev)
	}
	r.event(ctl, by, EvReviewAssign, at, detail, "")
	return nil
}

func (ctl *Control) mayReview(m Member, r *Review) error {
	if !ctl.Policy.covers(m.Level, r.Level) {
		lv, _ := ctl.Policy.Level(r.Level)
		return fmt.Errorf("%s работает на уровне %q, а проверка — уровня «%s»", m.Name, m.Level, lv.Name)
	}
	if lv, _ := ctl.Policy.Level(m.Level); lv.OwnDepartment && r.Department != m.Department {
		return fmt.Errorf("%s проверяет только отделение %s", m.Name, m.Department)
	}
	return nil
}

// reviewer checks that by is the assigned reviewer.
func (r *Review) reviewer(by Actor) error {
	if r.Reviewer == "" || by.Login != r.Reviewer {
		return fmt.Errorf("проверку %d проводит назначенный эксперт: %w", r.ID, ErrForbidden)
	}
	return nil
}

// Start begins the review.
func (ctl *Control) Start(r *Review, by Actor, at time.Time) error {
	if err := r.must(StatePlanned); err != nil {
		return err
	}
	if err := r.reviewer(by); err != nil {
		return err
	}
	r.State = StateInProgress
	r.event(ctl, by, EvReviewStart, at, "", "")
	return nil
}

// AddCase records the expert review of one medical record by a checklist
// (the completed response). The reviewer may not review a case they
// treated, nor, at a department-limited level, another department's.
func (ctl *Control) AddCase(r *Review, cl *Checklist, cs Case, resp *fhirq.FlatResponse, by Actor, at time.Time) (CaseResult, error) {
	if err := r.must(StateInProgress); err != nil {
		return CaseResult{}, err
	}
	if err := r.reviewer(by); err != nil {
		return CaseResult{}, err
	}
	if err := cs.Check(); err != nil {
		return CaseResult{}, fmt.Errorf("карта %q: %w", cs.Record, err)
	}
	m, ok := ctl.Commission.Member(by.Login)
	if !ok {
		return CaseResult{}, fmt.Errorf("%s больше не состоит в комиссии: %w", by.Login, ErrForbidden)
	}
	if m.StaffID != "" && m.StaffID == cs.Doctor {
		return CaseResult{}, fmt.Errorf("%s — лечащий врач по карте %s и не может её проверять", m.Name, cs.Record)
	}
	if lv, _ := ctl.Policy.Level(m.Level); lv.OwnDepartment && cs.Department != m.Department {
		return CaseResult{}, fmt.Errorf("%s проверяет только отделение %s, а карта %s — отделения %s", m.Name, m.Department, cs.Record, cs.Department)
	}
	if r.Department != "" && cs.Department != r.Department {
		return CaseResult{}, fmt.Errorf("проверка %d — по отделению %s, а карта %s — отделения %s", r.ID, r.Department, cs.Record, cs.Department)
	}
	for _, c := range r.Cases {
		if c.Case.Record == cs.Record && c.Checklist == cl.Key() {
			return CaseResult{}, fmt.Errorf("карта %s уже проверена по чек-листу %s", cs.Record, cl.Q.Title)
		}
	}
	res, err := cl.Evaluate(cs, resp)
	if err != nil {
		return CaseResult{}, err
	}
	res.Reviewer, res.At = by.Login, at.UTC()
	r.Cases = append(r.Cases, res)
	verdict := "соответствует критериям"
	if !res.Meets {
		verdict = fmt.Sprintf("не выполнено критериев: %d из %d", len(res.Failed), res.Applicable)
	}
	r.event(ctl, by, EvCaseAdd, at, fmt.Sprintf("карта %s, %s: %s", cs.Record, cl.Q.Title, verdict), "")
	return res, nil
}

// Complete ends the review with the expert's conclusion.
func (ctl *Control) Complete(r *Review, conclusion string, by Actor, at time.Time) error {
	if err := r.must(StateInProgress); err != nil {
		return err
	}
	if err := r.reviewer(by); err != nil {
		return err
	}
	if len(r.Cases) == 0 {
		return fmt.Errorf("в проверке %d нет ни одной проверенной карты", r.ID)
	}
	c, err := text(conclusion, "заключение", true)
	if err != nil {
		return err
	}
	r.Conclusion, r.State, r.Completed, r.DoneOn = c, StateCompleted, at.UTC(), ctl.Date(at)
	n, ok := r.Meeting()
	r.event(ctl, by, EvReviewComplete, at, fmt.Sprintf("карт %d, соответствуют критериям %d", n, ok), "")
	return nil
}

// Reopen returns a completed review to the reviewer; its completion is
// cleared, so a late second completion counts as late.
func (ctl *Control) Reopen(r *Review, reason string, by Actor, at time.Time) error {
	if err := ctl.chair(by, "возвращать проверку"); err != nil {
		return err
	}
	if err := r.must(StateCompleted); err != nil {
		return err
	}
	why, err := text(reason, "причину возврата", true)
	if err != nil {
		return err
	}
	r.State, r.Completed, r.DoneOn = StateInProgress, time.Time{}, calendar.Date{}
	r.event(ctl, by, EvReviewReopen, at, "", why)
	return nil
}

// Cancel withdraws a review that has not been completed. A cancelled
// planned review still counts as planned and not done.
func (ctl *Control) Cancel(r *Review, reason string, by Actor, at time.Time) error {
	if err := ctl.chair(by, "отменять проверку"); err != nil {
		return err
	}
	if err := r.must(StatePlanned, StateInProgress); err != nil {
		return err
	}
	why, err := text(reason, "причину отмены", true)
	if err != nil {
		return err
	}
	r.State = StateCancelled
	r.event(ctl, by, EvReviewCancel, at, "", why)
	return nil
}

// Close files a completed review once each of its corrective actions is
// verified or cancelled.
func (ctl *Control) Close(r *Review, actions []*Action, by Actor, at time.Time) error {
	if err := ctl.chair(by, "закрывать проверку"); err != nil {
		return err
	}
	if err := r.must(StateCompleted); err != nil {
		return err
	}
	for _, a := range actions {
		if a.Review == r.ID && a.State != ActionVerified && a.State != ActionCancelled {
			return fmt.Errorf("проверку %d не закрыть: мера «%s» %s", r.ID, short(a.Text), a.State.Label())
		}
	}
	r.State = StateClosed
	r.event(ctl, by, EvReviewClose, at, "", "")
	return nil
}

func short(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}
