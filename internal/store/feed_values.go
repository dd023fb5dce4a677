package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"slices"
	"sort"
	"time"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/pathway"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/slots"
)

// Data elements of the built-in methodology that the feed measures.
const (
	DESlotsTotal     = "slots_total"
	DESlotsEPGU      = "slots_epgu"
	DEThirdSlotDays  = "third_slot_days"
	DEAppointments   = "appointments_total"
	DEApptsRemote    = "appointments_remote"
	DECasesCompleted = "cases_completed"
	DECasesWithEMD   = "cases_with_emd"
	DEEMDDelay       = "emd_delay_median"
)

// visitLookback is how far before a period bookings are read so that visits
// in the period booked earlier are found.
const visitLookback = 92 * 24 * time.Hour

// FeedValues turns the feed into data values of the rating for period p,
// per МО:
//   - slots_total, slots_epgu: distinct slots starting in p (ЕПГУ flag as
//     last seen);
//   - third_slot_days: the median over the МО's first-contact posts of the
//     third next available appointment, in the last snapshot taken in p;
//   - appointments_total, appointments_remote: bookings made in p (remote:
//     ЕПГУ, call centre, infomat);
//   - cases_completed, cases_with_emd, emd_delay_median: visits in p, those
//     with an ЭМД registered in РЭМД, and the median delay in days.
//
// Values are only produced where there are data: an МО without slots gets
// no slot values rather than zeros.
func (s *Store) FeedValues(ctx context.Context, p period.Period) ([]datavalue.Value, error) {
	from, to := p.Start(), p.End()
	h, err := s.Hierarchy(ctx)
	if err != nil {
		return nil, err
	}
	vals := map[[2]string]float64{}
	set := func(de, ou string, v float64) {
		if ou != "" {
			vals[[2]string{de, ou}] = v
		}
	}
	counts, err := s.FeedSlotCounts(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, c := range counts {
		set(DESlotsTotal, c.OrgUnit, float64(c.Total))
		set(DESlotsEPGU, c.OrgUnit, float64(c.EPGU))
	}

	snaps, err := s.FeedSnapshots(ctx)
	if err != nil {
		return nil, err
	}
	var snap time.Time
	for _, t := range snaps {
		if !t.Before(from) && t.Before(to) {
			snap = t
		}
	}
	if !snap.IsZero() {
		av, err := s.FeedAvailability(ctx, snap, h, func(p slots.Post) string {
			if _, ok := slots.FirstContact[p.Specialty]; !ok {
				return ""
			}
			return p.OrgUnit
		})
		if err != nil {
			return nil, err
		}
		for ou, a := range av {
			if len(a.ThirdNext) > 0 {
				set(DEThirdSlotDays, ou, a.ThirdNextMedian)
			}
		}
	}

	recs, err := s.FeedPathway(ctx, from.Add(-visitLookback), to)
	if err != nil {
		return nil, err
	}
	var inPeriod []slots.Booking
	for _, b := range recs.Bookings {
		if !b.Created.Before(from) {
			inPeriod = append(inPeriod, b)
		}
	}
	for ou, b := range slots.ComputeBookings(inPeriod, func(b slots.Booking) string { return b.OrgUnit }) {
		set(DEAppointments, ou, float64(b.Total))
		var remote int64
		for _, ch := range []string{"epgu", "call-centre", "infomat"} {
			remote += b.ByChannel[ch]
		}
		set(DEApptsRemote, ou, float64(remote))
	}
	cases := pathway.Build(recs.Appointments, recs.Encounters, recs.Documents, recs.Referrals)
	emd := pathway.MeasureEMD(cases, func(c *pathway.Case) string {
		v, _ := c.First(pathway.Visit)
		if v.Before(from) || !v.Before(to) {
			return ""
		}
		return c.OrgUnit
	})
	for ou, m := range emd {
		set(DECasesCompleted, ou, float64(m.Visits))
		set(DECasesWithEMD, ou, float64(m.Registered))
		if m.Registered > 0 {
			set(DEEMDDelay, ou, round(m.DelayMedian, 2))
		}
	}

	out := make([]datavalue.Value, 0, len(vals))
	for k, v := range vals {
		if u, ok := h.Get(k[1]); !ok || u.Level < orgunit.Organisation {
			continue // unmapped or not an МО: counted in the load report
		}
		out = append(out, datavalue.Value{DataElement: k[0], Period: p.String(), OrgUnit: k[1], Value: v,
			Source: datavalue.Source{File: "feed"}})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].DataElement != out[j].DataElement {
			return out[i].DataElement < out[j].DataElement
		}
		return out[i].OrgUnit < out[j].OrgUnit
	})
	return out, nil
}

