package strategy

import (
	"cmp"
	"slices"
)

// Track is everything known about one key: the plan in effect, what it is
// set on, and the region's yearly facts.
type Track struct {
	Plan    Plan
	Measure Measure
	Facts   []Fact // sorted by year
	// MethodologyName is the Russian name, for grouping on pages.
	MethodologyName string
	// Order is the measure's position in Measures of its methodology, so
	// rows follow the file rather than the alphabet.
	Order int
}

// Tracks joins plans with their measures and facts. Plans of unknown
// methodologies or measures (a methodology changed since) are returned in
// orphans, so pages can list them instead of silently dropping targets.
func Tracks(plans []Plan, hist map[string]*History) (tracks []Track, orphans []Plan) {
	for _, p := range plans {
		h, ok := hist[p.Methodology]
		if !ok {
			orphans = append(orphans, p)
			continue
		}
		all := Measures(h.Methodology)
		i := slices.IndexFunc(all, func(m Measure) bool { return m.ID == p.Indicator })
		if i < 0 {
			orphans = append(orphans, p)
			continue
		}
		tracks = append(tracks, Track{Plan: p, Measure: all[i], Facts: h.Facts(p.Region, p.Indicator), MethodologyName: h.Methodology.Name, Order: i})
	}
	return tracks, orphans
}

// Baseline is the fact progress is measured from: the fact of the year
// before the plan's first target year, else the latest fact before that
// year, else the earliest fact. false without facts.
func Baseline(p Plan, facts []Fact) (Fact, bool) {
	if len(facts) == 0 {
		return Fact{}, false
	}
	if len(p.Years) == 0 {
		return facts[0], true
	}
	first := p.Years[0].Year
	before := factsUpTo(facts, first-1)
	if len(before) > 0 {
		return before[len(before)-1], true
	}
	return facts[0], true
}

// Progress is how far value has come from baseline toward target, in
// percent: (value − baseline) / (target − baseline) × 100. It can exceed
// 100 (beyond the target) or be negative (moved away). false when the
// target equals the baseline, where no share of the way is defined.
func Progress(baseline, value, target float64) (float64, bool) {
	if target == baseline {
		return 0, false
	}
	return (value - baseline) / (target - baseline) * 100, true
}

// YearValue is a value for a year.
type YearValue struct {
	Year  int     `json:"year"`
	Value float64 `json:"value"`
}

// TargetRow is one row of GET /api/v1/regions/{code}/targets?year=Y: the
// plan, the fact and the status of one target of the region for the year.
// plan, fact and status are the contract; fact is null without a fact.
type TargetRow struct {
	Region          string     `json:"region"`
	Methodology     string     `json:"methodology"`
	MethodologyName string     `json:"methodology_name"`
	Indicator       string     `json:"indicator"`
	Name            string     `json:"name"`
	Unit            string     `json:"unit,omitempty"`
	Direction       string     `json:"direction"` // "higher" or "lower" is better
	Node            bool       `json:"node,omitempty"`
	Year            int        `json:"year"`
	Plan            float64    `json:"plan"`
	Fact            *float64   `json:"fact"`
	FactPeriod      string     `json:"fact_period,omitempty"` // "2024" or "2024Q4"
	FactBasis       Basis      `json:"fact_basis,omitempty"`
	Latest          *Fact      `json:"latest,omitempty"` // the newest fact, for a year not over yet
	Baseline        *Fact      `json:"baseline,omitempty"`
	Progress        *float64   `json:"progress,omitempty"` // percent of the way from baseline to plan
	Forecast        *Forecast  `json:"forecast,omitempty"`
	Status          Status     `json:"status"`
	StatusLabel     string     `json:"status_label"`
	Revision        int        `json:"revision"`
	Change          int64      `json:"change"`
	Pending         bool       `json:"pending,omitempty"` // a newer revision awaits acceptance
	Final           *YearValue `json:"final,omitempty"`   // the strategy's last target
}

// Evaluate is the row of t for year; false when the plan has no target
// for year. asOf is the last year whose fact can exist (History.LastYear).
func Evaluate(t Track, year, asOf int) (TargetRow, bool) {
	yt, ok := t.Plan.Target(year)
	if !ok {
		return TargetRow{}, false
	}
	m := t.Measure
	row := TargetRow{
		Region: t.Plan.Region, Methodology: t.Plan.Methodology, MethodologyName: t.MethodologyName,
		Indicator: t.Plan.Indicator, Name: m.Name, Unit: m.Unit, Direction: directionName(m.Direction), Node: m.Node,
		Year: year, Plan: yt.Value, Revision: yt.Revision, Change: yt.Change, Pending: t.Plan.Pending > 0,
	}
	if fin, ok := t.Plan.Final(); ok {
		row.Final = &YearValue{Year: fin.Year, Value: fin.Value}
	}
	a := Assess(m, t.Facts, year, yt.Value, asOf)
	row.Status, row.StatusLabel = a.Status, a.Status.Label()
	row.Forecast = a.Forecast
	if a.Fact != nil {
		v := a.Fact.Value
		row.Fact, row.FactPeriod, row.FactBasis = &v, a.Fact.Period, a.Fact.Basis
	}
	row.Latest = a.Latest
	if b, ok := Baseline(t.Plan, factsUpTo(t.Facts, asOf)); ok {
		row.Baseline = &b
		cur := a.Fact
		if cur == nil {
			cur = a.Latest
		}
		if cur != nil {
			if p, ok := Progress(b.Value, cur.Value, yt.Value); ok {
				row.Progress = &p
			}
		}
	}
	return row, true
}

// RegionTargets is the rows of every track with a target for year,
// ordered by methodology and then by the order of the methodology's
// measures (indicators as in the file, then nodes).
func RegionTargets(tracks []Track, year, asOf int) []TargetRow {
	sorted := slices.Clone(tracks)
	slices.SortStableFunc(sorted, compareTracks)
	var rows []TargetRow
	for _, t := range sorted {
		if r, ok := Evaluate(t, year, asOf); ok {
			rows = append(rows, r)
		}
	}
	return rows
}

func compareTracks(a, b Track) int {
	return cmp.Or(cmp.Compare(a.Plan.Region, b.Plan.Region), cmp.Compare(a.Plan.Methodology, b.Plan.Methodology), cmp.Compare(a.Order, b.Order))
}
