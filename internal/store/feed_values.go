package store

import (
	"context"
	"database/sql"
	"fmt"
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
	type zoneDay struct {
		loc   *time.Location
		today int
	}
	days := map[string]zoneDay{} // by МО
	rows, err := s.db.QueryContext(ctx, `SELECT p.schedule, coalesce(sc.org_unit, ''), coalesce(sc.specialty, ''), coalesce(sc.active, true),
			p.total, p.free, p.epgu, p.first_free, p.third_free, p.last_free
		FROM feed_slot_posts p LEFT JOIN feed_schedules sc ON sc.id = p.schedule
		WHERE p.snapshot = ?`, snapshot)
	if err != nil {
		return nil, fmt.Errorf("slot availability: %w", err)
	}
	defer rows.Close()
	out := map[string]*slots.Availability{}
	orgs := map[string]map[string]bool{} // group → МО seen
	for rows.Next() {
		var p slots.Post
		var total, free, epgu int64
		var first, third, last sql.NullTime
		if err := rows.Scan(&p.ID, &p.OrgUnit, &p.Specialty, &p.Active, &total, &free, &epgu, &first, &third, &last); err != nil {
			return nil, fmt.Errorf("slot availability: %w", err)
		}
		g := group(p)
		if g == "" {
			continue
		}
		a := out[g]
		if a == nil {
			a = &slots.Availability{}
			out[g] = a
			orgs[g] = map[string]bool{}
		}
		orgs[g][p.OrgUnit] = true
		zd, ok := days[p.OrgUnit]
		if !ok {
			zd.loc = in.Zone(p.OrgUnit)
			zd.today = civilDay(snapshot, zd.loc)
			days[p.OrgUnit] = zd
		}
		a.Posts++
		if epgu > 0 {
			a.PostsOpen++
		}
		a.Total += total
		a.Free += free
		a.EPGU += epgu
		if first.Valid {
			d := civilDay(first.Time, zd.loc) - zd.today
			if !a.HasFree || d < a.NextFreeDays {
				a.NextFreeDays = d
			}
			a.HasFree = true
			if last.Valid {
				a.HorizonDays = max(a.HorizonDays, civilDay(last.Time, zd.loc)-zd.today)
			}
		}
		if third.Valid {
			a.ThirdNext = append(a.ThirdNext, civilDay(third.Time, zd.loc)-zd.today)
		} else {
			a.PostsWithoutThird++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("slot availability: %w", err)
	}
	for g, a := range out {
		if a.Total > 0 {
			a.EPGUShare = float64(a.EPGU) / float64(a.Total)
		}
		if a.Posts > 0 {
			a.PostsOpenShare = float64(a.PostsOpen) / float64(a.Posts)
		}
		for o := range orgs[g] {
			if o != "" {
				a.Population += in.Population(o)
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
