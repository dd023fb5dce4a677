package pathway

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/slots"
)

// DefaultFunnel is the path the rating cares about.
var DefaultFunnel = []Activity{Booked, Visit, EMDCreated, EMDRegistered}

// FunnelStep counts the cases that reached a step having passed every
// earlier one.
type FunnelStep struct {
	Activity Activity
	Cases    int
	// Share of the previous step's cases (1 for the first step).
	Conversion float64
}

// Funnel counts cases through steps in order.
func Funnel(cases []Case, steps []Activity) []FunnelStep {
	out := make([]FunnelStep, len(steps))
	for i, s := range steps {
		out[i].Activity = s
	}
	for i := range cases {
		for k, s := range steps {
			if !cases[i].Has(s) {
				break
			}
			out[k].Cases++
		}
	}
	for k := range out {
		switch {
		case k == 0:
			out[k].Conversion = 1
		case out[k-1].Cases > 0:
			out[k].Conversion = float64(out[k].Cases) / float64(out[k-1].Cases)
		}
	}
	return out
}

// Duration summarises times between two steps, in days.
type Duration struct {
	From, To    Activity
	N           int
	Median, P90 float64
	// WithinDay is the share of cases where To came at most 24 h after From.
	WithinDay float64
}

// Between measures, over cases that have both, the time from the first
// From to the first To after it.
func Between(cases []Case, from, to Activity) Duration {
	d := Duration{From: from, To: to}
	var days []float64
	within := 0
	for i := range cases {
		t0, ok := cases[i].First(from)
		if !ok {
			continue
		}
		for _, e := range cases[i].Events {
			if e.Activity == to && !e.Time.Before(t0) {
				dt := e.Time.Sub(t0)
				days = append(days, dt.Hours()/24)
				if dt <= 24*time.Hour {
					within++
				}
				break
			}
		}
	}
	slices.Sort(days)
	d.N = len(days)
	d.Median, d.P90 = slots.Quantile(days, 0.5), slots.Quantile(days, 0.9)
	if d.N > 0 {
		d.WithinDay = float64(within) / float64(d.N)
	}
	return d
}

// Variant is a distinct sequence of activities and how many cases follow
// it.
type Variant struct {
	Path  []Activity
	Cases int
}

// String renders "booked → visit → emd_created".
func (v Variant) String() string {
	s := make([]string, len(v.Path))
	for i, a := range v.Path {
		s[i] = string(a)
	}
	return strings.Join(s, " → ")
}

