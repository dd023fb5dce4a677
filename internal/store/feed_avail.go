package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/slots"
)

// FeedAvailability computes slot availability of one snapshot, grouped by
// group (nil: МО and specialty), with МО time zones and attached
// population from the hierarchy h: what slots.Compute gives over the
// snapshot's slots, read from the per-post summary of the snapshot that
// every load keeps (feed_slot_posts) — one row per schedule rather than
// one per slot — and added up by slots.Summariser. A schedule not in
// feed_schedules is the post {ID: schedule, Active: true} with no МО, as in
// Compute.
func (s *Store) FeedAvailability(ctx context.Context, snapshot time.Time, h *orgunit.Hierarchy, group func(slots.Post) string) (map[string]*slots.Availability, error) {
	sum := slots.NewSummariser(feedInput(snapshot, h, group))
	// The loop runs once a post (~250 k times over 100 M slots), so the
	// rows come from the driver directly (no database/sql Scan with its
	// reflection), timestamps as epoch microseconds, converted by a
	// goroutine of their own while this one adds them up.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("slot availability: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("driver connection %T cannot query", dc)
		}
		rows, err := q.QueryContext(ctx, s.d.stmt(stmtAvailRows), []driver.NamedValue{{Ordinal: 1, Value: snapshot.UTC()}})
		if err != nil {
			return err
		}
		defer rows.Close()
		return readAvailRows(ctx, rows, func(batch []slots.PostSummary) {
			for i := range batch {
				sum.Add(&batch[i])
			}
		})
	})
	if err != nil {
		return nil, fmt.Errorf("slot availability: %w", err)
	}
	return sum.Result(), nil
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

// FeedDashboard aggregates one snapshot by region and specialty, for the
// region dashboard over large slot tables: FeedAvailability grouped by the
// parent of each post's МО ("" when unmapped) and its specialty. Only
// slots starting at or after the snapshot count; entered-in-error never.
func (s *Store) FeedDashboard(ctx context.Context, snapshot time.Time) ([]DashboardRow, error) {
	h, err := s.Hierarchy(ctx)
	if err != nil {
		return nil, fmt.Errorf("slot dashboard: %w", err)
	}
	av, err := s.FeedAvailability(ctx, snapshot, h, func(p slots.Post) string {
		region := ""
		if u, ok := h.Get(p.OrgUnit); ok && u.Level >= orgunit.Organisation {
			region = u.Parent
		}
		return region + "\x00" + p.Specialty
	})
	if err != nil {
		return nil, fmt.Errorf("slot dashboard: %w", err)
	}
	out := make([]DashboardRow, 0, len(av))
	for g, a := range av {
		region, spec, _ := strings.Cut(g, "\x00")
		out = append(out, DashboardRow{Region: region, Specialty: spec, Total: a.Total, Free: a.Free, EPGU: a.EPGU,
			Posts: int64(a.Posts), PostsOpen: int64(a.PostsOpen), LastFree: a.LastFree, ThirdNextMedian: a.ThirdNextMedian,
			PostsWithThird: int64(len(a.ThirdNext))})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Region != out[j].Region {
			return out[i].Region < out[j].Region
		}
		return out[i].Specialty < out[j].Specialty
	})
	return out, nil
}

// availBatch is how many rows readAvailRows hands over at once.
const availBatch = 1024

// readAvailRows converts rows (FeedAvailability's columns) to summaries in
// a goroutine of its own, handing them to fn in batches in this one, in
// order; it returns when rows are exhausted, on the first error or when
// ctx ends, the goroutine done with rows either way.
func readAvailRows(ctx context.Context, rows driver.Rows, fn func([]slots.PostSummary)) (err error) {
	full := make(chan []slots.PostSummary, 2)
	spare := make(chan []slots.PostSummary, 4)
	stop := make(chan struct{})
	var readErr error
	go func() {
		defer close(full)
		row := make([]driver.Value, 10)
		for {
			if err := ctx.Err(); err != nil {
				readErr = err
				return
			}
			var b []slots.PostSummary
			select {
			case b = <-spare:
				b = b[:0]
			default:
				b = make([]slots.PostSummary, 0, availBatch)
			}
			for len(b) < availBatch {
				if err := rows.Next(row); err == io.EOF {
					break
				} else if err != nil {
					readErr = err
					return
				}
				var r slots.PostSummary
				if err := setPostSummary(&r, row); err != nil {
					readErr = err
					return
				}
				b = append(b, r)
			}
			if len(b) == 0 {
				return
			}
			select {
			case full <- b:
			case <-stop:
				return
			}
			if len(b) < availBatch {
				return
			}
		}
	}()
	defer func() {
		// Also when fn panics: the goroutine stops before rows close.
		close(stop)
		for range full {
		}
		if err == nil {
			err = readErr
		}
	}()
	for b := range full {
		fn(b)
		select {
		case spare <- b:
		default:
		}
	}
	return nil
}

// setPostSummary fills r from a driver row of stmtAvailRows.
func setPostSummary(r *slots.PostSummary, row []driver.Value) error {
	var ok [7]bool
	r.Post.ID, ok[0] = row[0].(string)
	r.Post.OrgUnit, ok[1] = row[1].(string)
	r.Post.Specialty, ok[2] = row[2].(string)
	r.Post.Active, ok[3] = row[3].(bool)
	r.Total, ok[4] = row[4].(int64)
	r.Free, ok[5] = row[5].(int64)
	r.EPGU, ok[6] = row[6].(int64)
	if ok != [7]bool{true, true, true, true, true, true, true} {
		return fmt.Errorf("unexpected row %v", row)
	}
	for i, dst := range [3]*time.Time{&r.FirstFree, &r.ThirdFree, &r.LastFree} {
		v := row[7+i]
		if v == nil {
			*dst = time.Time{}
			continue
		}
		us, ok := v.(int64)
		if !ok {
			return fmt.Errorf("slot start %v (%T): want epoch microseconds", v, v)
		}
		*dst = time.UnixMicro(us).UTC()
	}
	return nil
}

// feedInput is the slots.Compute input of a snapshot but its posts: МО
// time zones (Moscow when unknown or unreadable) and populations from h.
func feedInput(snapshot time.Time, h *orgunit.Hierarchy, group func(slots.Post) string) slots.Input {
	zones := map[string]*time.Location{}
	return slots.Input{
		Snapshot: snapshot,
		Group:    group,
		Zone: func(ou string) *time.Location {
			if z, ok := zones[ou]; ok {
				return z
			}
			z := slots.Moscow
			if u, ok := h.Get(ou); ok {
				if l, err := slots.ParseZone(u.TimeZone); err == nil {
					z = l
				}
			}
			zones[ou] = z
			return z
		},
		Population: func(ou string) int64 {
			if u, ok := h.Get(ou); ok {
				return u.Population
			}
			return 0
		},
	}
}
