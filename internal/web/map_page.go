package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/stats"
	"github.com/cifra-health/cifra/internal/tilemap"
	"github.com/cifra-health/cifra/internal/web/response"
	"github.com/cifra-health/cifra/internal/web/view"
)

// palette runs from light (worst) to dark (best); text colour is chosen per
// class so that every label passes WCAG AA.
func palette() []struct{ Fill, Text string } {
	return []struct{ Fill, Text string }{
		{"#eff3ff", "#111"}, {"#bdd7e7", "#111"}, {"#6baed6", "#111"}, {"#3182bd", "#000"}, {"#08519c", "#fff"},
	}
}

const missingFill = "#d9d9d9"

const mapCols, mapRows = 18, 9

// tileLayout places the hierarchy's regions, once per data generation
// (reloading the hierarchy advances it).
func (s *Server) tileLayout(ctx context.Context) tilemap.Layout {
	v, _ := s.cached(ctx, "tiles", "", 16<<10, func() (any, error) {
		var rs []tilemap.Region
		for _, u := range s.cat.Hierarchy().AtLevel(orgunit.Region) {
			rs = append(rs, tilemap.Region{Code: u.Code, Lat: u.Lat, Lon: u.Lon})
		}
		return tilemap.Place(rs, mapCols, mapRows), nil
	})
	return v.(tilemap.Layout)
}

// tile is what one map square shows.
type tile struct {
	Code, ISO, Name, Label string
	Value                  string // formatted value on the tile
	Detail                 string // full text for <title> and aria-label
	Class                  int    // palette index; -1 = no data
}

// legendItem is one swatch of the map legend.
type legendItem struct {
	Fill, Text, Label string
}

// tileLabel shortens a region's short name to fit a tile in at most two
// lines.
func tileLabel(s string) []string {
	const width = 9
	if utf8.RuneCountInString(s) <= width {
		return []string{s}
	}
	for _, sep := range []string{" ", "-"} {
		if a, b, ok := strings.Cut(s, sep); ok {
			if sep == "-" {
				a += "-"
			}
			return []string{clip(a, width), clip(b, width)}
		}
	}
	return []string{clip(s, width)}
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "."
}

// tileMapSVG draws the tile grid; every tile is a link to the region card.
func tileMapSVG(h *orgunit.Hierarchy, l tilemap.Layout, tiles map[string]tile, title string, query template.URL) template.HTML {
	const tw, th, gap = 66.0, 54.0, 4.0
	w, hh := float64(l.Cols)*(tw+gap), float64(l.Rows)*(th+gap)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="tilemap" viewBox="0 0 %.0f %.0f" role="group" aria-label="%s">`, w, hh, template.HTMLEscapeString(title))
	// Tiles go in reading order (rows from the north, west to east), so that
	// Tab moves across the map as the eye does.
	regions := h.AtLevel(orgunit.Region)
	slices.SortStableFunc(regions, func(a, b *orgunit.Unit) int {
		ca, cb := l.Cells[a.Code], l.Cells[b.Code]
		if ca.Row != cb.Row {
			return ca.Row - cb.Row
		}
		return ca.Col - cb.Col
	})
	for _, u := range regions {
		c, ok := l.Cells[u.Code]
		if !ok {
			continue
		}
		t := tiles[u.Code]
		fill, text := missingFill, "#111"
		if t.Class >= 0 && t.Class < len(palette()) {
			fill, text = palette()[t.Class].Fill, palette()[t.Class].Text
		}
		x, y := float64(c.Col)*(tw+gap), float64(c.Row)*(th+gap)
		esc := template.HTMLEscapeString
		fmt.Fprintf(&b, `<a class="tile" href="/regions/%s%s" aria-label="%s" data-iso="%s"><title>%s</title>`,
			esc(isoOf(u)), esc(string(query)), esc(t.Detail), esc(isoOf(u)), esc(t.Detail))
		fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" rx="4" fill="%s"/>`, x, y, tw, th, fill)
		lines := tileLabel(u.Label())
		for i, ln := range lines {
			fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" fill="%s" class="tl">%s</text>`, x+tw/2, y+15+float64(i)*12, text, esc(ln))
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" fill="%s" class="tv">%s</text></a>`, x+tw/2, y+th-8, text, esc(t.Value))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// classify splits values into five equal-width classes between their
// minimum and maximum; higher values get darker colours.
func classify(vals map[string]float64, prec int, unit string) (func(float64) int, []legendItem) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		if !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	n := len(palette())
	if math.IsInf(lo, 0) {
		return func(float64) int { return -1 }, []legendItem{{missingFill, "#111", "нет данных"}}
	}
	if hi-lo < 1e-12 {
		hi = lo + 1
	}
	step := (hi - lo) / float64(n)
	class := func(v float64) int {
		if math.IsNaN(v) {
			return -1
		}
		return min(n-1, max(0, int((v-lo)/step)))
	}
	var legend []legendItem
	for k := range n {
		legend = append(legend, legendItem{palette()[k].Fill, palette()[k].Text, fmt.Sprintf("%s – %s%s", rufmt.Number(lo+step*float64(k), prec), rufmt.Number(lo+step*float64(k+1), prec), unit)})
	}
	legend = append(legend, legendItem{missingFill, "#111", "нет данных"})
	return class, legend
}

