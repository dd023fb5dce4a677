package review

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/cifra-health/cifra/internal/support/calendar"
)

// ActionState is where a corrective action stands.
type ActionState string

// Action states: open → done (the owner reports) → verified (the
// commission's follow-up confirms), or back to open when it does not;
// open or done → cancelled.
const (
	ActionOpen      ActionState = "open"
	ActionDone      ActionState = "done"
	ActionVerified  ActionState = "verified"
	ActionCancelled ActionState = "cancelled"
)

var actionLabels = map[ActionState]string{ActionOpen: "не исполнена", ActionDone: "исполнена, ждёт проверки",
	ActionVerified: "исполнена и проверена", ActionCancelled: "отменена"}

// Label is the Russian name of the state.
func (s ActionState) Label() string { return actionLabels[s] }

// Action is a corrective action a review's findings call for.
type Action struct {
	ID     int64  `json:"id"` // set by the repository
	Review int64  `json:"review"`
	MO     string `json:"mo"`
	Text   string `json:"text"`
	Defect string `json:"defect,omitempty"` // the defect type it answers
	Owner  string `json:"owner"`            // login of the person responsible
	// Due is the current deadline; FirstDue the one first set. Being on
	// time is judged against FirstDue, so moving a deadline does not turn
	// a late action into a punctual one.
	Due      calendar.Date `json:"due"`
	FirstDue calendar.Date `json:"first_due"`
	State    ActionState   `json:"state"`
	DoneOn   calendar.Date `json:"done_on,omitzero"` // local date the owner reported it done
	Events   []Event       `json:"events,omitempty"`
	Stored   int           `json:"-"` // events already stored (set by the repository)
}

// OnTime reports whether the action was done by its first deadline.
func (a *Action) OnTime() bool {
	return (a.State == ActionDone || a.State == ActionVerified) && !a.FirstDue.Before(a.DoneOn)
}

// Overdue reports whether the action is still open after its deadline.
func (a *Action) Overdue(today calendar.Date) bool {
	return a.State == ActionOpen && a.Due.Before(today)
}

func (a *Action) event(by Actor, action string, at time.Time, detail, reason string) {
	a.Events = append(a.Events, Event{At: at.UTC(), MO: a.MO, Actor: by.Login, Action: action, Review: a.Review,
		CorrectiveAction: a.ID, Detail: detail, Reason: reason})
}

func (a *Action) must(states ...ActionState) error {
	if slices.Contains(states, a.State) {
		return nil
	}
	return fmt.Errorf("мера %d %s: действие недоступно", a.ID, a.State.Label())
}

// AssignAction sets a corrective action for a review in progress or
// completed: an owner from the commission or the МО's staff (a login), a
// deadline not in the past, and the defect type it answers if any.
func (ctl *Control) AssignAction(r *Review, what, defect, owner string, due calendar.Date, by Actor, at time.Time) (*Action, error) {
	if r.Reviewer == "" || by.Login != r.Reviewer {
		if err := ctl.organiser(by, "назначать корректирующие меры"); err != nil {
			return nil, err
		}
	}
	if err := r.must(StateInProgress, StateCompleted); err != nil {
		return nil, err
	}
	t, err := text(what, "содержание меры", true)
	if err != nil {
		return nil, err
	}
	if owner == "" {
		return nil, fmt.Errorf("у меры «%s» нет ответственного", short(t))
	}
	if defect != "" {
		if _, ok := ctl.Policy.DefectType(defect); !ok {
			return nil, fmt.Errorf("неизвестный вид дефекта %q", defect)
		}
	}
	if due.Before(ctl.Date(at)) {
		return nil, fmt.Errorf("срок %s уже прошёл", due.Russian())
	}
	a := &Action{Review: r.ID, MO: r.MO, Text: t, Defect: defect, Owner: owner, Due: due, FirstDue: due, State: ActionOpen}
	a.event(by, EvActionAssign, at, fmt.Sprintf("ответственный %s, срок до %s", owner, due.Russian()), "")
	return a, nil
}

// MarkDone is the owner's (or an organiser's) report that the action is done.
func (ctl *Control) MarkDone(a *Action, note string, by Actor, at time.Time) error {
	if by.Login != a.Owner {
		if err := ctl.organiser(by, "отмечать исполнение чужой меры"); err != nil {
			return err
		}
	}
	if err := a.must(ActionOpen); err != nil {
		return err
	}
	n, err := text(note, "отчёт об исполнении", false)
	if err != nil {
		return err
	}
	a.State, a.DoneOn = ActionDone, ctl.Date(at)
	late := ""
	if !a.OnTime() {
		late = ", с опозданием"
	}
	a.event(by, EvActionDone, at, fmt.Sprintf("исполнена %s%s", a.DoneOn.Russian(), late), n)
	return nil
}

// Verify is the commission's follow-up: confirmed, the action is verified;
// not confirmed, it is open again with the reason (and its first deadline
// still counts). The owner may not verify their own action.
func (ctl *Control) Verify(a *Action, confirmed bool, reason string, by Actor, at time.Time) error {
	if err := ctl.organiser(by, "проверять исполнение мер"); err != nil {
		return err
	}
	if by.Login == a.Owner {
		return fmt.Errorf("ответственный не проверяет исполнение своей меры: %w", ErrForbidden)
	}
	if err := a.must(ActionDone); err != nil {
		return err
	}
	why, err := text(reason, "причину возврата", !confirmed)
	if err != nil {
		return err
	}
	if confirmed {
		a.State = ActionVerified
		a.event(by, EvActionVerify, at, "исполнение подтверждено", why)
		return nil
	}
	a.State, a.DoneOn = ActionOpen, calendar.Date{}
	a.event(by, EvActionReturn, at, "исполнение не подтверждено", why)
	return nil
}

// Reschedule moves the deadline of an open action, with a reason.
func (ctl *Control) Reschedule(a *Action, due calendar.Date, reason string, by Actor, at time.Time) error {
	if err := ctl.chair(by, "переносить срок меры"); err != nil {
		return err
	}
	if err := a.must(ActionOpen); err != nil {
		return err
	}
	why, err := text(reason, "причину переноса", true)
	if err != nil {
		return err
	}
	if due.Before(ctl.Date(at)) {
		return fmt.Errorf("срок %s уже прошёл", due.Russian())
	}
	old := a.Due
	a.Due = due
	a.event(by, EvActionReschedule, at, fmt.Sprintf("срок %s → %s", old.Russian(), due.Russian()), why)
	return nil
}

// CancelAction withdraws an action that is no longer needed.
func (ctl *Control) CancelAction(a *Action, reason string, by Actor, at time.Time) error {
	if err := ctl.chair(by, "отменять меру"); err != nil {
		return err
	}
	if err := a.must(ActionOpen, ActionDone); err != nil {
		return err
	}
	why, err := text(reason, "причину отмены", true)
	if err != nil {
		return err
	}
	a.State = ActionCancelled
	a.event(by, EvActionCancel, at, "", why)
	return nil
}

// Overdue lists the open actions past their deadline on today, the most
// overdue first.
func Overdue(actions []*Action, today calendar.Date) []*Action {
	var out []*Action
	for _, a := range actions {
		if a.Overdue(today) {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y *Action) int {
		if c := cmpDate(x.Due, y.Due); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	return out
}

func cmpDate(a, b calendar.Date) int {
	switch {
	case a.Before(b):
		return -1
	case b.Before(a):
		return 1
	}
	return 0
}
