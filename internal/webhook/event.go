package webhook

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// Event types Cifra sends.
const (
	RatingRecomputed = "rating.recomputed"
	RatingPublished  = "rating.published"
	PeriodClosed     = "period.closed"
)

// EventTypes lists every type, for validation and documentation.
func EventTypes() []string { return []string{RatingRecomputed, RatingPublished, PeriodClosed} }

// Event is one change, as its JSON body is sent to every subscriber.
type Event struct {
	ID         string    `json:"id"` // the same across retries and subscribers: receivers deduplicate by it
	Type       string    `json:"type"`
	OccurredAt time.Time `json:"occurred_at"` // UTC
	Data       EventData `json:"data"`
}

// EventData says what changed; receivers fetch the details from the API.
type EventData struct {
	Methodology string `json:"methodology,omitempty"`
	Version     string `json:"version,omitempty"`
	Period      string `json:"period,omitempty"`
	Generation  uint64 `json:"generation,omitempty"` // data generation the result was computed from
	Actor       string `json:"actor,omitempty"`      // who published or closed
	Reason      string `json:"reason,omitempty"`
}

// NewEvent makes an event with a fresh random id, at the given time.
func NewEvent(typ string, at time.Time, data EventData) (Event, error) {
	if !knownType(typ) {
		return Event{}, fmt.Errorf("new webhook event: unknown type %q", typ)
	}
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Event{}, fmt.Errorf("new webhook event: id: %w", err)
	}
	return Event{ID: "evt_" + hex.EncodeToString(b[:]), Type: typ, OccurredAt: at.UTC().Truncate(time.Millisecond), Data: data}, nil
}

func knownType(t string) bool {
	for _, k := range EventTypes() {
		if k == t {
			return true
		}
	}
	return false
}