type mapView struct {
	view.Layout
	By          string
	Indicator   string
	Indicators  []view.Option
	Periods     []view.Option
	Map         template.HTML
	Legend      []legendItem
	LegendTitle string
	Regions     []tile // the same data as a table, for screen readers and print
}

// mapPage is the tile-grid map coloured by score, grade or one indicator.
func (s *Server) mapPage(w http.ResponseWriter, r *http.Request) {
	res := s.pageResult(w, r)
	if res == nil {
		return
	}
	key := s.pageKey(r)
	if s.servePage(w, key) {
		return
	}
	q := r.URL.Query()
	v := mapView{Layout: s.pageLayout(r.Context(), "Карта рейтинга", "map", res), By: q.Get("by"), Indicator: q.Get("indicator")}
	var err error
	if v.Periods, err = s.periodOptions(r.Context(), res); err != nil {
		s.fail(w, r, err)
		return
	}
	v.Indicators = append(v.Indicators, view.Option{Value: "", Label: "— итоговый балл —", Selected: v.Indicator == ""})
	for _, in := range res.Indicators {
		v.Indicators = append(v.Indicators, view.Option{Value: in.ID, Label: in.Name, Selected: in.ID == v.Indicator})
	}
	var tiles map[string]tile
	switch {
	case v.Indicator != "":
		ii := indicatorIndex(res, v.Indicator)
		if ii < 0 {
			response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown indicator %q", v.Indicator))
			return
		}
		tiles, v.Legend = indicatorTiles(r.Context(), s, res, ii)
		v.By, v.LegendTitle = "indicator", res.Indicators[ii].Name
	case v.By == "grade":
		tiles, v.Legend = scoreTiles(r.Context(), s, res, true)
		v.LegendTitle = "Уровень цифровой зрелости"
	default:
		v.By = "score"
		tiles, v.Legend = scoreTiles(r.Context(), s, res, false)
		v.LegendTitle = "Итоговый балл"
	}
	v.Map = tileMapSVG(s.cat.Hierarchy(), s.tileLayout(r.Context()), tiles, "Карта субъектов РФ: "+v.LegendTitle, v.Query)
	for _, u := range s.cat.Hierarchy().AtLevel(orgunit.Region) {
		if t, ok := tiles[u.Code]; ok {
			v.Regions = append(v.Regions, t)
		}
	}
	s.renderCached(w, r, key, "map", v)
}

