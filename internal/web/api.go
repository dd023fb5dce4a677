package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/stats"
	"github.com/cifra-health/cifra/internal/web/response"
)

// result loads the rating named by ?methodology= and ?period= (latest when
// absent), writing a problem and returning nil on failure.
func (s *Server) result(w http.ResponseWriter, r *http.Request) *rating.Result {
	return s.resultWith(w, r, s.cat.Periods)
}

// resultWith is result with the latest period taken from periods.
func (s *Server) resultWith(w http.ResponseWriter, r *http.Request, periods func(context.Context, string) ([]string, error)) *rating.Result {
	id := r.URL.Query().Get("methodology")
	if id == "" {
		id = DefaultMethodology
	}
	if _, ok := s.cat.Methodology(id); !ok {
		response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown methodology %q", id))
		return nil
	}
	p := r.URL.Query().Get("period")
	if p == "" {
		ps, err := periods(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return nil
		}
		if len(ps) == 0 {
			response.Error(w, r, http.StatusNotFound, fmt.Sprintf("no computed results for %s", id))
			return nil
		}
		p = ps[len(ps)-1]
	}
	res, err := s.cat.Result(r.Context(), id, p)
	if errors.Is(err, catalog.ErrNoResult) {
		response.Error(w, r, http.StatusNotFound, err.Error())
		return nil
	}
	if err != nil {
		s.fail(w, r, err)
		return nil
	}
	return res
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	s.log.Error("request failed", "path", r.URL.Path, "err", err)
	response.Error(w, r, http.StatusInternalServerError, "internal error")
}

// UnitJSON is an organisation unit in API responses.
type UnitJSON struct {
	Code         string  `json:"code"`
	Name         string  `json:"name"`
	NameEn       string  `json:"name_en,omitempty"`
	ShortName    string  `json:"short_name,omitempty"`
	Level        string  `json:"level"`
	Parent       string  `json:"parent,omitempty"`
	ISO          string  `json:"iso_code,omitempty"`
	OKATO        string  `json:"okato,omitempty"`
	RegionNumber int     `json:"region_number,omitempty"`
	Type         string  `json:"type,omitempty"`
	Population   int64   `json:"population,omitempty"`
	Lat          float64 `json:"lat,omitempty"`
	Lon          float64 `json:"lon,omitempty"`
	NameLoc      string  `json:"name_locative,omitempty"`
	Settlement   string  `json:"settlement,omitempty"`
}

func unitJSON(u *orgunit.Unit) UnitJSON {
	return UnitJSON{Code: u.Code, Name: u.Name, NameEn: u.NameEn, ShortName: u.ShortName, Level: u.Level.String(), Parent: u.Parent,
		ISO: u.ISO, OKATO: u.OKATO, RegionNumber: u.RegionNumber, Type: u.Type, Population: u.Population,
		Lat: u.Lat, Lon: u.Lon, NameLoc: u.NameLoc, Settlement: u.Settlement}
}

func (s *Server) orgUnits(w http.ResponseWriter, r *http.Request) {
	h := s.cat.Hierarchy()
	q := r.URL.Query()
	var units []*orgunit.Unit
	switch {
	case q.Get("parent") != "":
		p, ok := h.Lookup(q.Get("parent"))
		if !ok {
			response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown organisation unit %q", q.Get("parent")))
			return
		}
		units = h.Children(p.Code)
	case q.Get("level") != "":
		l, err := orgunit.ParseLevel(q.Get("level"))
		if err != nil {
			response.Error(w, r, http.StatusBadRequest, err.Error())
			return
		}
		units = h.AtLevel(l)
	default:
		units = h.AtLevel(orgunit.Region)
	}
	out := make([]UnitJSON, len(units))
	for i, u := range units {
		out[i] = unitJSON(u)
	}
	response.JSON(w, out)
}

