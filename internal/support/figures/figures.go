package figures

import (
	"cmp"
	"slices"
	"time"

	"github.com/cifra-health/cifra/internal/support/priority"
	"github.com/cifra-health/cifra/internal/support/sla"
	"github.com/cifra-health/cifra/internal/support/ticket"
)

// By picks the key a report groups by.
type By func(Fact) string

// Groupings.
var (
	ByRegion   By = func(f Fact) string { return f.Region }
	ByOrgUnit  By = func(f Fact) string { return f.OrgUnit }
	ByVendor   By = func(f Fact) string { return f.Vendor }
	BySystem   By = func(f Fact) string { return f.System }
	ByCategory By = func(f Fact) string { return f.System + " / " + f.Module }
	ByPriority By = func(f Fact) string { return f.Priority.Code() }
)

// Compliance is one row of an SLA report: tickets resolved in the period.
type Compliance struct {
	Key          string
	Resolved     int // counted tickets resolved in the period
	WithinSLA    int // of them, resolved within the resolution target
	ResponseMet  int // of them, answered within the response target
	FirstContact int
	// Vendor contract clocks of the tickets that went to a vendor.
	VendorTickets, VendorMet int
	// MedianWork is the median resolution time in working time.
	MedianWork time.Duration
}

// WithinPct is the share resolved within SLA, 0–100; ok false with
// nothing resolved.
func (c Compliance) WithinPct() (float64, bool) { return pct(c.WithinSLA, c.Resolved) }

// FirstContactPct is the first-contact resolution share, 0–100.
func (c Compliance) FirstContactPct() (float64, bool) { return pct(c.FirstContact, c.Resolved) }

// VendorPct is the share of vendor tickets within the contract's SLA.
func (c Compliance) VendorPct() (float64, bool) { return pct(c.VendorMet, c.VendorTickets) }

func pct(n, d int) (float64, bool) {
	if d == 0 {
		return 0, false
	}
	return 100 * float64(n) / float64(d), true
}

// SLA groups the counted tickets resolved in [from, to) by key, sorted
// by key. Tickets with an empty key (no vendor, for ByVendor) are left
// out.
func SLA(facts []Fact, from, to time.Time, by By) []Compliance {
	rows := map[string]*Compliance{}
	works := map[string][]time.Duration{}
	for i := range facts {
		f := &facts[i]
		if !f.Counts || f.Resolved.IsZero() || f.Resolved.Before(from) || !f.Resolved.Before(to) {
			continue
		}
		k := by(*f)
		if k == "" {
			continue
		}
		r := rows[k]
		if r == nil {
			r = &Compliance{Key: k}
			rows[k] = r
		}
		r.Resolved++
		if f.Met() {
			r.WithinSLA++
		}
		if f.Response == sla.Met {
			r.ResponseMet++
		}
		if f.FirstContact {
			r.FirstContact++
		}
		if f.VendorMet != nil {
			r.VendorTickets++
			if *f.VendorMet {
				r.VendorMet++
			}
		}
		works[k] = append(works[k], f.Work)
	}
	out := make([]Compliance, 0, len(rows))
	for k, r := range rows {
		r.MedianWork = Median(works[k])
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Compliance) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// Median of durations (sorts ds); the mean of the two middle values for
// an even count; 0 for none.
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// Backlog counts the counted tickets open at each instant (created at or
// before it, not resolved by it).
func Backlog(facts []Fact, at []time.Time) []int {
	var created, resolved []int64
	for i := range facts {
		if !facts[i].Counts {
			continue
		}
		created = append(created, facts[i].Created.UnixNano())
		if !facts[i].Resolved.IsZero() {
			resolved = append(resolved, facts[i].Resolved.UnixNano())
		}
	}
	slices.Sort(created)
	slices.Sort(resolved)
	out := make([]int, len(at))
	for i, t := range at {
		n := t.UnixNano()
		c, _ := slices.BinarySearch(created, n+1)
		r, _ := slices.BinarySearch(resolved, n+1)
		out[i] = c - r
	}
	return out
}

// Problem is a category with its count of incidents.
type Problem struct {
	Key       string
	Incidents int
	Critical  int // of them P1 or P2
}

// Top lists the n categories (by) with the most counted incidents created
// in [from, to), most first, ties by key.
func Top(facts []Fact, from, to time.Time, by By, n int) []Problem {
	m := map[string]*Problem{}
	for i := range facts {
		f := &facts[i]
		if !f.Counts || f.Kind != ticket.Incident || f.Created.Before(from) || !f.Created.Before(to) {
			continue
		}
		k := by(*f)
		p := m[k]
		if p == nil {
			p = &Problem{Key: k}
			m[k] = p
		}
		p.Incidents++
		if f.Priority <= priority.Major {
			p.Critical++
		}
	}
	out := make([]Problem, 0, len(m))
	for _, p := range m {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b Problem) int {
		if c := cmp.Compare(b.Incidents, a.Incidents); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
