package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/cifra-health/cifra/internal/pathway"
	"github.com/cifra-health/cifra/internal/slots"
)

// FeedSnapshots lists the slot snapshots stored, oldest first.
func (s *Store) FeedSnapshots(ctx context.Context) ([]time.Time, error) {
	rows, err := s.query(ctx, `SELECT DISTINCT snapshot FROM feed_slots ORDER BY snapshot`)
	if err != nil {
		return nil, fmt.Errorf("read snapshots: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t.UTC())
	}
	return out, rows.Err()
}

// FeedPosts returns every stored schedule as a post.
func (s *Store) FeedPosts(ctx context.Context) (map[string]slots.Post, error) {
	rows, err := s.query(ctx, `SELECT id, coalesce(org_unit, ''), coalesce(specialty, ''), active FROM feed_schedules`)
	if err != nil {
		return nil, fmt.Errorf("read schedules: %w", err)
	}
	defer rows.Close()
	out := map[string]slots.Post{}
	for rows.Next() {
		var p slots.Post
		if err := rows.Scan(&p.ID, &p.OrgUnit, &p.Specialty, &p.Active); err != nil {
			return nil, err
		}
		out[p.ID] = p
	}
	return out, rows.Err()
}

// FeedSlots streams the slots of one snapshot to fn.
func (s *Store) FeedSlots(ctx context.Context, snapshot time.Time, fn func(slots.Slot) error) error {
	rows, err := s.query(ctx, `SELECT schedule, status, start_at, end_at, epgu FROM feed_slots WHERE snapshot = ?`, snapshot)
	if err != nil {
		return fmt.Errorf("read slots: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sl slots.Slot
		if err := rows.Scan(&sl.Schedule, &sl.Status, &sl.Start, &sl.End, &sl.EPGU); err != nil {
			return err
		}
		if err := fn(sl); err != nil {
			return err
		}
	}
	return rows.Err()
}

// SlotCount is the number of distinct slots starting in a period, by МО:
// a count that adds up over periods (the data elements slots_total and
// slots_epgu). A slot seen in several snapshots counts once, with its
// latest ЕПГУ flag.
type SlotCount struct {
	OrgUnit     string
	Total, EPGU int64
}

// FeedSlotCounts counts slots starting in [from, to) by МО.
func (s *Store) FeedSlotCounts(ctx context.Context, from, to time.Time) ([]SlotCount, error) {
	rows, err := s.query(ctx, `WITH latest AS (
			SELECT DISTINCT ON (id, schedule) id, schedule, epgu, status
			FROM feed_slots WHERE start_at >= ? AND start_at < ? ORDER BY id, schedule, snapshot DESC)
		SELECT sc.org_unit, count(*), count(*) FILTER (WHERE l.epgu)
		FROM latest l JOIN feed_schedules sc ON sc.id = l.schedule
		WHERE sc.org_unit IS NOT NULL AND l.status <> 'entered-in-error'
		GROUP BY sc.org_unit ORDER BY sc.org_unit`, from, to)
	if err != nil {
		return nil, fmt.Errorf("count slots: %w", err)
	}
	defer rows.Close()
	var out []SlotCount
	for rows.Next() {
		var c SlotCount
		if err := rows.Scan(&c.OrgUnit, &c.Total, &c.EPGU); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PathwayRecords are the feed records of the patient's path.
type PathwayRecords struct {
	Appointments []pathway.Appointment
	Encounters   []pathway.Encounter
	Documents    []pathway.Document
	Referrals    []pathway.ReferralRecord
	// Bookings are the same appointments for the booking measures, with
	// their channel.
	Bookings []slots.Booking
}

// FeedPathway loads the appointments created in [from, to) (all when both
// are zero) with their encounters, documents and referrals, and the next
// bookings made on those referrals (marked NextOnly when created later). An appointment without an МО of its own
// takes its slot's schedule's МО and specialty.
func (s *Store) FeedPathway(ctx context.Context, from, to time.Time) (*PathwayRecords, error) {
	if from.IsZero() && to.IsZero() {
		to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	out := &PathwayRecords{}
	err := s.readConn(ctx, func(w *wtx) error { return s.feedPathway(ctx, w, from, to, out) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) feedPathway(ctx context.Context, w *wtx, from, to time.Time, out *PathwayRecords) error {
	if err := w.tempAs(ctx, "pw_appts", `SELECT a.id, coalesce(a.org_unit, sc.org_unit, '') AS org_unit, coalesce(a.specialty, sc.specialty, '') AS specialty,
			coalesce(a.patient, '') AS patient, a.status, coalesce(a.referral, '') AS referral, coalesce(a.channel, '') AS channel,
			a.created_at, a.start_at, a.updated_at
		FROM feed_appointments a
		LEFT JOIN (SELECT id, min(schedule) AS schedule FROM feed_slots WHERE id IN (SELECT slot FROM feed_appointments
			WHERE created_at >= ? AND created_at < ?) GROUP BY id) sl ON sl.id = a.slot
		LEFT JOIN feed_schedules sc ON sc.id = sl.schedule
		WHERE a.created_at >= ? AND a.created_at < ?`, from, to, from, to); err != nil {
		return fmt.Errorf("read appointments: %w", err)
	}
	nt := func(n sql.NullTime) time.Time {
		if !n.Valid {
			return time.Time{}
		}
		return n.Time.UTC()
	}
	err := each(ctx, w, `SELECT id, org_unit, specialty, patient, status, referral, channel, created_at, start_at, updated_at, false FROM pw_appts
		UNION ALL
		SELECT a.id, '', '', coalesce(a.patient, ''), a.status, a.referral, coalesce(a.channel, ''), a.created_at, a.start_at, a.updated_at, true
		FROM feed_appointments a WHERE a.referral IN (SELECT r.id FROM feed_referrals r JOIN feed_encounters e ON e.id = r.encounter
			JOIN pw_appts p ON p.id = e.appointment) AND a.id NOT IN (SELECT id FROM pw_appts)`, func(r *sql.Rows) error {
		var a pathway.Appointment
		var ch string
		var c, st, up sql.NullTime
		if err := r.Scan(&a.ID, &a.OrgUnit, &a.Specialty, &a.Patient, &a.Status, &a.Referral, &ch, &c, &st, &up, &a.NextOnly); err != nil {
			return err
		}
		a.Created, a.Start, a.Updated = nt(c), nt(st), nt(up)
		out.Appointments = append(out.Appointments, a)
		if !a.NextOnly {
			out.Bookings = append(out.Bookings, slots.Booking{OrgUnit: a.OrgUnit, Specialty: a.Specialty, Channel: ch, Status: a.Status, Created: a.Created, Start: a.Start})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read appointments: %w", err)
	}
	err = each(ctx, w, `SELECT e.id, e.appointment, e.status, e.start_at FROM feed_encounters e JOIN pw_appts p ON p.id = e.appointment`, func(r *sql.Rows) error {
		var e pathway.Encounter
		var st sql.NullTime
		if err := r.Scan(&e.ID, &e.Appointment, &e.Status, &st); err != nil {
			return err
		}
		e.Start = nt(st)
		out.Encounters = append(out.Encounters, e)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read encounters: %w", err)
	}
	err = each(ctx, w, `SELECT d.id, d.encounter, d.status, d.created_at, d.registered_at FROM feed_documents d
		JOIN feed_encounters e ON e.id = d.encounter JOIN pw_appts p ON p.id = e.appointment`, func(r *sql.Rows) error {
		var d pathway.Document
		var c, reg sql.NullTime
		if err := r.Scan(&d.ID, &d.Encounter, &d.Status, &c, &reg); err != nil {
			return err
		}
		d.Date, d.Registered = nt(c), nt(reg)
		out.Documents = append(out.Documents, d)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read documents: %w", err)
	}
	err = each(ctx, w, `SELECT r.id, r.encounter, r.authored_at FROM feed_referrals r
		JOIN feed_encounters e ON e.id = r.encounter JOIN pw_appts p ON p.id = e.appointment`, func(r *sql.Rows) error {
		var f pathway.ReferralRecord
		var a sql.NullTime
		if err := r.Scan(&f.ID, &f.Encounter, &a); err != nil {
			return err
		}
		f.Authored = nt(a)
		out.Referrals = append(out.Referrals, f)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read referrals: %w", err)
	}
	return nil
}

func each(ctx context.Context, w *wtx, q string, fn func(*sql.Rows) error) error {
	rows, err := w.query(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// RebuildSlotSummary recomputes the per-post summary of a snapshot from
// its slots. Loads keep the summary themselves; this is for slots written
// by other means (the benchmarks' generated tables, a repair by hand).
func (s *Store) RebuildSlotSummary(ctx context.Context, snapshot time.Time) error {
	_, err := s.write(ctx, famFeed, func(w *wtx) error {
		if _, err := w.exec(ctx, `DELETE FROM feed_slot_posts WHERE snapshot = ?`, snapshot); err != nil {
			return err
		}
		_, err := w.exec(ctx, s.d.stmt(stmtSlotSummaryAll), snapshot)
		return err
	})
	if err != nil {
		return fmt.Errorf("rebuild slot summary %s: %w", snapshot.UTC().Format(time.RFC3339), err)
	}
	return nil
}