func (s *Server) orgUnit(w http.ResponseWriter, r *http.Request) {
	h := s.cat.Hierarchy()
	u, ok := h.Lookup(r.PathValue("code"))
	if !ok {
		response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown organisation unit %q", r.PathValue("code")))
		return
	}
	type withKids struct {
		UnitJSON
		Ancestors []UnitJSON `json:"ancestors"`
		Children  int        `json:"children"`
	}
	out := withKids{UnitJSON: unitJSON(u), Children: len(h.Children(u.Code))}
	for _, a := range h.Ancestors(u.Code) {
		out.Ancestors = append(out.Ancestors, unitJSON(a))
	}
	response.JSON(w, out)
}

// MethodologyJSON summarises a methodology.
type MethodologyJSON struct {
	ID          string             `json:"id"`
	Version     string             `json:"version"`
	Name        string             `json:"name"`
	Description string             `json:"description,omitempty"`
	PeriodTypes []string           `json:"period_types"`
	UnitLevel   string             `json:"unit_level"`
	Indicators  int                `json:"indicators"`
	Tree        []rating.NodeRef   `json:"tree,omitempty"`
	Pipeline    *index.Config      `json:"pipeline,omitempty"`
	Versions    []MethodologyBrief `json:"versions,omitempty"`
	Periods     []string           `json:"periods,omitempty"`
}

// MethodologyBrief is a stored version.
type MethodologyBrief struct {
	Version  string `json:"version"`
	LoadedAt string `json:"loaded_at"`
}

func (s *Server) methodologies(w http.ResponseWriter, r *http.Request) {
	var out []MethodologyJSON
	for _, m := range s.cat.Methodologies() {
		var ts []string
		for _, t := range m.PeriodTypes {
			ts = append(ts, t.String())
		}
		out = append(out, MethodologyJSON{ID: m.ID, Version: m.Version, Name: m.Name, Description: m.Description, PeriodTypes: ts, UnitLevel: m.UnitLevel, Indicators: len(m.Indicators)})
	}
	response.JSON(w, out)
}

