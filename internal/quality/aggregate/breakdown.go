package aggregate

import (
	"cmp"
	"slices"

	"github.com/cifra-health/cifra/internal/quality/review"
	"github.com/cifra-health/cifra/internal/support/calendar"
)

// Breakdown is what the commission's quarterly report shows: cases
// meeting the criteria overall, per criterion, and per department and
// doctor, and failed criteria by defect type.
type Breakdown struct {
	Cases, Meeting int
	Criteria       []CriterionCount // most failed first
	Defects        []Count          // failed criteria by defect type, most first
	Departments    []UnitCount      // by code
	Doctors        []UnitCount      // by staff code
}

// CriterionCount is one criterion of one checklist: how often it applied
// and how often it was met.
type CriterionCount struct {
	Checklist, LinkID, Text string
	Applied, Met            int
}

// Count is one key with a count.
type Count struct {
	Key   string
	Count int
}

// UnitCount is a department's or doctor's cases.
type UnitCount struct {
	Key            string
	Cases, Meeting int
	Findings       int
}

// Findings breaks down the cases of reviews completed between from and to
// (the МО's local dates, inclusive). A record reviewed by several
// checklists is one case, meeting the criteria only if it meets each.
// checklists give the criteria their text; a criterion of a checklist not
// given keeps the text of its findings, or none.
func Findings(reviews []*review.Review, checklists []*review.Checklist, from, to calendar.Date) Breakdown {
	texts := map[[2]string]string{}
	for _, c := range checklists {
		for _, cr := range c.Criteria {
			texts[[2]string{c.Key(), cr.LinkID}] = cr.Text
		}
	}
	type rec struct {
		c        review.Case
		fails    bool
		findings int
	}
	records := map[string]*rec{}
	var order []string
	crit := map[[2]string]*CriterionCount{}
	defects := map[string]int{}
	for _, r := range reviews {
		if (r.State != review.StateCompleted && r.State != review.StateClosed) || r.DoneOn.Before(from) || to.Before(r.DoneOn) {
			continue
		}
		for _, cr := range r.Cases {
			k := r.MO + "|" + cr.Case.Record
			x := records[k]
			if x == nil {
				x = &rec{c: cr.Case}
				records[k] = x
				order = append(order, k)
			}
			x.fails = x.fails || !cr.Meets
			x.findings += len(cr.Failed)
			failed := map[string]bool{}
			for _, f := range cr.Failed {
				failed[f.Criterion] = true
				defects[f.Defect]++
				texts[[2]string{cr.Checklist, f.Criterion}] = cmp.Or(texts[[2]string{cr.Checklist, f.Criterion}], f.Text)
			}
			for _, link := range cr.Applied {
				ck := [2]string{cr.Checklist, link}
				cc := crit[ck]
				if cc == nil {
					cc = &CriterionCount{Checklist: cr.Checklist, LinkID: link}
					crit[ck] = cc
				}
				cc.Applied++
				if !failed[link] {
					cc.Met++
				}
			}
		}
	}
	var b Breakdown
	depts, docs := map[string]*UnitCount{}, map[string]*UnitCount{}
	add := func(m map[string]*UnitCount, key string, x *rec) {
		u := m[key]
		if u == nil {
			u = &UnitCount{Key: key}
			m[key] = u
		}
		u.Cases++
		if !x.fails {
			u.Meeting++
		}
		u.Findings += x.findings
	}
	for _, k := range order {
		x := records[k]
		b.Cases++
		if !x.fails {
			b.Meeting++
		}
		add(depts, x.c.Department, x)
		add(docs, x.c.Doctor, x)
	}
	for k, cc := range crit {
		cc.Text = texts[k]
		b.Criteria = append(b.Criteria, *cc)
	}
	slices.SortFunc(b.Criteria, func(x, y CriterionCount) int {
		return cmp.Or(cmp.Compare(y.Applied-y.Met, x.Applied-x.Met), cmp.Compare(x.Checklist, y.Checklist), cmp.Compare(x.LinkID, y.LinkID))
	})
	for k, n := range defects {
		b.Defects = append(b.Defects, Count{Key: k, Count: n})
	}
	slices.SortFunc(b.Defects, func(x, y Count) int { return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Key, y.Key)) })
	b.Departments, b.Doctors = units(depts), units(docs)
	return b
}

func units(m map[string]*UnitCount) []UnitCount {
	out := make([]UnitCount, 0, len(m))
	for _, u := range m {
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b UnitCount) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// Share is 100·num/den, hidden (false) when den is below minDen: a share
// of a handful of cases says more about chance than about the unit, so
// pages show the counts instead.
func Share(num, den, minDen int) (float64, bool) {
	if den == 0 || den < minDen {
		return 0, false
	}
	return 100 * float64(num) / float64(den), true
}
