package web

import (
	"fmt"
	"net/http"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/web/response"
	"github.com/cifra-health/cifra/internal/web/view"
)

// treeRow is a node of the methodology tree with its weights.
type treeRow struct {
	Depth     int
	ID, Name  string
	Weight    float64
	Share     float64 // weight among siblings
	Effective float64 // product of shares down from the root
	Leaf      bool
	Ind       *method.Indicator
	Formula   string
	Agg       string
}

type methodologyView struct {
	view.Layout
	M        *method.Methodology
	Rows     []treeRow
	Pipeline index.Config
	Versions []store.MethodologyVersion
	Periods  []string
	Elements int
}

// methodologyPage shows a methodology as a methodologist reads it.
func (s *Server) methodologyPage(w http.ResponseWriter, r *http.Request) {
	m, ok := s.cat.Methodology(r.PathValue("id"))
	if !ok {
		response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown methodology %q", r.PathValue("id")))
		return
	}
	v := methodologyView{Layout: layoutOf(m.Name, "methodology", nil), M: m, Pipeline: m.Pipeline, Elements: len(m.DataElements)}
	v.Methodology, v.Version = m.ID, m.Version
	inds := map[string]*method.Indicator{}
	for i := range m.Indicators {
		inds[m.Indicators[i].ID] = &m.Indicators[i]
	}
	var walk func(n *index.Node, depth int, share, eff float64)
	walk = func(n *index.Node, depth int, share, eff float64) {
		row := treeRow{Depth: depth, ID: n.ID, Name: n.Name, Weight: n.Weight, Share: share, Effective: eff, Leaf: n.Indicator != "", Agg: string(n.Aggregation)}
		if in, ok := inds[n.Indicator]; ok {
			row.Ind = in
			row.Formula = in.Numerator.String()
			if in.Denominator != nil {
				row.Formula = "(" + row.Formula + ") / (" + in.Denominator.String() + ")"
			}
			if in.Factor != 0 && in.Factor != 1 {
				row.Formula += fmt.Sprintf(" × %g", in.Factor)
			}
		}
		v.Rows = append(v.Rows, row)
		total := 0.0
		for _, c := range n.Children {
			total += c.Weight
		}
		for _, c := range n.Children {
			sh := 0.0
			if total > 0 {
				sh = c.Weight / total
			}
			walk(c, depth+1, sh, eff*sh)
		}
	}
	walk(m.Tree, 0, 1, 1)
	vs, err := s.cached(r.Context(), "versions", m.ID, 16<<10, func() (any, error) {
		return s.cat.MethodologyVersions(r.Context(), m.ID)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := s.pageKey(r)
	if s.servePage(w, key) {
		return
	}
	v.Versions = vs.([]store.MethodologyVersion)
	if v.Periods, err = s.cachedPeriods(r.Context(), m.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderCached(w, r, key, "methodology", v)
}
