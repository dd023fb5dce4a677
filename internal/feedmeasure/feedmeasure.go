// Package feedmeasure turns the scheduling feed into data values of the
// rating: which data elements the feed measures and how (slot counts, the
// third next available appointment, bookings, ЭМД delays). It reads
// through Source (the store) and computes with internal/slots and
// internal/pathway.
package feedmeasure

import (
	"context"
	"sort"
	"time"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/pathway"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/slots"
	"github.com/cifra-health/cifra/internal/store"
)

// Source is what the measures read: the store.
type Source interface {
	Hierarchy(ctx context.Context) (*orgunit.Hierarchy, error)
	FeedSlotCounts(ctx context.Context, from, to time.Time) ([]store.SlotCount, error)
	FeedSnapshots(ctx context.Context) ([]time.Time, error)
	FeedAvailability(ctx context.Context, snapshot time.Time, h *orgunit.Hierarchy, group func(slots.Post) string) (map[string]*slots.Availability, error)
	FeedPathway(ctx context.Context, from, to time.Time) (*store.PathwayRecords, error)
}

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

// Values turns the feed into data values of the rating for period p,
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
func Values(ctx context.Context, s Source, p period.Period) ([]datavalue.Value, error) {
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
