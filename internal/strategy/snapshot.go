package strategy

import (
	"fmt"
	"math"
	"slices"

	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
)

// Snapshot is what this package reads from one computed rating: one
// methodology in one period, for every region. It keeps the package
// independent of how rating lays out its results (FromRating adapts).
type Snapshot struct {
	Methodology string
	Name        string // Russian name of the methodology
	Period      period.Period
	Nodes       []NodeInfo // tree order, root first
	Regions     map[string]*RegionResult
	// Ranked counts the regions with a rank.
	Ranked int
}

// NodeInfo is one node of the index tree.
type NodeInfo struct {
	ID, Name  string
	Parent    string
	Depth     int
	Indicator string // leaves only
}

// RegionResult is one region's line of a snapshot.
type RegionResult struct {
	Code, Name string
	Score      float64 // NaN when screened out
	Rank       int     // 0 when not ranked
	GradeLabel string
	Values     map[string]float64 // indicator id -> raw value; absent = missing
	Scores     map[string]float64 // node id -> score; absent = missing
}

// Value is the region's value of a measure id: the indicator's raw value
// when id is an indicator, else the node's score.
func (s *Snapshot) Value(region, id string) (float64, bool) {
	r, ok := s.Regions[region]
	if !ok {
		return 0, false
	}
	if v, ok := r.Values[id]; ok {
		return v, true
	}
	if s.isIndicator(id) {
		return 0, false // an indicator without a value is missing, not a node
	}
	v, ok := r.Scores[id]
	return v, ok
}

func (s *Snapshot) isIndicator(id string) bool {
	for _, n := range s.Nodes {
		if n.Indicator == id {
			return true
		}
	}
	return false
}

// FromRating adapts a rating result. Missing numbers (NaN) are left out
// of the maps.
func FromRating(r *rating.Result) (*Snapshot, error) {
	p, err := period.Parse(r.Period)
	if err != nil {
		return nil, fmt.Errorf("strategy: result %s: %w", r.Methodology, err)
	}
	s := &Snapshot{Methodology: r.Methodology, Name: r.Name, Period: p, Regions: make(map[string]*RegionResult, len(r.Units))}
	for _, n := range r.Nodes {
		s.Nodes = append(s.Nodes, NodeInfo{ID: n.ID, Name: n.Name, Parent: n.Parent, Depth: n.Depth, Indicator: n.Indicator})
	}
	for u, unit := range r.Units {
		rr := &RegionResult{Code: unit.Code, Name: unit.Name, Score: math.NaN(), Values: map[string]float64{}, Scores: map[string]float64{}}
		for i, ind := range r.Indicators {
			if u < len(r.Values[i]) && r.Values[i][u].Valid() {
				rr.Values[ind.ID] = float64(r.Values[i][u])
			}
		}
		s.Regions[unit.Code] = rr
	}
	for _, row := range r.Rows {
		rr, ok := s.Regions[row.Code]
		if !ok {
			continue
		}
		if row.Score.Valid() && !row.Screened {
			rr.Score = float64(row.Score)
		}
		rr.Rank, rr.GradeLabel = row.Rank, row.GradeLabel
		if row.Rank > 0 {
			s.Ranked++
		}
		for id, v := range row.Scores {
			if v.Valid() {
				rr.Scores[id] = float64(v)
			}
		}
	}
	return s, nil
}

// History is one methodology's snapshots over time.
type History struct {
	Methodology *method.Methodology
	Snapshots   []*Snapshot // sorted by period
}

// NewHistory keeps the snapshots of m, sorted by period (coarser first
// within one start), and drops those of other methodologies.
func NewHistory(m *method.Methodology, snaps []*Snapshot) *History {
	h := &History{Methodology: m}
	for _, s := range snaps {
		if s != nil && s.Methodology == m.ID {
			h.Snapshots = append(h.Snapshots, s)
		}
	}
	slices.SortFunc(h.Snapshots, func(a, b *Snapshot) int { return period.Compare(a.Period, b.Period) })
	return h
}

// Series is a region's values of a measure over every snapshot.
func (h *History) Series(region, id string) Series {
	s := Series{}
	for _, snap := range h.Snapshots {
		if v, ok := snap.Value(region, id); ok {
			s[snap.Period.String()] = v
		}
	}
	return s
}

// Facts are a region's yearly facts of a measure (see YearFact).
func (h *History) Facts(region, id string) []Fact {
	return h.Series(region, id).Facts(h.Methodology.PeriodTypes)
}

// LastYear is the latest year with a fact period computed for any region:
// the asOf of Assess. 0 when there is none.
func (h *History) LastYear() int {
	last := 0
	for _, s := range h.Snapshots {
		p, _, ok := FactPeriod(h.Methodology.PeriodTypes, s.Period.Year())
		if ok && p == s.Period {
			last = max(last, s.Period.Year())
		}
	}
	return last
}

// Snapshot returns the snapshot of period id.
func (h *History) Snapshot(id string) (*Snapshot, bool) {
	i := slices.IndexFunc(h.Snapshots, func(s *Snapshot) bool { return s.Period.String() == id })
	if i < 0 {
		return nil, false
	}
	return h.Snapshots[i], true
}
