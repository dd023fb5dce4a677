package slots

import (
	"math"
	"slices"
	"time"
)

// Booking is an appointment as the booking measures see it.
type Booking struct {
	OrgUnit, Specialty string
	Channel            string // epgu | call-centre | registry | infomat | mis | ""
	Status             string // FHIR Appointment.status
	Created, Start     time.Time
}

// Bookings are the booking measures of one group.
type Bookings struct {
	Total     int64            // appointments, entered-in-error excluded
	ByChannel map[string]int64 // "" = channel not stated
	Cancelled int64
	NoShow    int64
	// CancelRate is Cancelled / Total; NoShowRate is NoShow over the
	// appointments that came due (fulfilled, arrived, checked-in, noshow).
	CancelRate, NoShowRate float64
	Due                    int64
	// Lead time from booking (created) to the appointment start, in days,
	// over appointments not cancelled that have both times.
	LeadMedian, LeadP90 float64
	LeadN               int64
}

// RemoteShare is the share of bookings made outside the registry desk and
// the МО's own MIS (ЕПГУ, call centre, infomat), over those with a channel.
func (b *Bookings) RemoteShare() float64 {
	var known, remote int64
	for ch, n := range b.ByChannel {
		if ch == "" {
			continue
		}
		known += n
		if ch == "epgu" || ch == "call-centre" || ch == "infomat" {
			remote += n
		}
	}
	if known == 0 {
		return 0
	}
	return float64(remote) / float64(known)
}

// ComputeBookings groups bookings by group (nil: МО and specialty) and
// measures each group. Bookings in group "" are dropped.
func ComputeBookings(bs []Booking, group func(Booking) string) map[string]*Bookings {
	if group == nil {
		group = func(b Booking) string { return b.OrgUnit + "|" + b.Specialty }
	}
	out := map[string]*Bookings{}
	leads := map[string][]float64{}
	for _, b := range bs {
		if b.Status == "entered-in-error" {
			continue
		}
		g := group(b)
		if g == "" {
			continue
		}
		m := out[g]
		if m == nil {
			m = &Bookings{ByChannel: map[string]int64{}}
			out[g] = m
		}
		m.Total++
		m.ByChannel[b.Channel]++
		switch b.Status {
		case "cancelled":
			m.Cancelled++
		case "noshow":
			m.NoShow++
			m.Due++
		case "fulfilled", "arrived", "checked-in":
			m.Due++
		}
		if b.Status != "cancelled" && !b.Created.IsZero() && !b.Start.IsZero() {
			leads[g] = append(leads[g], b.Start.Sub(b.Created).Hours()/24)
		}
	}
	for g, m := range out {
		m.CancelRate = float64(m.Cancelled) / float64(m.Total)
		if m.Due > 0 {
			m.NoShowRate = float64(m.NoShow) / float64(m.Due)
		}
		l := leads[g]
		slices.Sort(l)
		m.LeadN = int64(len(l))
		m.LeadMedian, m.LeadP90 = Quantile(l, 0.5), Quantile(l, 0.9)
	}
	return out
}

// Quantile of sorted xs with linear interpolation between order statistics
// (Hyndman–Fan type 7, as R and NumPy default); 0 for none.
func Quantile(xs []float64, q float64) float64 {
	n := len(xs)
	if n == 0 {
		return 0
	}
	h := float64(n-1) * q
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return xs[n-1]
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}
