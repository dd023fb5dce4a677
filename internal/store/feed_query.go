package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/cifra-health/cifra/internal/pathway"
	"github.com/cifra-health/cifra/internal/slots"
)

// FeedSnapshots lists the slot snapshots stored, oldest first.
func (s *Store) FeedSnapshots(ctx context.Context) ([]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT snapshot FROM feed_slots ORDER BY snapshot`)
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
	rows, err := s.db.QueryContext(ctx, `SELECT id, coalesce(org_unit, ''), coalesce(specialty, ''), active FROM feed_schedules`)
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
	rows, err := s.db.QueryContext(ctx, `SELECT schedule, status, start_at, end_at, epgu FROM feed_slots WHERE snapshot = ?`, snapshot)
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
	rows, err := s.db.QueryContext(ctx, `WITH latest AS (
			SELECT id, schedule, arg_max(epgu, snapshot) AS epgu, arg_max(status, snapshot) AS status
			FROM feed_slots WHERE start_at >= ? AND start_at < ? GROUP BY id, schedule)
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
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE pw_appts AS
		SELECT a.id, coalesce(a.org_unit, sc.org_unit, '') AS org_unit, coalesce(a.specialty, sc.specialty, '') AS specialty,
			coalesce(a.patient, '') AS patient, a.status, coalesce(a.referral, '') AS referral, coalesce(a.channel, '') AS channel,
			a.created_at, a.start_at, a.updated_at
		FROM feed_appointments a
		LEFT JOIN (SELECT id, any_value(schedule) AS schedule FROM feed_slots GROUP BY id) sl ON sl.id = a.slot
		LEFT JOIN feed_schedules sc ON sc.id = sl.schedule
		WHERE a.created_at >= ? AND a.created_at < ?`, from, to); err != nil {
		return nil, fmt.Errorf("read appointments: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS temp.pw_appts`) //nolint:errcheck // best effort
	out := &PathwayRecords{}
	nt := func(n sql.NullTime) time.Time {
		if !n.Valid {
			return time.Time{}
		}
		return n.Time.UTC()
	}
	err = each(ctx, conn, `SELECT id, org_unit, specialty, patient, status, referral, channel, created_at, start_at, updated_at, false FROM pw_appts
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
		return nil, fmt.Errorf("read appointments: %w", err)
	}
	err = each(ctx, conn, `SELECT e.id, e.appointment, e.status, e.start_at FROM feed_encounters e JOIN pw_appts p ON p.id = e.appointment`, func(r *sql.Rows) error {
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
		return nil, fmt.Errorf("read encounters: %w", err)
	}
	err = each(ctx, conn, `SELECT d.id, d.encounter, d.status, d.created_at, d.registered_at FROM feed_documents d
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
		return nil, fmt.Errorf("read documents: %w", err)
	}
	err = each(ctx, conn, `SELECT r.id, r.encounter, r.authored_at FROM feed_referrals r
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
		return nil, fmt.Errorf("read referrals: %w", err)
	}
	return out, nil
}

func each(ctx context.Context, conn *sql.Conn, q string, fn func(*sql.Rows) error) error {
	rows, err := conn.QueryContext(ctx, q)
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

// DashboardRow is one region × specialty cell of the slot dashboard.
type DashboardRow struct {
	Region, Specialty string
	Total, Free, EPGU int64
	Posts, PostsOpen  int64
	// LastFree is the start of the last free slot (the booking horizon's
	// end); zero when there is none.
	LastFree time.Time
	// ThirdNextMedian is the median over posts with three free slots
	// (PostsWithThird) of the third next available appointment in calendar
	// days of the МО's zone, as slots.Compute does.
	ThirdNextMedian float64
	PostsWithThird  int64
}

// summaryMu serialises building slot summaries, so that two dashboards
// asking at once do not both insert one.
var summaryMu sync.Mutex

// slotSummary builds the per-post summary of a snapshot unless present:
// per schedule with a slot in the horizon (start at or after the snapshot,
// entered-in-error excluded), its slots, free and ЕПГУ slots and the starts
// of its first, third and last free slots.
func (s *Store) slotSummary(ctx context.Context, snapshot time.Time) error {
	summaryMu.Lock()
	defer summaryMu.Unlock()
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM feed_slot_posts WHERE snapshot = ?`, snapshot).Scan(&n); err != nil {
		return fmt.Errorf("slot summary: %w", err)
	}
	if n > 0 {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO feed_slot_posts (snapshot, schedule, total, free, epgu, third_free, last_free, first_free)
		SELECT snapshot, schedule, count(*), count(*) FILTER (WHERE status = 'free'), count(*) FILTER (WHERE epgu),
			min(start_at, 3) FILTER (WHERE status = 'free')[3], max(start_at) FILTER (WHERE status = 'free'),
			min(start_at) FILTER (WHERE status = 'free')
		FROM feed_slots WHERE snapshot = ? AND start_at >= snapshot AND status <> 'entered-in-error'
		GROUP BY snapshot, schedule`, snapshot)
	if err != nil {
		return fmt.Errorf("slot summary: %w", err)
	}
	return nil
}

// FeedDashboard aggregates one snapshot by region and specialty, for the
// region dashboard over large slot tables (the Go measures in
// internal/slots are for МО-level detail). It reads a per-post summary of
// the snapshot, built on first use. Only slots starting at or after the
// snapshot count; entered-in-error never.
func (s *Store) FeedDashboard(ctx context.Context, snapshot time.Time) ([]DashboardRow, error) {
	if err := s.slotSummary(ctx, snapshot); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT coalesce(ou.parent, '') AS region, coalesce(sc.specialty, '') AS specialty,
			sum(p.total)::BIGINT, sum(p.free)::BIGINT, sum(p.epgu)::BIGINT, count(*), count(*) FILTER (WHERE p.epgu > 0), max(p.last_free),
			-- calendar days in the МО's zone ("UTC+3"; Moscow when unknown)
			median(date_diff('day', (p.snapshot + to_hours(coalesce(TRY_CAST(replace(ou.time_zone, 'UTC', '') AS INTEGER), 3)))::DATE,
				(p.third_free + to_hours(coalesce(TRY_CAST(replace(ou.time_zone, 'UTC', '') AS INTEGER), 3)))::DATE)),
			count(p.third_free)
		FROM feed_slot_posts p LEFT JOIN feed_schedules sc ON sc.id = p.schedule LEFT JOIN org_units ou ON ou.code = sc.org_unit
		WHERE p.snapshot = ?
		GROUP BY ALL ORDER BY region, specialty`, snapshot)
	if err != nil {
		return nil, fmt.Errorf("slot dashboard: %w", err)
	}
	defer rows.Close()
	var out []DashboardRow
	for rows.Next() {
		var r DashboardRow
		var last sql.NullTime
		var third sql.NullFloat64
		if err := rows.Scan(&r.Region, &r.Specialty, &r.Total, &r.Free, &r.EPGU, &r.Posts, &r.PostsOpen, &last, &third, &r.PostsWithThird); err != nil {
			return nil, err
		}
		if last.Valid {
			r.LastFree = last.Time.UTC()
		}
		r.ThirdNextMedian = third.Float64
		out = append(out, r)
	}
	return out, rows.Err()
}
