package strategy

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/period"
)

// Bounds of a comparison.
const (
	MinCompared = 2
	MaxCompared = 5
)

// ErrCompareCount is wrapped when the number of regions is outside
// MinCompared..MaxCompared.
var ErrCompareCount = errors.New("strategy: compare 2 to 5 regions")

// ParseRegionList reads the regions of /compare?regions=RU-TUL,RU-KLU: codes
// or names separated by commas, each resolved by r, repeats dropped. The
// error is Russian, for the page.
func ParseRegionList(s string, r *Regions) ([]string, error) {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		code, why, ok := r.Resolve(part)
		if !ok {
			return nil, fmt.Errorf("«%s»: %s", shorten(part), why)
		}
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	if len(out) < MinCompared || len(out) > MaxCompared {
		return nil, fmt.Errorf("сравнить можно от %d до %d субъектов, выбрано %d: %w", MinCompared, MaxCompared, len(out), ErrCompareCount)
	}
	return out, nil
}

// Comparison is regions side by side on one methodology in one period:
// every node and indicator, with ranks among all regions, and each
// region's score and rank over every period of the same type.
type Comparison struct {
	Methodology string            `json:"methodology"`
	Name        string            `json:"name"`
	Period      string            `json:"period"`
	PeriodLabel string            `json:"period_label"`
	Regions     []ComparedRegion  `json:"regions"`
	Rows        []ComparisonRow   `json:"rows"`
	History     []RegionHistory   `json:"history"`
	Periods     []PeriodReference `json:"periods"` // the history's periods, oldest first
}

// ComparedRegion is a region's headline in the comparison's period.
type ComparedRegion struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Score      *float64 `json:"score"`
	Rank       int      `json:"rank"` // 0: not ranked
	Of         int      `json:"of"`
	GradeLabel string   `json:"grade_label,omitempty"`
}

// Row kinds of a comparison.
const (
	KindIndex     = "index"
	KindCriterion = "criterion"
	KindIndicator = "indicator"
)

// ComparisonRow is one node or indicator, one cell per compared region
// in the order of Comparison.Regions.
type ComparisonRow struct {
	ID        string           `json:"id"`
	Name      string           `json:"name"`
	Kind      string           `json:"kind"`
	Depth     int              `json:"depth"`
	Unit      string           `json:"unit,omitempty"`
	Direction string           `json:"direction"`
	Cells     []ComparisonCell `json:"cells"`
}

// ComparisonCell is one region's value on a row. For an indicator Value
// is its raw value and Score its normalised score; for a node both are
// the node's score. Rank is among all regions with a value (1 = best,
// ties share the better rank); Best marks the best of the compared ones.
type ComparisonCell struct {
	Value *float64 `json:"value"`
	Score *float64 `json:"score"`
	Rank  int      `json:"rank"`
	Of    int      `json:"of"`
	Best  bool     `json:"best,omitempty"`
}

// RegionHistory is one region's score and rank over time.
type RegionHistory struct {
	Code   string         `json:"code"`
	Name   string         `json:"name"`
	Points []HistoryPoint `json:"points"`
}

// HistoryPoint is a region's score and rank in one period.
type HistoryPoint struct {
	Period string   `json:"period"`
	Score  *float64 `json:"score"`
	Rank   int      `json:"rank"`
	Of     int      `json:"of"`
}

