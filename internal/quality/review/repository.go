package review

import (
	"context"
	"errors"

	"github.com/cifra-health/cifra/internal/period"
)

// Errors a Repository returns (errors.Is).
var (
	ErrNotFound = errors.New("review: not found")
	// ErrConflict: the subject gained events since it was read (someone
	// else acted first); read it again.
	ErrConflict = errors.New("review: changed meanwhile")
	// ErrDuplicate: a review for the same trigger (Trigger.Key) exists.
	ErrDuplicate = errors.New("review: trigger already raised")
)

// Repository stores commissions, reviews, corrective actions and their
// audit events; the store implements it on DuckDB and PostgreSQL (tables
// proposed in docs/quality-store.md). Each Save writes the subject and its
// events from Stored on in one transaction, only if the stored events
// still number Stored (else ErrConflict), fills the ids of new subjects
// into them and their events, sets Stored to len(Events), and advances the
// data generation so that aggregates and pages follow.
type Repository interface {
	Commission(ctx context.Context, mo string) (*Commission, error)
	SaveCommission(ctx context.Context, c *Commission) error

	// SaveReview creates (ID 0) or updates a review; a new targeted
	// review whose Trigger.Key is taken fails with ErrDuplicate.
	SaveReview(ctx context.Context, r *Review) error
	Review(ctx context.Context, id int64) (*Review, error)
	Reviews(ctx context.Context, f ReviewFilter) ([]*Review, error)

	SaveAction(ctx context.Context, a *Action) error
	Action(ctx context.Context, id int64) (*Action, error)
	Actions(ctx context.Context, f ActionFilter) ([]*Action, error)

	// Events lists audit events, newest first.
	Events(ctx context.Context, f EventFilter) ([]Event, error)
}

// ReviewFilter selects reviews; zero fields match all. The caller narrows
// MOs to the actor's scope before asking.
type ReviewFilter struct {
	MOs      []string
	Quarters []period.Period
	Kinds    []Kind
	States   []State
	Reviewer string
	Limit    int
}

// ActionFilter selects corrective actions; zero fields match all.
type ActionFilter struct {
	MOs     []string
	Review  int64
	Owner   string
	States  []ActionState
	DueFrom string // YYYY-MM-DD, inclusive
	DueTo   string // YYYY-MM-DD, inclusive
	Limit   int
}

// EventFilter selects audit events; zero fields match all.
type EventFilter struct {
	MOs              []string
	Review           int64
	CorrectiveAction int64
	Actor            string
	Limit            int
}

// NewEvents returns the events not yet stored.
func NewEvents(events []Event, stored int) []Event {
	if stored < 0 || stored > len(events) {
		return events
	}
	return events[stored:]
}
