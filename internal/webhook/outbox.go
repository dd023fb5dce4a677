package webhook

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Status of a delivery.
type Status string

// Delivery states: pending until the receiver answers 2xx (delivered) or
// the attempts run out or the receiver refuses for good (failed).
const (
	Pending   Status = "pending"
	Delivered Status = "delivered"
	Failed    Status = "failed"
)

// Delivery is one event for one subscriber: a row of the outbox.
type Delivery struct {
	ID           string // EventID + "/" + Subscription
	Subscription string
	EventID      string
	EventType    string
	Payload      []byte // the JSON body, fixed when enqueued so that retries send the same bytes
	Status       Status
	Attempts     int
	NextAttempt  time.Time
	CreatedAt    time.Time
	LeaseUntil   time.Time // a dispatcher holds it until then
}

// Attempt is one try, as the delivery log records it.
type Attempt struct {
	Delivery   string
	N          int // 1 for the first try
	At         time.Time
	Duration   time.Duration
	HTTPStatus int    // 0 when no answer came
	Error      string // "" on success
}

// Outbox persists deliveries and their log. Implementations must make Due
// safe for several servers: a delivery handed out is leased until
// LeaseUntil and not handed out again before (SELECT … FOR UPDATE SKIP
// LOCKED on PostgreSQL; DuckDB has one writer process). docs/api.md has
// the DDL.
type Outbox interface {
	// Enqueue stores new pending deliveries; an existing ID is left as is,
	// so publishing an event twice sends it once.
	Enqueue(ctx context.Context, ds []Delivery) error
	// Due leases up to limit pending deliveries whose NextAttempt is not
	// after now, oldest first.
	Due(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Delivery, error)
	// Record stores the outcome of an attempt: the updated delivery
	// (status, attempts, next attempt; lease cleared) and its log line.
	Record(ctx context.Context, d Delivery, a Attempt) error
}

// Subscriptions looks up receivers; the store keeps them.
type Subscriptions interface {
	// Subscriptions lists every subscription, active or not.
	Subscriptions(ctx context.Context) ([]Subscription, error)
	// Subscription returns one; ErrNoSubscription when it is gone.
	Subscription(ctx context.Context, id string) (Subscription, error)
}

// ErrNoSubscription is returned for a subscription that does not exist.
var ErrNoSubscription = errors.New("webhook: no such subscription")

// Memory is an Outbox and Subscriptions in memory: for tests and for a
// single server that may lose undelivered events on restart.
type Memory struct {
	mu         sync.Mutex
	subs       map[string]Subscription
	deliveries map[string]*Delivery
	log        []Attempt
}

// NewMemory returns an empty Memory.
func NewMemory() *Memory {
	return &Memory{subs: map[string]Subscription{}, deliveries: map[string]*Delivery{}}
}

// PutSubscription adds or replaces a subscription after validating it.
func (m *Memory) PutSubscription(s Subscription, p Policy) error {
	if err := s.Validate(p); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s.Secret = slices.Clone(s.Secret)
	s.Events = slices.Clone(s.Events)
	m.subs[s.ID] = s
	return nil
}

// Subscriptions implements Subscriptions, ordered by id.
func (m *Memory) Subscriptions(context.Context) ([]Subscription, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Subscription, 0, len(m.subs))
	for _, s := range m.subs {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Subscription) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Subscription implements Subscriptions.
func (m *Memory) Subscription(_ context.Context, id string) (Subscription, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.subs[id]
	if !ok {
		return Subscription{}, fmt.Errorf("subscription %q: %w", id, ErrNoSubscription)
	}
	return s, nil
}

// Enqueue implements Outbox.
func (m *Memory) Enqueue(_ context.Context, ds []Delivery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range ds {
		if _, dup := m.deliveries[d.ID]; dup {
			continue
		}
		d.Payload = slices.Clone(d.Payload)
		m.deliveries[d.ID] = &d
	}
	return nil
}

// Due implements Outbox.
func (m *Memory) Due(_ context.Context, now time.Time, limit int, lease time.Duration) ([]Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var due []*Delivery
	for _, d := range m.deliveries {
		if d.Status == Pending && !d.NextAttempt.After(now) && !d.LeaseUntil.After(now) {
			due = append(due, d)
		}
	}
	slices.SortFunc(due, func(a, b *Delivery) int {
		if c := a.NextAttempt.Compare(b.NextAttempt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(due) > limit {
		due = due[:limit]
	}
	out := make([]Delivery, len(due))
	for i, d := range due {
		d.LeaseUntil = now.Add(lease)
		out[i] = *d
	}
	return out, nil
}

// Record implements Outbox.
func (m *Memory) Record(_ context.Context, d Delivery, a Attempt) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.deliveries[d.ID]
	if !ok {
		return fmt.Errorf("record webhook attempt: unknown delivery %q", d.ID)
	}
	d.LeaseUntil = time.Time{}
	d.Payload = cur.Payload
	*cur = d
	m.log = append(m.log, a)
	return nil
}

// Delivery returns a copy of one delivery.
func (m *Memory) Delivery(id string) (Delivery, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.deliveries[id]
	if !ok {
		return Delivery{}, false
	}
	return *d, true
}

// Log returns the attempts of one delivery, oldest first.
func (m *Memory) Log(delivery string) []Attempt {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Attempt
	for _, a := range m.log {
		if a.Delivery == delivery {
			out = append(out, a)
		}
	}
	return out
}
