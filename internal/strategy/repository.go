package strategy

import (
	"context"
	"errors"

	"github.com/cifra-health/cifra/internal/workflow"
)

// Errors a Repository returns (errors.Is).
var (
	ErrNotFound = errors.New("strategy: change not found")
	// ErrConflict: the change moved on since it was read (another
	// reviewer acted first); read it again.
	ErrConflict = errors.New("strategy: the change was changed meanwhile")
)

// Repository stores strategy changes. The store implements it on DuckDB
// and PostgreSQL (tables proposed in docs/strategy.md); every write is
// one transaction that also advances the data generation, so caches of
// plan-vs-fact pages follow it.
type Repository interface {
	// SaveChange stores a new change (from NewChange) with its entries
	// and events, and sets c.ID.
	SaveChange(ctx context.Context, c *Change) error
	// Transition records ev (from Change.Apply) on change id if it is
	// still in state from, and updates its state and acceptance time;
	// ErrConflict otherwise, ErrNotFound for no such change.
	Transition(ctx context.Context, id int64, from workflow.State, ev Event) error
	// Change returns one change with its entries and events.
	Change(ctx context.Context, id int64) (*Change, error)
	// Changes lists changes, newest first, without entries.
	Changes(ctx context.Context, f ChangeFilter) ([]*Change, error)
	// Revisions returns the revisions of the keys matching f, numbered
	// per key and year in change order (as Revisions does), so Plans and
	// RevisionHistory can be applied.
	Revisions(ctx context.Context, f RevisionFilter) ([]Revision, error)
}

// ChangeFilter selects changes; zero fields match all.
type ChangeFilter struct {
	Region      string           // changes with an entry for the region
	Methodology string           // changes with an entry for the methodology
	States      []workflow.State // e.g. Submitted and Approved for a review queue
	Limit       int
}

// RevisionFilter selects revisions; zero fields match all.
type RevisionFilter struct {
	Regions     []string
	Methodology string
	Indicator   string
	Year        int
}
