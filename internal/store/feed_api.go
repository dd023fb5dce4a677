package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// FeedScheduleUnits returns the МО of the stored schedules among ids (""
// for a schedule stored without one); ids not stored are absent. The push
// endpoint uses it to check that slots pushed for a known schedule belong to
// the caller's scope.
func (s *Store) FeedScheduleUnits(ctx context.Context, ids []string) (map[string]string, error) {
	return s.FeedStoredUnits(ctx, "Schedule", ids)
}

// feedUnitQueries read the МО of stored feed resources by id. Resources are
// upserted by id, so a push naming a stored id replaces another МО's
// record: the push endpoint checks the stored МО as well as the pushed one.
// A referral has no МО of its own: it is its encounter's.
var feedUnitQueries = map[string]string{
	"Schedule":          `SELECT id, coalesce(org_unit, '') FROM feed_schedules WHERE id IN `,
	"Appointment":       `SELECT id, coalesce(org_unit, '') FROM feed_appointments WHERE id IN `,
	"Encounter":         `SELECT id, coalesce(org_unit, '') FROM feed_encounters WHERE id IN `,
	"DocumentReference": `SELECT id, coalesce(org_unit, '') FROM feed_documents WHERE id IN `,
	"ServiceRequest": `SELECT r.id, coalesce(e.org_unit, '') FROM feed_referrals r LEFT JOIN feed_encounters e ON e.id = r.encounter
		WHERE r.id IN `,
}

// FeedStoredUnits returns, for the stored resources of a FHIR type
// (Schedule, Appointment, Encounter, DocumentReference, ServiceRequest)
// among ids, their МО ("" when stored unmapped); ids not stored are absent.
func (s *Store) FeedStoredUnits(ctx context.Context, typ string, ids []string) (map[string]string, error) {
	base, ok := feedUnitQueries[typ]
	if !ok {
		return nil, fmt.Errorf("stored units: unknown resource type %q", typ)
	}
	out := map[string]string{}
	const chunk = 1000
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		part := ids[:n]
		ids = ids[n:]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := base + `(?` + strings.Repeat(", ?", len(part)-1) + `)`
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("read %s units: %w", typ, err)
		}
		for rows.Next() {
			var id, ou string
			if err := rows.Scan(&id, &ou); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read %s units: %w", typ, err)
			}
			// Several stored versions of one id cannot exist (upsert), but
			// keep any non-empty МО rather than the last row's.
			if out[id] == "" {
				out[id] = ou
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s units: %w", typ, err)
		}
	}
	return out, nil
}

// FeedVersion names the state of the loaded feed: it changes whenever a
// load commits (every load records its file). Pages key their caches of
// computed feed measures on it.
func (s *Store) FeedVersion(ctx context.Context) (string, error) {
	var n int64
	var last *time.Time
	if err := s.db.QueryRowContext(ctx, `SELECT count(*), max(loaded_at) FROM feed_files`).Scan(&n, &last); err != nil {
		return "", fmt.Errorf("feed version: %w", err)
	}
	v := fmt.Sprintf("%p:%d", s, n)
	if last != nil {
		v += ":" + last.UTC().Format(time.RFC3339Nano)
	}
	return v, nil
}

// FeedSynthetic reports whether the feed holds generated data: the whole
// database is a demo, or cifra demo feed added a synthetic feed to it.
func (s *Store) FeedSynthetic(ctx context.Context) bool {
	if s.Synthetic(ctx) {
		return true
	}
	v, _, err := s.Meta(ctx, "synthetic_feed")
	return err == nil && v == "true"
}
