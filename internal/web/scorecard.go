package web

import (
	"context"
	"math"
	"net/http"
	"sort"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/stats"
	"github.com/cifra-health/cifra/internal/web/response"
)

// CriterionJSON is one criterion of a scorecard against the medians.
type CriterionJSON struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Weight         float64    `json:"weight"`
	Score          rating.Num `json:"score"`
	NationalMedian rating.Num `json:"national_median"`
	DistrictMedian rating.Num `json:"district_median"`
	Rank           int        `json:"rank"`
}

// IndicatorPosition is an indicator's normalised score against the nation,
// for strengths and weaknesses.
type IndicatorPosition struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Value          rating.Num `json:"value"`
	Unit           string     `json:"unit,omitempty"`
	Normalised     rating.Num `json:"normalised"`
	NationalMedian rating.Num `json:"national_median"`
	Gap            rating.Num `json:"gap"`
}

// ScorecardJSON is everything a region card needs.
type ScorecardJSON struct {
	Methodology  string                 `json:"methodology"`
	Version      string                 `json:"version"`
	Period       string                 `json:"period"`
	PeriodLabel  string                 `json:"period_label"`
	Synthetic    bool                   `json:"synthetic"`
	Note         string                 `json:"note,omitempty"`
	Unit         UnitJSON               `json:"unit"`
	Row          rating.Row             `json:"row"`
	Of           int                    `json:"of"`    // ranked units
	Total        int                    `json:"total"` // all units, ranked or screened out
	DistrictSize int                    `json:"district_size"`
	Criteria     []CriterionJSON        `json:"criteria"`
	Strengths    []IndicatorPosition    `json:"strengths"`
	Weaknesses   []IndicatorPosition    `json:"weaknesses"`
	Trend        []TrendPoint           `json:"trend"`
	Explanation  rating.Explanation     `json:"explanation"`
	RankInterval *index.UnitUncertainty `json:"rank_interval,omitempty"`
	Levers       []LeverJSON            `json:"levers"`
}

// TrendPoint is a unit's score and rank in one period.
type TrendPoint struct {
	Period string     `json:"period"`
	Score  rating.Num `json:"score"`
	Rank   int        `json:"rank"`
}

func (s *Server) scorecard(w http.ResponseWriter, r *http.Request) {
	res := s.result(w, r)
	if res == nil {
		return
	}
	u, ui := s.unit(w, r, res)
	if u == nil {
		return
	}
	sc, err := s.buildScorecard(r.Context(), res, u, ui)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	response.JSON(w, sc)
}

func (s *Server) buildScorecard(ctx context.Context, res *rating.Result, u *orgunit.Unit, ui int) (*ScorecardJSON, error) {
	row := res.Rows[ui]
	sc := &ScorecardJSON{Methodology: res.Methodology, Version: res.Version, Period: res.Period, PeriodLabel: res.PeriodLabel,
		Synthetic: res.Synthetic, Unit: unitJSON(u), Row: row, Strengths: []IndicatorPosition{}, Weaknesses: []IndicatorPosition{}}
	if res.Synthetic {
		sc.Note = report.SyntheticNote
	}
	sc.Total = len(res.Rows)
	for _, rw := range res.Rows {
		if rw.Rank > 0 {
			sc.Of++
			if rw.Group == row.Group {
				sc.DistrictSize++
			}
		}
	}
	for _, n := range res.Nodes {
		if n.Depth != 1 {
			continue
		}
		var all, district []float64
		for _, rw := range res.Rows {
			if v := rw.Scores[n.ID]; v.Valid() && !rw.Screened {
				all = append(all, float64(v))
				if rw.Group == row.Group {
					district = append(district, float64(v))
				}
			}
		}
		sc.Criteria = append(sc.Criteria, CriterionJSON{ID: n.ID, Name: n.Name, Weight: n.Weight, Score: row.Scores[n.ID],
			NationalMedian: rating.Num(stats.Median(all)), DistrictMedian: rating.Num(stats.Median(district)), Rank: stats.RankOf(all, float64(row.Scores[n.ID]))})
	}
	var pos []IndicatorPosition
	for _, ir := range res.Index().Indicators {
		var all []float64
		for _, v := range ir.Normalised {
			if !math.IsNaN(v) {
				all = append(all, v)
			}
		}
		if math.IsNaN(ir.Normalised[ui]) {
			continue
		}
		p := IndicatorPosition{ID: ir.ID, Normalised: rating.Num(ir.Normalised[ui]), NationalMedian: rating.Num(stats.Median(all))}
		p.Gap = p.Normalised - p.NationalMedian
		for i, in := range res.Indicators {
			if in.ID == ir.ID {
				p.Name, p.Unit, p.Value = in.Name, in.Unit, res.Values[i][ui]
			}
		}
		pos = append(pos, p)
	}
	sort.SliceStable(pos, func(i, j int) bool { return pos[i].Gap > pos[j].Gap })
	for i := 0; i < len(pos) && i < 3; i++ {
		if pos[i].Gap > 0 {
			sc.Strengths = append(sc.Strengths, pos[i])
		}
	}
	for i := len(pos) - 1; i >= 0 && i >= len(pos)-3; i-- {
		if pos[i].Gap < 0 {
			sc.Weaknesses = append(sc.Weaknesses, pos[i])
		}
	}
	ps, err := s.cat.Periods(ctx, res.Methodology)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		pr, err := s.cat.Result(ctx, res.Methodology, p)
		if err != nil {
			return nil, err
		}
		if pr.PeriodLabel == "" || len(p) != len(res.Period) { // same period type only
			continue
		}
		if i := pr.UnitIndex(u.Code); i >= 0 {
			sc.Trend = append(sc.Trend, TrendPoint{Period: p, Score: pr.Rows[i].Score, Rank: pr.Rows[i].Rank})
		}
	}
	if sc.Explanation, err = res.Explain(u.Code, "", 0); err != nil {
		return nil, err
	}
	if us, err := s.uncertaintyFor(ctx, res, 0, 1); err == nil {
		for i := range us {
			if us[i].Unit == u.Code {
				sc.RankInterval = &us[i]
			}
		}
	} else {
		s.log.Warn("uncertainty failed", "err", err)
	}
	levers, err := res.WhatIf(u.Code, index.WhatIfOptions{})
	if err != nil {
		return nil, err
	}
	sc.Levers = whatIfJSON(res, u.Code, levers).Levers
	return sc, nil
}
