package web

import (
	"html/template"
	"math"
	"net/http"

	"github.com/cifra-health/cifra/internal/chart"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/web/cache"
	"github.com/cifra-health/cifra/internal/web/view"
)

type regionView struct {
	view.Layout
	Unit         *orgunit.Unit
	ISO          string
	In           string // "в Тульской области"
	DistrictName string
	Card         *ScorecardJSON
	ScoreDelta   rating.Num
	HasPrev      bool
	Trend        template.HTML
	RankTrend    template.HTML
	CriteriaSVG  template.HTML
	Orgs         []*orgunit.Unit
	OrgsWord     string
}

// regionCard is what the region pages start from: the rating, the region
// and its scorecard, and the key the page is kept under. It answers the
// request itself (returning false) on a bad request or a kept page.
func (s *Server) regionCard(w http.ResponseWriter, r *http.Request) (*rating.Result, *orgunit.Unit, *ScorecardJSON, cache.Key, bool) {
	res := s.pageResult(w, r)
	if res == nil {
		return nil, nil, nil, cache.Key{}, false
	}
	u, ui := s.regionOf(w, r, res)
	if u == nil {
		return nil, nil, nil, cache.Key{}, false
	}
	key := s.pageKey(r)
	if s.servePage(w, key) {
		return nil, nil, nil, cache.Key{}, false
	}
	sc, err := s.cachedScorecard(r.Context(), res, u, ui)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, nil, cache.Key{}, false
	}
	return res, u, sc, key, true
}

// regionPage is the region card.
func (s *Server) regionPage(w http.ResponseWriter, r *http.Request) {
	res, u, sc, key, ok := s.regionCard(w, r)
	if !ok {
		return
	}
	v := regionView{Layout: s.pageLayout(r.Context(), u.Name, "rating", res), Unit: u, ISO: isoOf(u), In: u.In(), Card: sc, DistrictName: sc.Row.GroupName}
	if p := sc.Row.PrevScore; p != nil && p.Valid() && sc.Row.Score.Valid() {
		v.HasPrev, v.ScoreDelta = true, sc.Row.Score-*p
	}
	var pts, rks []chart.Point
	for _, tp := range sc.Trend {
		pts = append(pts, chart.Point{Label: view.ShortPeriod(tp.Period), Value: float64(tp.Score)})
		rk := math.NaN()
		if tp.Rank > 0 {
			rk = float64(tp.Rank)
		}
		rks = append(rks, chart.Point{Label: view.ShortPeriod(tp.Period), Value: rk})
	}
	v.Trend = chart.Line("Итоговый балл по периодам", pts, 1, false)
	v.RankTrend = chart.Line("Место в рейтинге по периодам (выше — лучше)", rks, 0, true)
	var bars []chart.Bar
	for _, c := range sc.Criteria {
		bars = append(bars, chart.Bar{Label: c.Name, Value: float64(c.Score), Markers: []chart.Marker{
			{Name: "медиана РФ", Value: float64(c.NationalMedian), Class: "m1"},
			{Name: "медиана ФО", Value: float64(c.DistrictMedian), Class: "m2"},
		}})
	}
	v.CriteriaSVG = chart.Bars("Критерии: балл региона, медианы по России и федеральному округу", bars, scaleMax(res), 1)
	for _, c := range s.cat.Hierarchy().Children(u.Code) {
		if c.Level == orgunit.Organisation {
			v.Orgs = append(v.Orgs, c)
		}
	}
	v.OrgsWord = rufmt.Count(len(v.Orgs), "медицинская организация", "медицинские организации", "медицинских организаций")
	s.renderCached(w, r, key, "region", v)
}

// scaleMax is the top of the score scale when the normalisation has one,
// so that bars compare across regions; 0 lets the chart choose.
func scaleMax(res *rating.Result) float64 {
	if m := res.MethodologyDef(); m != nil {
		switch m.Pipeline.Normalise.Method {
		case "", "minmax", "percentile_rank", "distance_to_max", "distance_to_target", "fraction_of_max", "goalposts":
			if hi := m.Pipeline.Normalise.Range[1]; hi > 0 {
				return hi
			}
			return 100
		}
	}
	return 0
}

// explainRow is one line of the explanation table: a criterion heading or
// an indicator from raw values to contribution.
type explainRow struct {
	Depth     int
	Node      string
	Name      string
	Leaf      bool
	Score     rating.Num
	Weight    float64
	EffWeight rating.Num
	Contrib   rating.Num
	Ind       *rating.IndicatorExplanation
	Formula   string
	Norm      rating.Num
	Treated   rating.Num
	Raw       rating.Num
	Flags     []string
}

type explainView struct {
	view.Layout
	Unit *orgunit.Unit
	ISO  string
	In   string
	Root rating.Explanation
	Rows []explainRow
}

// explainPage shows, for every indicator of a region, the chain raw values
// → formula → indicator value → normalised → weight → contribution.
func (s *Server) explainPage(w http.ResponseWriter, r *http.Request) {
	res, u, sc, key, ok := s.regionCard(w, r)
	if !ok {
		return
	}
	v := explainView{Layout: s.pageLayout(r.Context(), "Расшифровка балла: "+u.Name, "rating", res), Unit: u, ISO: isoOf(u), In: u.In(), Root: sc.Explanation}
	var walk func(e rating.Explanation, depth int)
	walk = func(e rating.Explanation, depth int) {
		row := explainRow{Depth: depth, Node: e.Node, Name: e.NodeName, Score: e.Score, Weight: e.Weight, EffWeight: e.EffWeight, Contrib: e.Contribution,
			Ind: e.Indicator, Norm: e.Normalised, Treated: e.Treated, Raw: e.Raw}
		if e.Indicator != nil {
			row.Leaf = true
			row.Formula = formulaText(e.Indicator.IndicatorRef)
			if e.Imputed {
				row.Flags = append(row.Flags, "значение вменено")
			}
			if e.Winsorised {
				row.Flags = append(row.Flags, "винзоризация")
			}
			if e.LogTransformed {
				row.Flags = append(row.Flags, "логарифмирование")
			}
		}
		if depth > 0 {
			v.Rows = append(v.Rows, row)
		}
		for _, c := range e.Children {
			walk(c, depth+1)
		}
	}
	walk(sc.Explanation, 0)
	s.renderCached(w, r, key, "explain", v)
}

// formulaText writes an indicator's formula as a methodologist reads it.
func formulaText(in rating.IndicatorRef) string {
	f := in.Numerator
	if in.Denominator != "" {
		f = "(" + f + ") / (" + in.Denominator + ")"
	}
	if in.Factor != 0 && in.Factor != 1 {
		f += " × " + rufmt.Number(in.Factor, -1)
	}
	return f
}
