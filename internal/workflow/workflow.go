// Package workflow is the data-collection workflow of issue 4: the approval
// states of one data set for one organisation unit and period, the
// transitions between them and who may take each, deadlines and
// timeliness, and the on-demand checks (validation rules, outliers,
// completeness). It is pure: storage is internal/store, pages internal/web.
package workflow

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/auth"
)

// State is where a (data set, org unit, period) stands.
type State string

// States, in the order data move through them.
const (
	Open      State = "open"      // nothing saved yet, or returned for correction
	Draft     State = "draft"     // values saved through the form, not submitted
	Submitted State = "submitted" // the reporting unit (МО) submitted
	Approved  State = "approved"  // the region approved
	Accepted  State = "accepted"  // federal acceptance: the values are locked
)

// States lists every state.
var States = []State{Open, Draft, Submitted, Approved, Accepted}

// Label is the Russian name shown in the UI.
func (s State) Label() string {
	switch s {
	case Open:
		return "Не заполнено"
	case Draft:
		return "Черновик"
	case Submitted:
		return "Отправлено"
	case Approved:
		return "Утверждено регионом"
	case Accepted:
		return "Принято (заблокировано)"
	}
	return string(s)
}

// Valid reports whether s is a known state.
func (s State) Valid() bool { return slices.Contains(States, s) }

// Editable reports whether values may be saved through the form.
func (s State) Editable() bool { return s == Open || s == Draft }

// Action moves data from one state to another.
type Action string

// Actions.
const (
	Save    Action = "save"    // values saved as a draft
	Submit  Action = "submit"  // the reporting unit submits
	Approve Action = "approve" // the region approves
	Accept  Action = "accept"  // federal acceptance, locks
	Return  Action = "return"  // the region returns submitted data for correction
	Reject  Action = "reject"  // federal rejection of submitted or approved data
	Unlock  Action = "unlock"  // federal unlocking of accepted data
)

// Actions lists every action.
var Actions = []Action{Save, Submit, Approve, Accept, Return, Reject, Unlock}

// Label is the Russian name of the action (for the audit trail and buttons).
func (a Action) Label() string {
	switch a {
	case Save:
		return "Сохранение черновика"
	case Submit:
		return "Отправка"
	case Approve:
		return "Утверждение"
	case Accept:
		return "Приёмка"
	case Return:
		return "Возврат на доработку"
	case Reject:
		return "Отклонение"
	case Unlock:
		return "Разблокировка"
	case "close":
		return "Закрытие периода"
	}
	return string(a)
}

// ParseAction accepts an action name.
func ParseAction(s string) (Action, error) {
	a := Action(strings.TrimSpace(s))
	if !slices.Contains(Actions, a) {
		return "", fmt.Errorf("unknown workflow action %q", s)
	}
	return a, nil
}

// Transition is one row of the transition table.
type Transition struct {
	From       []State
	To         State
	Perm       auth.Permission // the role must hold it
	NeedReason bool            // a written reason is required
}

// Table is the transition table as data: which states an action applies
// to, where it leads and what it needs. TestTable pins it for every state ×
// action × role.
var Table = map[Action]Transition{
	Save:    {From: []State{Open, Draft}, To: Draft, Perm: auth.WriteData},
	Submit:  {From: []State{Open, Draft}, To: Submitted, Perm: auth.Submit},
	Approve: {From: []State{Submitted}, To: Approved, Perm: auth.Approve},
	Accept:  {From: []State{Approved}, To: Accepted, Perm: auth.Accept},
	Return:  {From: []State{Submitted, Approved}, To: Open, Perm: auth.Approve, NeedReason: true},
	Reject:  {From: []State{Submitted, Approved}, To: Open, Perm: auth.Accept, NeedReason: true},
	Unlock:  {From: []State{Accepted}, To: Open, Perm: auth.Accept, NeedReason: true},
}

// Errors callers tell apart (errors.Is).
var (
	ErrForbidden    = errors.New("the role may not take this action")
	ErrWrongState   = errors.New("the action does not apply in this state")
	ErrNeedReason   = errors.New("a written reason is required")
	ErrPeriodClosed = errors.New("the period is closed")
)

// MaxReason bounds a written reason.
const MaxReason = 2000

// Next checks that role may take action on data in state from (in a period
// that is closed or not) and returns the new state. reason is required for
// returning, rejecting and unlocking.
func Next(from State, action Action, role auth.Role, reason string, closed bool) (State, error) {
	t, ok := Table[action]
	if !ok {
		return "", fmt.Errorf("workflow: unknown action %q", action)
	}
	if !role.Can(t.Perm) {
		return "", fmt.Errorf("%s by %s: %w", action, role, ErrForbidden)
	}
	if closed {
		return "", fmt.Errorf("%s: %w", action, ErrPeriodClosed)
	}
	if !slices.Contains(t.From, from) {
		return "", fmt.Errorf("%s from %s: %w", action, from, ErrWrongState)
	}
	reason = strings.TrimSpace(reason)
	if t.NeedReason && reason == "" {
		return "", fmt.Errorf("%s: %w", action, ErrNeedReason)
	}
	if len([]rune(reason)) > MaxReason {
		return "", fmt.Errorf("%s: reason over %d characters", action, MaxReason)
	}
	return t.To, nil
}

// Allowed lists the actions role may take from state (for buttons).
func Allowed(from State, role auth.Role, closed bool) []Action {
	var out []Action
	for _, a := range Actions {
		if _, err := Next(from, a, role, "x", closed); err == nil {
			out = append(out, a)
		}
	}
	return out
}
