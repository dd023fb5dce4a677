package alert

import (
	"fmt"
	"slices"
	"time"
)

// EMDWeek is one МО's ЭМД figures for a week, as the feeds give them
// (pathway.MeasureEMD for the delay; the count of documents created but
// not registered in РЭМД after the rule's days).
type EMDWeek struct {
	OrgUnit      string
	Region       string
	Week         time.Time // Monday 00:00 UTC
	Unregistered int
	// DelayMedian is the median days from the visit to registration;
	// negative when there were no registrations.
	DelayMedian float64
}

// FeedRules are the region's thresholds for ЭМД alerts.
type FeedRules struct {
	// UnregisteredDays names the age at which a document counts as not
	// registered (for the message; the count comes with the data).
	UnregisteredDays int
	// UnregisteredMin raises an alert when a week has at least this many.
	UnregisteredMin int
	// DelayRise raises an alert when the week's median delay exceeds the
	// median of the previous DelayWeeks weeks by this factor and by at
	// least DelayMinDays (a rise from 0,1 to 0,3 days is noise).
	DelayRise    float64
	DelayWeeks   int
	DelayMinDays float64
}

// DefaultFeedRules: 3 days, 10 documents; a doubling over the four weeks
// before, by a day at least.
func DefaultFeedRules() FeedRules {
	return FeedRules{UnregisteredDays: 3, UnregisteredMin: 10, DelayRise: 2, DelayWeeks: 4, DelayMinDays: 1}
}

// EMDAlerts evaluates the rules on each МО's weeks (any order) and
// returns, per МО and rule, the alert of the latest week: firing while
// the condition holds, resolved once it clears, so that Plan keeps one
// incident per МО and rule.
func (r FeedRules) EMDAlerts(weeks []EMDWeek) []Alert {
	by := map[string][]EMDWeek{}
	for _, w := range weeks {
		by[w.OrgUnit] = append(by[w.OrgUnit], w)
	}
	units := make([]string, 0, len(by))
	for u := range by {
		units = append(units, u)
	}
	slices.Sort(units)
	var out []Alert
	for _, u := range units {
		ws := by[u]
		slices.SortFunc(ws, func(a, b EMDWeek) int { return a.Week.Compare(b.Week) })
		last := ws[len(ws)-1]
		base := Alert{Source: Feed, OrgUnit: u, Region: last.Region, System: "", StartsAt: last.Week, Severity: Major}
		un := base
		un.Key = "emd-unregistered:" + u
		un.Firing = last.Unregistered >= r.UnregisteredMin
		un.Title = fmt.Sprintf("ЭМД не зарегистрированы в РЭМД более %d дн.: %d", r.UnregisteredDays, last.Unregistered)
		un.Text = fmt.Sprintf("Неделя с %s: %d ЭМД созданы, но не зарегистрированы в РЭМД спустя %d дн. (порог — %d).",
			last.Week.Format("02.01.2006"), last.Unregistered, r.UnregisteredDays, r.UnregisteredMin)
		out = append(out, un)

		if len(ws) < r.DelayWeeks+1 || last.DelayMedian < 0 {
			continue
		}
		var prev []float64
		for _, w := range ws[len(ws)-1-r.DelayWeeks : len(ws)-1] {
			if w.DelayMedian >= 0 {
				prev = append(prev, w.DelayMedian)
			}
		}
		if len(prev) == 0 {
			continue
		}
		slices.Sort(prev)
		ref := prev[len(prev)/2]
		if len(prev)%2 == 0 {
			ref = (prev[len(prev)/2-1] + prev[len(prev)/2]) / 2
		}
		d := base
		d.Key = "emd-delay:" + u
		d.Severity = Warning
		d.Firing = last.DelayMedian > ref*r.DelayRise && last.DelayMedian-ref >= r.DelayMinDays
		d.Title = fmt.Sprintf("Растёт задержка регистрации ЭМД: медиана %s дн. против %s", comma(last.DelayMedian), comma(ref))
		d.Text = fmt.Sprintf("Неделя с %s: медиана задержки от приёма до регистрации в РЭМД %s дн.; за %d предыдущих недель — %s дн.",
			last.Week.Format("02.01.2006"), comma(last.DelayMedian), r.DelayWeeks, comma(ref))
		out = append(out, d)
	}
	return out
}

// comma formats days with one decimal and a decimal comma.
func comma(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	return s[:len(s)-2] + "," + s[len(s)-1:]
}
