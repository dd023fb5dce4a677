package ticket

import (
	"context"
	"errors"
	"time"

	"github.com/cifra-health/cifra/internal/support/priority"
)

// Errors a Repository returns (errors.Is).
var (
	ErrNotFound = errors.New("ticket: not found")
	// ErrConflict: another event was stored since the ticket was read.
	ErrConflict = errors.New("ticket: changed meanwhile")
	// ErrExists: an open ticket with the same External key exists; the
	// caller updates it instead (alerts are idempotent).
	ErrExists = errors.New("ticket: external key already open")
)

// Repository stores tickets as their events plus a current row for lists
// (tables proposed in docs/support.md). Every write is one transaction
// that also writes the audit row and advances the data generation.
type Repository interface {
	// Create stores a ticket from Desk.Open and sets its ID; ErrExists if
	// Spec.External is set and an open ticket holds it.
	Create(ctx context.Context, t *Ticket) error
	// Append stores events of ticket id if its last stored sequence
	// number is seq-1 of the first event; ErrConflict otherwise.
	Append(ctx context.Context, id int64, events ...Event) error
	// Ticket reads one ticket with its events (Replay).
	Ticket(ctx context.Context, id int64) (*Ticket, error)
	// ByExternal finds the open ticket holding an external key.
	ByExternal(ctx context.Context, region, external string) (*Ticket, error)
	// Tickets lists the current rows (without events) matching f.
	Tickets(ctx context.Context, f Filter) ([]*Ticket, error)
	// Children lists the tickets linked to a mass incident.
	Children(ctx context.Context, parent int64) ([]*Ticket, error)
}

// Filter selects tickets for a queue, a search or a report; zero fields
// match all. Scope is applied by the caller through OrgUnits/Vendor.
type Filter struct {
	Region     string
	OrgUnits   []string // the actor's units; nil: all in Region
	Vendor     string   // tickets ever escalated to the vendor
	States     []State
	Priorities []priority.Priority
	Assignee   string
	System     string
	// Text searches title and description (and comments in PostgreSQL
	// full-text / DuckDB ILIKE).
	Text        string
	CreatedFrom time.Time // inclusive
	CreatedTo   time.Time // exclusive
	After       int64     // keyset paging: IDs below After (newest first)
	Limit       int
}