// Variants returns the top n variants by frequency (all when n <= 0), ties
// broken by path text so the order is stable.
func Variants(cases []Case, n int) []Variant {
	// Keys are the activities' indexes as bytes: cheap to build and hash.
	count := map[string]int{}
	paths := map[string][]Activity{}
	key := make([]byte, 0, 16)
	for i := range cases {
		key = key[:0]
		for _, e := range cases[i].Events {
			key = append(key, byte(index(e.Activity)))
		}
		if c, ok := count[string(key)]; ok {
			count[string(key)] = c + 1
			continue
		}
		p := make([]Activity, len(cases[i].Events))
		for j, e := range cases[i].Events {
			p[j] = e.Activity
		}
		paths[string(key)] = p
		count[string(key)] = 1
	}
	out := make([]Variant, 0, len(count))
	for k, c := range count {
		out = append(out, Variant{Path: paths[k], Cases: c})
	}
	slices.SortFunc(out, func(a, b Variant) int {
		if c := cmp.Compare(b.Cases, a.Cases); c != 0 {
			return c
		}
		return cmp.Compare(a.String(), b.String())
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// activities in path order; index is the position of one of them.
var activities = []Activity{Booked, Cancelled, Visit, EMDCreated, EMDRegistered, Referral, NextBooking, Start, End}

func index(a Activity) int {
	switch a {
	case Booked:
		return 0
	case Cancelled:
		return 1
	case Visit:
		return 2
	case EMDCreated:
		return 3
	case EMDRegistered:
		return 4
	case Referral:
		return 5
	case NextBooking:
		return 6
	case Start:
		return 7
	case End:
		return 8
	}
	return 9 // unknown activities share one slot; Build makes none
}

// Edge is an arc of the directly-follows graph. Start and End mark a
// case's first and last activity.
type Edge struct {
	From, To Activity
	Cases    int
}

// Start and End are the pseudo-activities of the directly-follows graph.
const (
	Start Activity = "▶"
	End   Activity = "■"
)

// DirectlyFollows counts how often each activity is directly followed by
// another across cases, sorted by count.
func DirectlyFollows(cases []Case) []Edge {
	var m [10][10]int
	for i := range cases {
		ev := cases[i].Events
		if len(ev) == 0 {
			continue
		}
		prev := index(Start)
		for _, e := range ev {
			cur := index(e.Activity)
			m[prev][cur]++
			prev = cur
		}
		m[prev][index(End)]++
	}
	var out []Edge
	for a := range len(activities) {
		for b := range len(activities) {
			if m[a][b] > 0 {
				out = append(out, Edge{activities[a], activities[b], m[a][b]})
			}
		}
	}
	slices.SortFunc(out, func(a, b Edge) int {
		if c := cmp.Compare(b.Cases, a.Cases); c != 0 {
			return c
		}
		if c := cmp.Compare(a.From, b.From); c != 0 {
			return c
		}
		return cmp.Compare(a.To, b.To)
	})
	return out
}

// LostKind names a list of lost cases.
type LostKind string

const (
	// LostNoVisit: booked, not cancelled, the appointment time has passed
	// and no visit is recorded.
	LostNoVisit LostKind = "booked_no_visit"
	// LostNoEMD: a visit more than N days ago and no ЭМД.
	LostNoEMD LostKind = "visit_no_emd"
	// LostNoBooking: a referral more than N days ago and no booking on it
	// within N days.
	LostNoBooking LostKind = "referral_no_booking"
)

// Lost is one case to act on.
type Lost struct {
	Kind  LostKind
	Case  *Case
	Since time.Time // the event the follow-up is missing after
}

// LostCases lists the cases to act on as of asOf, with n days of grace for
// ЭМД and referrals, oldest first within each kind.
func LostCases(cases []Case, asOf time.Time, n int) []Lost {
	grace := time.Duration(n) * 24 * time.Hour
	var out []Lost
	for i := range cases {
		c := &cases[i]
		visit, hasVisit := c.First(Visit)
		switch {
		case !hasVisit && !c.Has(Cancelled) && !c.Start.IsZero() && c.Start.Before(asOf):
			out = append(out, Lost{LostNoVisit, c, c.Start})
		case hasVisit && !c.Has(EMDCreated) && visit.Add(grace).Before(asOf):
			out = append(out, Lost{LostNoEMD, c, visit})
		}
		if ref, ok := c.First(Referral); ok && ref.Add(grace).Before(asOf) {
			next, booked := c.First(NextBooking)
			if !booked || next.Sub(ref) > grace {
				out = append(out, Lost{LostNoBooking, c, ref})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Lost) int {
		if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		if c := a.Since.Compare(b.Since); c != 0 {
			return c
		}
		return cmp.Compare(a.Case.ID, b.Case.ID)
	})
	return out
}

// EMD are the electronic-medical-document measures of a set of cases.
type EMD struct {
	Visits     int
	WithEMD    int // visits with an ЭМД created
	Registered int // visits with an ЭМД registered in РЭМД
	// Shares of visits (0..1).
	WithEMDShare, RegisteredShare float64
	// Delay from the visit to registration in РЭМД, in days; WithinDay is
	// the share of registered visits registered within 24 hours.
	DelayMedian, DelayP90, WithinDay float64
}

// MeasureEMD groups cases by group (nil: one group "") and measures ЭМД.
func MeasureEMD(cases []Case, group func(*Case) string) map[string]*EMD {
	if group == nil {
		group = func(*Case) string { return "" }
	}
	byGroup := map[string][]Case{}
	for i := range cases {
		if cases[i].Has(Visit) {
			g := group(&cases[i])
			byGroup[g] = append(byGroup[g], cases[i])
		}
	}
	out := map[string]*EMD{}
	for g, cs := range byGroup {
		m := &EMD{Visits: len(cs)}
		for i := range cs {
			if cs[i].Has(EMDCreated) {
				m.WithEMD++
			}
			if cs[i].Has(EMDRegistered) {
				m.Registered++
			}
		}
		m.WithEMDShare = float64(m.WithEMD) / float64(m.Visits)
		m.RegisteredShare = float64(m.Registered) / float64(m.Visits)
		d := Between(cs, Visit, EMDRegistered)
		m.DelayMedian, m.DelayP90, m.WithinDay = d.Median, d.P90, d.WithinDay
		out[g] = m
	}
	return out
}
