package strategy

import "slices"

// Scorecard is the РЦТ's page: every target of one region's strategy,
// with plan, fact, progress, forecast and status, grouped by methodology.
type Scorecard struct {
	Region string           `json:"region"`
	Year   int              `json:"year"` // the year the page is read for
	Groups []ScorecardGroup `json:"groups"`
	Counts []StatusCount    `json:"counts"` // of the rows' statuses
}

// ScorecardGroup is one methodology's targets.
type ScorecardGroup struct {
	Methodology string         `json:"methodology"`
	Name        string         `json:"name"`
	AsOf        int            `json:"as_of"` // the last year with facts
	Rows        []ScorecardRow `json:"rows"`
}

// ScorecardRow is one target of the strategy.
type ScorecardRow struct {
	Indicator string `json:"indicator"`
	Name      string `json:"name"`
	Unit      string `json:"unit,omitempty"`
	Direction string `json:"direction"`
	Node      bool   `json:"node,omitempty"`
	Baseline  *Fact  `json:"baseline,omitempty"`
	Latest    *Fact  `json:"latest,omitempty"` // the newest fact up to AsOf
	// Milestone is the target the status is for: that of the year read,
	// else of the next target year, else the strategy's last target.
	Milestone   YearValue `json:"milestone"`
	Status      Status    `json:"status"`
	StatusLabel string    `json:"status_label"`
	Final       YearValue `json:"final"`
	FinalStatus Status    `json:"final_status"`
	// Progress is the latest fact's way from the baseline to the final
	// target, in percent.
	Progress *float64 `json:"progress,omitempty"`
	// Forecast is for the final target's year, from the facts up to AsOf.
	Forecast *Forecast `json:"forecast,omitempty"`
	Years    []YearRow `json:"years"` // every target year, for the chart
	Pending  bool      `json:"pending,omitempty"`
}

// YearRow is one target year of a row: plan, fact and status.
type YearRow struct {
	Year   int      `json:"year"`
	Plan   float64  `json:"plan"`
	Fact   *float64 `json:"fact"`
	Status Status   `json:"status"`
}

// StatusCount is how many rows have a status.
type StatusCount struct {
	Status Status `json:"status"`
	Label  string `json:"label"`
	N      int    `json:"n"`
}

// BuildScorecard is the scorecard of region for year. asOf gives each
// methodology's last year with facts (History.LastYear); tracks of other
// regions are skipped.
func BuildScorecard(region string, year int, tracks []Track, asOf map[string]int) Scorecard {
	sc := Scorecard{Region: region, Year: year}
	sorted := slices.Clone(tracks)
	slices.SortStableFunc(sorted, compareTracks)
	var statuses []Status
	for _, t := range sorted {
		if t.Plan.Region != region {
			continue
		}
		final, ok := t.Plan.Final()
		if !ok {
			continue
		}
		if n := len(sc.Groups); n == 0 || sc.Groups[n-1].Methodology != t.Plan.Methodology {
			sc.Groups = append(sc.Groups, ScorecardGroup{Methodology: t.Plan.Methodology, Name: t.MethodologyName, AsOf: asOf[t.Plan.Methodology]})
		}
		g := &sc.Groups[len(sc.Groups)-1]
		row := scorecardRow(t, year, final, g.AsOf)
		statuses = append(statuses, row.Status)
		g.Rows = append(g.Rows, row)
	}
	sc.Counts = countStatuses(statuses)
	return sc
}

func scorecardRow(t Track, year int, final YearTarget, asOf int) ScorecardRow {
	m := t.Measure
	known := factsUpTo(t.Facts, asOf)
	row := ScorecardRow{
		Indicator: t.Plan.Indicator, Name: m.Name, Unit: m.Unit, Direction: directionName(m.Direction), Node: m.Node,
		Final: YearValue{final.Year, final.Value}, Pending: t.Plan.Pending > 0,
	}
	milestone := final
	for _, yt := range t.Plan.Years {
		if yt.Year >= year {
			milestone = yt
			break
		}
	}
	row.Milestone = YearValue{milestone.Year, milestone.Value}
	a := Assess(m, t.Facts, milestone.Year, milestone.Value, asOf)
	row.Status, row.StatusLabel = a.Status, a.Status.Label()
	fa := Assess(m, t.Facts, final.Year, final.Value, asOf)
	row.FinalStatus = fa.Status
	if len(known) > 0 {
		latest := known[len(known)-1]
		row.Latest = &latest
		if final.Year > asOf {
			if fc, ok := ForecastFor(known, final.Year, m.Lo, m.Hi); ok {
				row.Forecast = &fc
			}
		}
	}
	if b, ok := Baseline(t.Plan, known); ok {
		row.Baseline = &b
		if row.Latest != nil {
			if p, ok := Progress(b.Value, row.Latest.Value, final.Value); ok {
				row.Progress = &p
			}
		}
	}
	for _, yt := range t.Plan.Years {
		ya := Assess(m, t.Facts, yt.Year, yt.Value, asOf)
		yr := YearRow{Year: yt.Year, Plan: yt.Value, Status: ya.Status}
		if ya.Fact != nil {
			v := ya.Fact.Value
			yr.Fact = &v
		}
		row.Years = append(row.Years, yr)
	}
	return row
}

func countStatuses(ss []Status) []StatusCount {
	out := make([]StatusCount, 0, len(Statuses))
	for _, s := range Statuses {
		n := 0
		for _, x := range ss {
			if x == s {
				n++
			}
		}
		out = append(out, StatusCount{Status: s, Label: s.Label(), N: n})
	}
	return out
}
