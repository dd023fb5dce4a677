package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"sort"

	"github.com/cifra-health/cifra/internal/chart"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/stats"
	"github.com/cifra-health/cifra/internal/web/response"
	"github.com/cifra-health/cifra/internal/web/view"
)

type placed struct {
	Rank  int
	Code  string
	ISO   string
	Name  string
	Value rating.Num
}

type indicatorView struct {
	view.Layout
	Ind       rating.IndicatorRef
	Def       *method.Indicator
	Formula   string
	Criterion string
	Weight    float64
	Reported  int
	Hist      template.HTML
	Map       template.HTML
	Legend    []legendItem
	Top       []placed
	Bottom    []placed
	Trend     template.HTML
	Median    rating.Num
	TrendRows []chart.Point
	Treatment *rating.TreatmentRef
}

// indicatorPage shows one indicator across regions.
func (s *Server) indicatorPage(w http.ResponseWriter, r *http.Request) {
	res := s.pageResult(w, r)
	if res == nil {
		return
	}
	id := r.PathValue("id")
	ii := indicatorIndex(res, id)
	if ii < 0 {
		response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown indicator %q in %s", id, res.Methodology))
		return
	}
	key := s.pageKey(r)
	if s.servePage(w, key) {
		return
	}
	in := res.Indicators[ii]
	v := indicatorView{Layout: s.pageLayout(r.Context(), in.Name, "indicators", res), Ind: in, Formula: formulaText(in)}
	if m := res.MethodologyDef(); m != nil {
		for i := range m.Indicators {
			if m.Indicators[i].ID == id {
				v.Def = &m.Indicators[i]
			}
		}
	}
	for _, n := range res.Nodes {
		if n.Indicator == id || n.ID == id {
			v.Weight = n.Weight
			for _, p := range res.Nodes {
				if p.ID == n.Parent {
					v.Criterion = p.Name
				}
			}
		}
	}
	for i := range res.Treatments {
		if res.Treatments[i].Indicator == id {
			v.Treatment = &res.Treatments[i]
		}
	}
	d := s.derive(r.Context(), res)
	var all []placed
	var vals []float64
	ranks := valueRanks(res, ii)
	for u, ref := range res.Units {
		x := res.Values[ii][u]
		if !x.Valid() {
			continue
		}
		vals = append(vals, float64(x))
		all = append(all, placed{Rank: ranks[u], Code: ref.Code, ISO: d.iso[ref.Code], Name: ref.Name, Value: x})
	}
	v.Reported = len(all)
	sort.SliceStable(all, func(a, b int) bool {
		if all[a].Rank != all[b].Rank {
			return all[a].Rank < all[b].Rank
		}
		return all[a].Name < all[b].Name
	})
	v.Top = all[:min(10, len(all))]
	for i := len(all) - 1; i >= 0 && i >= len(all)-10; i-- {
		v.Bottom = append(v.Bottom, all[i])
	}
	v.Median = rating.Num(stats.Median(vals))
	v.Hist = chart.Histogram("Распределение значений по субъектам РФ", vals, 12, float64(v.Median), "медиана", 1)
	tiles, legend := indicatorTiles(r.Context(), s, res, ii)
	v.Legend = legend
	v.Map = tileMapSVG(s.cat.Hierarchy(), s.tileLayout(r.Context()), tiles, "Карта: "+in.Name, v.Query)
	ps, err := s.cachedPeriods(r.Context(), res.Methodology)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, p := range ps {
		if len(p) != len(res.Period) { // same period type only
			continue
		}
		pr, err := s.cat.Result(r.Context(), res.Methodology, p)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		k := indicatorIndex(pr, id)
		med := math.NaN()
		if k >= 0 {
			med = medianOf(pr.Values[k])
		}
		v.TrendRows = append(v.TrendRows, chart.Point{Label: view.ShortPeriod(p), Value: med})
	}
	v.Trend = chart.Line("Медиана по субъектам РФ по периодам", v.TrendRows, 1, false)
	s.renderCached(w, r, key, "indicator", v)
}
