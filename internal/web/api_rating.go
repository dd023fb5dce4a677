package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/web/response"
)

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