func round(x float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	if x < 0 {
		return -float64(int64(-x*p+0.5)) / p
	}
	return float64(int64(x*p+0.5)) / p
}

// FeedAvailability computes slot availability of one snapshot, grouped by
// group (nil: МО and specialty), with МО time zones and attached
// population from the hierarchy h: what slots.Compute gives over the
// snapshot's slots (feedAvailabilitySlots), read from the per-post summary
// of the snapshot (slotSummary, built on first use) — one row per schedule
// rather than one per slot. A post's calendar days come from the starts of
// its first, third and last free slots; a schedule not in feed_schedules
// is the post {ID: schedule, Active: true} with no МО, as in Compute.
func (s *Store) FeedAvailability(ctx context.Context, snapshot time.Time, h *orgunit.Hierarchy, group func(slots.Post) string) (map[string]*slots.Availability, error) {
	if err := s.slotSummary(ctx, snapshot); err != nil {
		return nil, err
	}
	if group == nil {
		group = func(p slots.Post) string { return p.OrgUnit + "|" + p.Specialty }
	}
	in := feedInput(snapshot, h, group)
	// The loop runs once a post (~250 k times over 100 M slots), so the
	// rows come from the driver directly (no database/sql Scan with its
	// reflection), timestamps as epoch microseconds (what the driver makes
	// a time.Time of), converted by a goroutine of their own while this one
	// groups them (group is only ever called from here, one post at a
	// time), and per-МО and per-group state is reached with at most one map
	// look-up a row each.
	orgs := map[string]*availOrg{}
	groups := map[string]*availGroup{}
	var lastO *availOrg
	var lastG string
	var lastAc *availGroup
	add := func(r *availRow) {
		g := group(r.post)
		if g == "" {
			return
		}
		acc := lastAc
		if acc == nil || g != lastG {
			if acc = groups[g]; acc == nil {
				acc = &availGroup{a: &slots.Availability{}, orgs: map[*availOrg]struct{}{}}
				groups[g] = acc
			}
			lastG, lastAc = g, acc
		}
		ou := r.post.OrgUnit
		o := lastO
		if o == nil || o.code != ou {
			if o = orgs[ou]; o == nil {
				o = &availOrg{code: ou, loc: in.Zone(ou)}
				o.today = civilDay(snapshot, o.loc)
				orgs[ou] = o
			}
			lastO = o
		}
		if o.seenBy != acc {
			acc.orgs[o] = struct{}{}
			o.seenBy = acc
		}
		a := acc.a
		a.Posts++
		if r.epgu > 0 {
			a.PostsOpen++
		}
		a.Total += r.total
		a.Free += r.free
		a.EPGU += r.epgu
		if r.hasFirst {
			d := o.day(r.first)
			if !a.HasFree || d < a.NextFreeDays {
				a.NextFreeDays = d
			}
			a.HasFree = true
			if r.hasLast {
				a.HorizonDays = max(a.HorizonDays, o.day(r.last))
			}
		}
		if r.hasThird {
			a.ThirdNext = append(a.ThirdNext, o.day(r.third))
		} else {
			a.PostsWithoutThird++
		}
	}
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
		rows, err := q.QueryContext(ctx, `SELECT p.schedule, coalesce(sc.org_unit, ''), coalesce(sc.specialty, ''), coalesce(sc.active, true),
				p.total, p.free, p.epgu, epoch_us(p.first_free), epoch_us(p.third_free), epoch_us(p.last_free)
			FROM feed_slot_posts p LEFT JOIN feed_schedules sc ON sc.id = p.schedule
			WHERE p.snapshot = ?`, []driver.NamedValue{{Ordinal: 1, Value: snapshot}})
		if err != nil {
			return err
		}
		defer rows.Close()
		return readAvailRows(ctx, rows, func(batch []availRow) {
			for i := range batch {
				add(&batch[i])
			}
		})
	})
	if err != nil {
		return nil, fmt.Errorf("slot availability: %w", err)
	}
	out := make(map[string]*slots.Availability, len(groups))
	for g, acc := range groups {
		a := acc.a
		out[g] = a
		if a.Total > 0 {
			a.EPGUShare = float64(a.EPGU) / float64(a.Total)
		}
		if a.Posts > 0 {
			a.PostsOpenShare = float64(a.PostsOpen) / float64(a.Posts)
		}
		for o := range acc.orgs {
			if o.code != "" {
				a.Population += in.Population(o.code)
			}
		}
		if a.Population > 0 {
			a.FreePer1000 = float64(a.Free) * 1000 / float64(a.Population)
		}
		slices.Sort(a.ThirdNext)
		a.ThirdNextMedian = slots.MedianInts(a.ThirdNext)
	}
	return out, nil
}

