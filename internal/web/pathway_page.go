package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/chart"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/pathway"
	"github.com/cifra-health/cifra/internal/web/view"
)

// The /slots and /pathway pages and the lost-case workbook. They show the
// numbers the /api/v1/feed endpoints give (the same functions compute
// both), over whatever feed is loaded; with none, they say how to load one.

// --- /pathway ---

type funnelRow struct {
	Name              string
	Cases             int
	Conversion, OfAll float64
}

type durationRow struct {
	From, To         string
	N                int
	Median, P90, Day float64
}

type variantRow struct {
	Path  string
	Cases int
	Share float64
}

type edgeRow struct {
	From, To string
	Cases    int
}

type lostGroup struct {
	Kind  string
	Name  string
	Count int // in the page's region
	Rows  []LostJSON
	More  int
	XLSX  string
	Shown bool
}

type pathwayView struct {
	view.Layout
	Empty        bool
	Region       *orgunit.Unit
	Regions      []view.Option
	Days         int
	M            PathwayJSON
	Funnel       []funnelRow
	FunnelSVG    template.HTML
	FlowSVG      template.HTML
	Edges        []edgeRow
	Durations    []durationRow
	Variants     []variantRow
	Lost         []lostGroup
	LostNote     string // why the lists are not shown
	LostUnit     string // the unit the lists cover
	LostUnitName string
	LoginHref    string
	APIQuery     string
}

// maxLostRows bounds each list on the page; the workbook has them all.
const maxLostRows = 50

