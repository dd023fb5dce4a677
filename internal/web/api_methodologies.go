package web

import (
	"fmt"
	"net/http"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/web/response"
)

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