// availOrg is an МО as FeedAvailability meets it: its zone, the snapshot's
// calendar day there, and the group it was last counted in.
type availOrg struct {
	code   string
	loc    *time.Location
	today  int
	seenBy *availGroup
}

// availGroup is a group's measures being summed and the МО seen in it.
type availGroup struct {
	a    *slots.Availability
	orgs map[*availOrg]struct{}
}

// day is the calendar day, in the МО's zone, of a start in epoch
// microseconds, counted from the snapshot's.
func (o *availOrg) day(us int64) int {
	return civilDay(time.UnixMicro(us), o.loc) - o.today
}

// availRow is a row of FeedAvailability's query: a post and its summary,
// starts of free slots in epoch microseconds.
type availRow struct {
	post                        slots.Post
	total, free, epgu           int64
	first, third, last          int64
	hasFirst, hasThird, hasLast bool
}

// availBatch is how many rows readAvailRows hands over at once.
const availBatch = 1024

// readAvailRows converts rows (FeedAvailability's columns) to availRow in
// a goroutine of its own, handing them to fn in batches in this one, in
// order; it returns when rows are exhausted, on the first error or when
// ctx ends, the goroutine done with rows either way.
func readAvailRows(ctx context.Context, rows driver.Rows, fn func([]availRow)) (err error) {
	full := make(chan []availRow, 2)
	spare := make(chan []availRow, 4)
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
			var b []availRow
			select {
			case b = <-spare:
				b = b[:0]
			default:
				b = make([]availRow, 0, availBatch)
			}
			for len(b) < availBatch {
				if err := rows.Next(row); err == io.EOF {
					break
				} else if err != nil {
					readErr = err
					return
				}
				var r availRow
				if err := r.set(row); err != nil {
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

// set fills r from a driver row of FeedAvailability's query.
func (r *availRow) set(row []driver.Value) error {
	var ok [7]bool
	r.post.ID, ok[0] = row[0].(string)
	r.post.OrgUnit, ok[1] = row[1].(string)
	r.post.Specialty, ok[2] = row[2].(string)
	r.post.Active, ok[3] = row[3].(bool)
	r.total, ok[4] = row[4].(int64)
	r.free, ok[5] = row[5].(int64)
	r.epgu, ok[6] = row[6].(int64)
	if ok != [7]bool{true, true, true, true, true, true, true} {
		return fmt.Errorf("unexpected row %v", row)
	}
	for i, dst := range [3]struct {
		us  *int64
		has *bool
	}{{&r.first, &r.hasFirst}, {&r.third, &r.hasThird}, {&r.last, &r.hasLast}} {
		v := row[7+i]
		if v == nil {
			continue
		}
		us, ok := v.(int64)
		if !ok {
			return fmt.Errorf("slot start %v (%T): want epoch microseconds", v, v)
		}
		*dst.us, *dst.has = us, true
	}
	return nil
}

// civilDay numbers the calendar day of t in loc, as slots.Compute does.
func civilDay(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
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

// feedAvailabilitySlots is FeedAvailability computed from every slot of
// the snapshot by slots.Compute: the reference the summary path is tested
// against.
func (s *Store) feedAvailabilitySlots(ctx context.Context, snapshot time.Time, h *orgunit.Hierarchy, group func(slots.Post) string) (map[string]*slots.Availability, error) {
	posts, err := s.FeedPosts(ctx)
	if err != nil {
		return nil, err
	}
	var all []slots.Slot
	if err := s.FeedSlots(ctx, snapshot, func(sl slots.Slot) error {
		all = append(all, sl)
		return nil
	}); err != nil {
		return nil, err
	}
	in := feedInput(snapshot, h, group)
	in.Posts = posts
	return slots.Compute(in, all), nil
}