// pathwayPage is GET /pathway: the funnel from booking to ЭМД in РЭМД, the
// flow of the path, the time between steps and the lost cases — counts for
// everyone, the lists (they name patients) only to a signed-in user whose
// scope covers the МО.
func (s *Server) pathwayPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	h := s.cat.Hierarchy()
	v := pathwayView{Layout: s.feedLayout(ctx, "Путь пациента", "pathway")}
	region, err := s.feedRegion(r)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	v.Region, v.Regions = region, s.regionOptions(region)
	if v.Days, err = intParam(r, "days", defaultGraceDays, 365); err != nil {
		s.answerErr(w, r, err)
		return
	}
	all, err := s.cachedPath(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pd := regionPath(h, all, region)
	v.M = pathwayMeasures(pd, v.Days, 10)
	aq := url.Values{}
	if region != nil {
		v.M.Region = region.Code
		aq.Set("region", region.Code)
	}
	aq.Set("days", fmt.Sprint(v.Days))
	v.APIQuery = aq.Encode()
	if len(all.Cases) == 0 {
		v.Empty = true
		s.render(w, r, "pathway", v)
		return
	}
	first := 0
	var bars []chart.Bar
	for i, f := range v.M.Funnel {
		if i == 0 {
			first = f.Cases
		}
		fr := funnelRow{Name: activityName(f.Activity), Cases: f.Cases, Conversion: f.Conversion, OfAll: math.NaN()}
		if first > 0 {
			fr.OfAll = float64(f.Cases) / float64(first)
		}
		v.Funnel = append(v.Funnel, fr)
		bars = append(bars, chart.Bar{Label: fr.Name, Value: float64(f.Cases)})
	}
	v.FunnelSVG = chart.Bars("Воронка: от записи до регистрации ЭМД в РЭМД, случаев", bars, 0, 0)
	for _, d := range v.M.Durations {
		v.Durations = append(v.Durations, durationRow{activityName(d.From), activityName(d.To), d.N, d.Median, d.P90, d.WithinDay})
	}
	for _, vr := range v.M.Variants {
		names := make([]string, len(vr.Path))
		for i, a := range vr.Path {
			names[i] = activityName(a)
		}
		v.Variants = append(v.Variants, variantRow{strings.Join(names, " → "), vr.Cases, vr.Share})
	}
	for _, e := range v.M.Edges {
		v.Edges = append(v.Edges, edgeRow{activityName(e.From), activityName(e.To), e.Cases})
	}
	v.FlowSVG = flowChart(pd.Cases, v.M.Edges)
	s.lostGroups(r, &v, all, region)
	if len(v.Lost) > 0 && v.Lost[0].Shown {
		// The lists name patients: keep them out of shared caches.
		w.Header().Set("Cache-Control", "private, no-store")
	}
	var b bytes.Buffer
	t, _ := s.views.Page("pathway") // parsed at start: it exists
	if err := t.Execute(&b, v); err != nil {
		s.fail(w, r, fmt.Errorf("render pathway: %w", err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-cache")
	}
	_, _ = w.Write(b.Bytes())
}

// flowLayout places the steps of the path on the flow diagram's grid: the
// main path on the top row, the side branches below.
func flowLayout() []struct {
	a        pathway.Activity
	col, row int
} {
	return []struct {
		a        pathway.Activity
		col, row int
	}{
		{pathway.Start, 0, 0}, {pathway.Booked, 1, 0}, {pathway.Visit, 2, 0}, {pathway.Cancelled, 2, 1},
		{pathway.EMDCreated, 3, 0}, {pathway.Referral, 3, 1}, {pathway.EMDRegistered, 4, 0}, {pathway.NextBooking, 5, 1}, {pathway.End, 6, 0},
	}
}

// flowMinShare hides from the diagram the transitions rarer than this share
// of the commonest one; the table under it lists them all.
const flowMinShare = 0.05

func flowChart(cases []pathway.Case, edges []EdgeJSON) template.HTML {
	reached := map[pathway.Activity]int{}
	for i := range cases {
		seen := map[pathway.Activity]bool{}
		for _, e := range cases[i].Events {
			if !seen[e.Activity] {
				seen[e.Activity] = true
				reached[e.Activity]++
			}
		}
	}
	var ends int
	for _, e := range edges {
		if e.To == pathway.End {
			ends += e.Cases
		}
	}
	reached[pathway.Start], reached[pathway.End] = ends, ends
	var nodes []chart.FlowNode
	for _, l := range flowLayout() {
		nodes = append(nodes, chart.FlowNode{ID: string(l.a), Label: activityName(l.a), Col: l.col, Row: l.row, Count: reached[l.a]})
	}
	var fe []chart.FlowEdge
	for _, e := range edges {
		fe = append(fe, chart.FlowEdge{From: string(e.From), To: string(e.To), Value: e.Cases})
	}
	return chart.Flow("Граф переходов между шагами пути пациента (число случаев)", nodes, fe, flowMinShare)
}

// lostUnit is the unit whose lost cases the caller may see on the page for
// a region (nil: the whole country): the region when the caller's scope
// covers it, the caller's scope when it lies inside the region; ok is
// false when the caller may see none (then why says so in Russian).
func (s *Server) lostUnit(r *http.Request, region *orgunit.Unit) (unit string, why string, ok bool) {
	p := principalFrom(r.Context())
	svc := s.auth().service()
	switch {
	case svc == nil:
		return "", "Списки случаев называют пациентов и доступны только при включённых учётных записях.", false
	case p == nil || p.TokenID != 0:
		return "", "Списки случаев называют пациентов: они доступны после входа пользователю, в зону доступа которого входит медицинская организация.", false
	case !p.Can(auth.ReadData):
		return "", "Вашей роли не разрешено читать данные медицинских организаций: показаны только числа.", false
	}
	h := s.cat.Hierarchy()
	switch {
	case region == nil || svc.InScope(p, region.Code):
		if region == nil {
			return p.Scope, "", true
		}
		return region.Code, "", true
	case h.IsDescendant(p.Scope, region.Code):
		return p.Scope, "", true
	}
	return "", "Субъект РФ вне вашей зоны доступа: показаны только числа.", false
}

func (s *Server) lostGroups(r *http.Request, v *pathwayView, all *pathData, region *orgunit.Unit) {
	h := s.cat.Hierarchy()
	unit, why, ok := s.lostUnit(r, region)
	v.LostNote = why
	if !ok {
		v.LoginHref = "/login?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	var list []LostJSON
	if ok {
		list = lostList(h, all, v.Days, "", unit)
		v.LostUnit, v.LostUnitName = unit, unitName(h, unit)
	}
	for _, k := range lostKinds() {
		g := lostGroup{Kind: string(k), Name: lostNames()[k], Count: v.M.Lost[string(k)], Shown: ok}
		if ok {
			for _, l := range list {
				if l.Kind != k {
					continue
				}
				if len(g.Rows) < maxLostRows {
					l.Specialty = specialtyName(l.Specialty)
					g.Rows = append(g.Rows, l)
				} else {
					g.More++
				}
			}
			g.XLSX = "/pathway/lost.xlsx?" + url.Values{"kind": {string(k)}, "days": {fmt.Sprint(v.Days)}, "orgunit": {unit}}.Encode()
		}
		v.Lost = append(v.Lost, g)
	}
}