// PeriodReference names a period.
type PeriodReference struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Compare builds the comparison of regions in period periodID of h ("" =
// the latest yearly period, else the latest period). Regions absent from
// the period's result get empty cells rather than an error: a region that
// did not report is part of the picture.
func Compare(h *History, regions []string, periodID string) (*Comparison, error) {
	if len(regions) < MinCompared || len(regions) > MaxCompared {
		return nil, fmt.Errorf("compare %d regions: %w", len(regions), ErrCompareCount)
	}
	snap := pickSnapshot(h, periodID)
	if snap == nil {
		if periodID == "" {
			return nil, fmt.Errorf("strategy: methodology %s has no computed period", h.Methodology.ID)
		}
		return nil, fmt.Errorf("strategy: methodology %s has no result for period %s", h.Methodology.ID, periodID)
	}
	c := &Comparison{Methodology: h.Methodology.ID, Name: h.Methodology.Name, Period: snap.Period.String(), PeriodLabel: snap.Period.Label()}
	for _, code := range regions {
		cr := ComparedRegion{Code: code, Of: snap.Ranked}
		if r, ok := snap.Regions[code]; ok {
			cr.Name, cr.Rank, cr.GradeLabel = r.Name, r.Rank, r.GradeLabel
			cr.Score = optional(r.Score)
		}
		c.Regions = append(c.Regions, cr)
	}
	for _, n := range snap.Nodes {
		c.Rows = append(c.Rows, compareRow(h, snap, n, regions))
	}
	for _, s := range h.Snapshots {
		if s.Period.Type() == snap.Period.Type() {
			c.Periods = append(c.Periods, PeriodReference{ID: s.Period.String(), Label: s.Period.Label()})
		}
	}
	for i, code := range regions {
		rh := RegionHistory{Code: code, Name: c.Regions[i].Name}
		for _, s := range h.Snapshots {
			if s.Period.Type() != snap.Period.Type() {
				continue
			}
			p := HistoryPoint{Period: s.Period.String(), Of: s.Ranked}
			if r, ok := s.Regions[code]; ok {
				p.Score, p.Rank = optional(r.Score), r.Rank
			}
			rh.Points = append(rh.Points, p)
		}
		c.History = append(c.History, rh)
	}
	return c, nil
}

func pickSnapshot(h *History, periodID string) *Snapshot {
	if periodID != "" {
		s, _ := h.Snapshot(periodID)
		return s
	}
	var latest, latestYear *Snapshot
	for _, s := range h.Snapshots {
		latest = s
		if s.Period.Type() == period.Yearly {
			latestYear = s
		}
	}
	if latestYear != nil {
		return latestYear
	}
	return latest
}

func compareRow(h *History, snap *Snapshot, n NodeInfo, regions []string) ComparisonRow {
	row := ComparisonRow{ID: n.ID, Name: n.Name, Depth: n.Depth, Direction: directionName(index.HigherIsBetter), Unit: ScoreUnit}
	switch {
	case n.Indicator != "":
		row.Kind, row.ID = KindIndicator, n.Indicator
		if ind, ok := h.Methodology.Indicator(n.Indicator); ok {
			row.Unit, row.Direction = ind.Unit, directionName(ind.Direction)
		}
	case n.Parent == "":
		row.Kind = KindIndex
	default:
		row.Kind = KindCriterion
	}
	dir := index.HigherIsBetter
	if row.Direction == "lower" {
		dir = index.LowerIsBetter
	}
	// Values of every region, to rank the compared ones among all.
	var all []float64
	for _, r := range snap.Regions {
		if v, ok := cellValue(r, row.Kind, row.ID, n.ID); ok {
			all = append(all, v)
		}
	}
	best := math.NaN()
	for _, code := range regions {
		cell := ComparisonCell{Of: len(all)}
		if r, ok := snap.Regions[code]; ok {
			if v, ok := cellValue(r, row.Kind, row.ID, n.ID); ok {
				cell.Value = &v
				cell.Rank = rankOf(dir, v, all)
				if math.IsNaN(best) || Better(dir, v, best) {
					best = v
				}
			}
			if s, ok := r.Scores[n.ID]; ok {
				cell.Score = &s
			}
		}
		row.Cells = append(row.Cells, cell)
	}
	for i := range row.Cells {
		if v := row.Cells[i].Value; v != nil && *v == best {
			row.Cells[i].Best = true
		}
	}
	return row
}

func cellValue(r *RegionResult, kind, indicator, node string) (float64, bool) {
	if kind == KindIndicator {
		v, ok := r.Values[indicator]
		return v, ok
	}
	v, ok := r.Scores[node]
	return v, ok
}

// rankOf is 1 + the number of values strictly better than v.
func rankOf(d index.Direction, v float64, all []float64) int {
	rank := 1
	for _, x := range all {
		if Better(d, x, v) {
			rank++
		}
	}
	return rank
}

func optional(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