func (s *Server) methodology(w http.ResponseWriter, r *http.Request) {
	m, ok := s.cat.Methodology(r.PathValue("id"))
	if !ok {
		response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown methodology %q", r.PathValue("id")))
		return
	}
	var ts []string
	for _, t := range m.PeriodTypes {
		ts = append(ts, t.String())
	}
	out := MethodologyJSON{ID: m.ID, Version: m.Version, Name: m.Name, Description: m.Description, PeriodTypes: ts, UnitLevel: m.UnitLevel, Indicators: len(m.Indicators), Pipeline: &m.Pipeline}
	var walk func(n *index.Node, parent string, depth int)
	walk = func(n *index.Node, parent string, depth int) {
		out.Tree = append(out.Tree, rating.NodeRef{ID: n.ID, Name: n.Name, Parent: parent, Depth: depth, Weight: n.Weight, Indicator: n.Indicator})
		for _, c := range n.Children {
			walk(c, n.ID, depth+1)
		}
	}
	walk(m.Tree, "", 0)
	vs, err := s.cat.MethodologyVersions(r.Context(), m.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, v := range vs {
		out.Versions = append(out.Versions, MethodologyBrief{Version: v.Version, LoadedAt: v.LoadedAt.Format("2006-01-02T15:04:05Z")})
	}
	if out.Periods, err = s.cat.Periods(r.Context(), m.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	response.JSON(w, out)
}

func (s *Server) indicators(w http.ResponseWriter, r *http.Request) {
	m, ok := s.cat.Methodology(r.PathValue("id"))
	if !ok {
		response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown methodology %q", r.PathValue("id")))
		return
	}
	type indJSON struct {
		rating.IndicatorRef
		Source string `json:"source,omitempty"`
	}
	var out []indJSON
	for i := range m.Indicators {
		ind := &m.Indicators[i]
		ref := rating.IndicatorRef{ID: ind.ID, Name: ind.Name, Description: ind.Description, Unit: ind.Unit, Factor: ind.Factor, Target: ind.Target, Direction: "higher", AverageOfUnits: ind.AverageOfUnits}
		if ind.Direction == index.LowerIsBetter {
			ref.Direction = "lower"
		}
		ref.Numerator = ind.Numerator.String()
		if ind.Denominator != nil {
			ref.Denominator = ind.Denominator.String()
		}
		out = append(out, indJSON{IndicatorRef: ref, Source: ind.Source})
	}
	response.JSON(w, out)
}

func (s *Server) periods(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("methodology")
	if id == "" {
		id = DefaultMethodology
	}
	ps, err := s.cat.Periods(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ps == nil {
		ps = []string{}
	}
	response.JSON(w, ps)
}

// RatingJSON is the league table response.
type RatingJSON struct {
	Methodology string             `json:"methodology"`
	Version     string             `json:"version"`
	Name        string             `json:"name"`
	Period      string             `json:"period"`
	PeriodLabel string             `json:"period_label"`
	Previous    string             `json:"previous_period,omitempty"`
	Synthetic   bool               `json:"synthetic"`
	Note        string             `json:"note,omitempty"`
	ComputedAt  string             `json:"computed_at"`
	Criteria    []rating.NodeRef   `json:"criteria"`
	Grades      []index.Grade      `json:"grades"`
	Leaders     []string           `json:"leaders"`
	Laggards    []string           `json:"laggards"`
	Rows        []report.LeagueRow `json:"rows"`
	Warnings    []string           `json:"warnings,omitempty"`
}

func (s *Server) rating(w http.ResponseWriter, r *http.Request) {
	res := s.result(w, r)
	if res == nil {
		return
	}
	out := RatingJSON{Methodology: res.Methodology, Version: res.Version, Name: res.Name, Period: res.Period, PeriodLabel: res.PeriodLabel,
		Previous: res.Previous, Synthetic: res.Synthetic, ComputedAt: res.ComputedAt.Format("2006-01-02T15:04:05Z"),
		Grades: res.Grades, Leaders: res.Leaders, Laggards: res.Laggards, Rows: report.League(res, s.cat.Hierarchy()), Warnings: res.Warnings}
	if res.Synthetic {
		out.Note = report.SyntheticNote
	}
	for _, n := range res.Nodes {
		if n.Depth == 1 {
			out.Criteria = append(out.Criteria, n)
		}
	}
	if district := r.URL.Query().Get("district"); district != "" {
		kept := out.Rows[:0]
		for _, row := range out.Rows {
			if row.District == district || strings.EqualFold(districtCode(s.cat.Hierarchy(), row.Code), district) {
				kept = append(kept, row)
			}
		}
		out.Rows = kept
	}
	response.JSON(w, out)
}

func districtCode(h *orgunit.Hierarchy, code string) string {
	if d, ok := h.DistrictOf(code); ok {
		return d.Code
	}
	return ""
}

// unit resolves the {code} path value to a rated unit, or writes a problem.
func (s *Server) unit(w http.ResponseWriter, r *http.Request, res *rating.Result) (*orgunit.Unit, int) {
	u, ok := s.cat.Hierarchy().Lookup(r.PathValue("code"))
	if !ok {
		response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown organisation unit %q", r.PathValue("code")))
		return nil, -1
	}
	i := res.UnitIndex(u.Code)
	if i < 0 {
		response.Error(w, r, http.StatusNotFound, fmt.Sprintf("%s is not rated by %s", u.Code, res.Methodology))
		return nil, -1
	}
	return u, i
}

func (s *Server) explain(w http.ResponseWriter, r *http.Request) {
	res := s.result(w, r)
	if res == nil {
		return
	}
	u, _ := s.unit(w, r, res)
	if u == nil {
		return
	}
	depth, _ := strconv.Atoi(r.URL.Query().Get("depth"))
	ex, err := res.Explain(u.Code, r.URL.Query().Get("node"), depth)
	if err != nil {
		response.Error(w, r, http.StatusNotFound, err.Error())
		return
	}
	response.JSON(w, ex)
}

func (s *Server) whatIf(w http.ResponseWriter, r *http.Request) {
	res := s.result(w, r)
	if res == nil {
		return
	}
	u, _ := s.unit(w, r, res)
	if u == nil {
		return
	}
	opts := index.WhatIfOptions{Target: map[string]float64{}}
	// ?set=indicator:value asks for a specific target instead of the best
	// value in the federal district.
	for _, kv := range r.URL.Query()["set"] {
		id, v, ok := strings.Cut(kv, ":")
		f, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil {
			response.Error(w, r, http.StatusBadRequest, fmt.Sprintf("set=%q: want indicator:value", kv))
			return
		}
		opts.Target[id] = f
		opts.Indicators = append(opts.Indicators, id)
	}
	levers, err := res.WhatIf(u.Code, opts)
	if err != nil {
		response.Error(w, r, http.StatusBadRequest, err.Error())
		return
	}
	response.JSON(w, whatIfJSON(res, u.Code, levers))
}

// LeverJSON is a what-if lever with the indicator's name.
type LeverJSON struct {
	index.Lever
	Name string `json:"name"`
	Unit string `json:"unit,omitempty"`
}

// WhatIfJSON is the what-if response.
type WhatIfJSON struct {
	Unit    string      `json:"unit"`
	Rank    int         `json:"rank"`
	Score   rating.Num  `json:"score"`
	Period  string      `json:"period"`
	Levers  []LeverJSON `json:"levers"`
	Synthet bool        `json:"synthetic"`
}

func whatIfJSON(res *rating.Result, code string, levers []index.Lever) WhatIfJSON {
	row := res.Rows[res.UnitIndex(code)]
	out := WhatIfJSON{Unit: code, Rank: row.Rank, Score: row.Score, Period: res.Period, Levers: []LeverJSON{}, Synthet: res.Synthetic}
	for _, l := range levers {
		lj := LeverJSON{Lever: l}
		for _, in := range res.Indicators {
			if in.ID == l.Indicator {
				lj.Name, lj.Unit = in.Name, in.Unit
			}
		}
		out.Levers = append(out.Levers, lj)
	}
	return out
}

// maxDraws bounds the Monte Carlo draws a caller may ask for.
const maxDraws = 10000

// uncertaintyFor runs the Monte Carlo analysis of a result with the
// methodology's defaults. The canonical run (the methodology's draws, seed
// 1: what the region cards show) is cached per result and generation; a
// caller's own seed or draws is computed afresh, one such run at a time,
// so that anonymous callers can neither fill the cache nor the processors.
func (s *Server) uncertaintyFor(ctx context.Context, res *rating.Result, draws int, seed uint64) ([]index.UnitUncertainty, error) {
	m := res.MethodologyDef()
	opts := index.UncertaintyOptions{Draws: m.Uncertainty.Draws, Seed: seed, WeightJitter: m.Uncertainty.WeightJitter,
		Normalisations: m.Uncertainty.Normalisations, Aggregations: m.Uncertainty.Aggregations, Imputations: m.Uncertainty.Imputations}
	if opts.Draws == 0 {
		opts.Draws = 1000
	}
	canonical := seed == 1 && (draws <= 0 || draws == opts.Draws)
	if draws > 0 {
		opts.Draws = min(draws, maxDraws)
	}
	if canonical {
		v, err := s.cached(ctx, "uncertainty", res.Methodology+"@"+res.Version+"@"+res.Period, int64(len(res.Rows))*128, func() (any, error) {
			return res.Uncertainty(ctx, opts)
		})
		if err != nil {
			return nil, err
		}
		return v.([]index.UnitUncertainty), nil
	}
	select {
	case s.adhoc <- struct{}{}:
		defer func() { <-s.adhoc }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return res.Uncertainty(ctx, opts)
}

func (s *Server) uncertaintyHandler(w http.ResponseWriter, r *http.Request) {
	res := s.result(w, r)
	if res == nil {
		return
	}
	draws, _ := strconv.Atoi(r.URL.Query().Get("draws"))
	seed := uint64(1)
	if v := r.URL.Query().Get("seed"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			response.Error(w, r, http.StatusBadRequest, "seed must be a non-negative integer")
			return
		}
	}
	us, err := s.uncertaintyFor(r.Context(), res, draws, seed)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	response.JSON(w, map[string]any{"methodology": res.Methodology, "period": res.Period, "seed": seed, "synthetic": res.Synthetic, "units": us})
}

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