func scoreTiles(ctx context.Context, s *Server, res *rating.Result, byGrade bool) (map[string]tile, []legendItem) {
	d := s.derive(ctx, res)
	vals := map[string]float64{}
	for _, lr := range d.league {
		vals[lr.Code] = float64(lr.Score)
	}
	class, legend := classify(vals, 1, "")
	gradeClass := map[string]int{}
	if byGrade {
		// Grades are listed best first; the best gets the darkest colour.
		legend = nil
		n := len(res.Grades)
		for i, g := range res.Grades {
			k := len(palette()) - 1 - i*(len(palette())-1)/max(1, n-1)
			gradeClass[g.Name] = k
			legend = append(legend, legendItem{palette()[k].Fill, palette()[k].Text, g.Label})
		}
		legend = append(legend, legendItem{missingFill, "#111", "нет оценки"})
	}
	out := map[string]tile{}
	for _, lr := range d.league {
		t := tile{Code: lr.Code, ISO: d.iso[lr.Code], Name: lr.Name, Value: rufmt.Number(float64(lr.Score), 1), Class: class(float64(lr.Score))}
		if byGrade {
			k, ok := gradeClass[lr.Grade]
			if !ok {
				k = -1
			}
			t.Class = k
		}
		if lr.Rank > 0 {
			t.Detail = fmt.Sprintf("%s: балл %s, %d место, уровень «%s»", lr.Name, rufmt.Number(float64(lr.Score), 1), lr.Rank, lr.GradeLabel)
		} else {
			t.Detail = lr.Name + ": нет оценки"
		}
		out[lr.Code] = t
	}
	return out, legend
}

func indicatorIndex(res *rating.Result, id string) int {
	for i, in := range res.Indicators {
		if in.ID == id {
			return i
		}
	}
	return -1
}

// indicatorTiles colours by the indicator's normalised score, so that
// darker is better whatever the indicator's direction; the tile shows the
// raw value.
func indicatorTiles(ctx context.Context, s *Server, res *rating.Result, ii int) (map[string]tile, []legendItem) {
	in := res.Indicators[ii]
	vals := map[string]float64{}
	for u, ref := range res.Units {
		vals[ref.Code] = float64(res.Values[ii][u])
	}
	// Classes of the raw values, reversed when lower is better, so the
	// legend reads in the indicator's unit.
	class, legend := classify(vals, 1, unitSuffix(in.Unit))
	lower := in.Direction == "lower"
	if lower {
		for i, j := 0, len(legend)-2; i < j; i, j = i+1, j-1 {
			legend[i].Label, legend[j].Label = legend[j].Label, legend[i].Label
		}
	}
	ranks := valueRanks(res, ii)
	d := s.derive(ctx, res)
	out := map[string]tile{}
	for u, ref := range res.Units {
		v := float64(res.Values[ii][u])
		k := class(v)
		if lower && k >= 0 {
			k = len(palette()) - 1 - k
		}
		t := tile{Code: ref.Code, ISO: d.iso[ref.Code], Name: ref.Name, Value: rufmt.Number(v, 1), Class: k}
		if math.IsNaN(v) {
			t.Detail = ref.Name + ": нет данных"
		} else {
			t.Detail = fmt.Sprintf("%s: %s%s, %d место по показателю", ref.Name, rufmt.Number(v, 2), unitSuffix(in.Unit), ranks[u])
		}
		out[ref.Code] = t
	}
	return out, legend
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return "\u00a0" + u
}

// valueRanks ranks units by an indicator's raw value in its direction
// (1 = best; 0 = no value), by the system's one rule (stats.Ranks).
func valueRanks(res *rating.Result, ii int) []int {
	lower := res.Indicators[ii].Direction == "lower"
	vals := make([]float64, len(res.Values[ii]))
	for i, v := range res.Values[ii] {
		vals[i] = math.NaN()
		if v.Valid() {
			vals[i] = float64(v)
			if lower {
				vals[i] = -vals[i]
			}
		}
	}
	return stats.Ranks(vals)
}
