package web

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/chart"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/pathway"
	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/slots"
	"github.com/cifra-health/cifra/internal/web/response"
)

// The /slots and /pathway pages and the lost-case workbook. They show the
// numbers the /api/v1/feed endpoints give (the same functions compute
// both), over whatever feed is loaded; with none, they say how to load one.

// specialtyNames are Russian names of the specialty codes of
// docs/feed-csv.md beyond the first-contact ones (slots.FirstContact).
func specialtyNames() map[string]string {
	return map[string]string{
		"cardiology":       "кардиолог",
		"neurology":        "невролог",
		"ophthalmology":    "офтальмолог",
		"surgery":          "хирург",
		"otolaryngology":   "оториноларинголог",
		"endocrinology":    "эндокринолог",
		"gynecology":       "акушер-гинеколог",
		"urology":          "уролог",
		"dermatology":      "дерматовенеролог",
		"psychiatry":       "психиатр",
		"oncology":         "онколог",
		"traumatology":     "травматолог-ортопед",
		"infectious":       "инфекционист",
		"gastroenterology": "гастроэнтеролог",
		"pulmonology":      "пульмонолог",
		"dentistry":        "стоматолог",
	}
}

func specialtyName(code string) string {
	if n, ok := slots.FirstContact[code]; ok {
		return n
	}
	if n, ok := specialtyNames()[code]; ok {
		return n
	}
	if code == "" {
		return "(специальность не указана)"
	}
	return code
}

// activityNames are the Russian names of the steps of the path.
func activityNames() map[pathway.Activity]string {
	return map[pathway.Activity]string{
		pathway.Booked:        "Запись",
		pathway.Cancelled:     "Отмена записи",
		pathway.Visit:         "Приём",
		pathway.EMDCreated:    "ЭМД создан",
		pathway.EMDRegistered: "ЭМД зарегистрирован в РЭМД",
		pathway.Referral:      "Направление",
		pathway.NextBooking:   "Запись по направлению",
		pathway.Start:         "Начало",
		pathway.End:           "Конец",
	}
}

func activityName(a pathway.Activity) string { return cmp.Or(activityNames()[a], string(a)) }

// lostNames name the lost-case lists.
func lostNames() map[pathway.LostKind]string {
	return map[pathway.LostKind]string{
		pathway.LostNoVisit:   "Записаны, но приём не состоялся",
		pathway.LostNoEMD:     "Приём без ЭМД",
		pathway.LostNoBooking: "Направление без записи",
	}
}

// feedCached keeps what the pages compute from the stored feed under the
// data generation, which every feed load advances. Building the event log
// reads every booking, so without it each page view would cost a full
// scan. cost is the value's estimated size for the cache's bound.
func (s *Server) feedCached(ctx context.Context, what string, cost int64, build func() (any, error)) (any, error) {
	return s.cached(ctx, "feed", what, cost, build)
}

// WarmFeed computes, in the caller's goroutine, what the /slots and
// /pathway pages of the latest snapshot need, so that their first visitor
// does not wait for a read of the whole feed. serve runs it in the
// background; errors are only logged, as the pages will report them.
func (s *Server) WarmFeed(ctx context.Context) {
	at, err := s.latestSnapshot(ctx)
	if err != nil || at.IsZero() {
		return
	}
	start := time.Now()
	if _, err := s.moAvailability(ctx, at); err != nil {
		s.log.Warn("feed warm-up", "err", err)
		return
	}
	if _, err := s.feedAvailability(ctx, at, nil, "region"); err != nil {
		s.log.Warn("feed warm-up", "err", err)
		return
	}
	if _, err := s.cachedPath(ctx); err != nil {
		s.log.Warn("feed warm-up", "err", err)
		return
	}
	s.log.Info("feed warm-up", "snapshot", at, "elapsed", time.Since(start).Round(time.Millisecond))
}

// latestSnapshot is the newest slot snapshot, zero when none is stored.
func (s *Server) latestSnapshot(ctx context.Context) (time.Time, error) {
	snaps, err := s.cat.FeedSnapshots(ctx)
	if err != nil || len(snaps) == 0 {
		return time.Time{}, err
	}
	return snaps[len(snaps)-1], nil
}

// cachedPath is feedPath(nil) kept per feed version. Its cases are shared:
// callers must not change them.
func (s *Server) cachedPath(ctx context.Context) (*pathData, error) {
	// Counted by its size, roughly: the event log of a large feed is the
	// biggest thing the cache holds.
	v, err := s.cache.Load(s.key(ctx, "feed", "path"), func() (any, int64, error) {
		pd, err := s.feedPath(ctx, nil)
		if err != nil {
			return nil, 0, err
		}
		return pd, 1<<10*int64(len(pd.Cases)) + 256*int64(len(pd.Bookings)), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*pathData), nil
}

// regionPath limits the whole feed's path to a region (nil: all), keeping
// the as-of time of the whole feed, as feedPath does.
func regionPath(h *orgunit.Hierarchy, all *pathData, region *orgunit.Unit) *pathData {
	if region == nil {
		return all
	}
	out := &pathData{AsOf: all.AsOf}
	for _, c := range all.Cases {
		if regionCode(h, c.OrgUnit) == region.Code {
			out.Cases = append(out.Cases, c)
		}
	}
	for _, b := range all.Bookings {
		if regionCode(h, b.OrgUnit) == region.Code {
			out.Bookings = append(out.Bookings, b)
		}
	}
	return out
}

// moAvailability is a snapshot's availability by "<МО>|<specialty>" over
// the whole country, kept per feed version: the heat map, the trend and the
// alerts are all cut from it.
func (s *Server) moAvailability(ctx context.Context, at time.Time) (map[string]*slots.Availability, error) {
	v, err := s.feedCached(ctx, "avail|"+at.UTC().Format(time.RFC3339), 4<<20, func() (any, error) {
		av, err := s.cat.FeedAvailability(ctx, at, nil)
		if err != nil {
			return nil, fmt.Errorf("slot availability at %s: %w", at.Format(time.RFC3339), err)
		}
		return av, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string]*slots.Availability), nil
}

// feedLayout is the layout of the feed pages, which belong to no rating.
func (s *Server) feedLayout(ctx context.Context, title, active string) Layout {
	l := Layout{Title: title, Active: active}
	if s.cat.FeedSynthetic(ctx) {
		l.Synthetic, l.Note = true, report.SyntheticNote
	}
	return l
}

func (s *Server) regionOptions(selected *orgunit.Unit) []Option {
	h := s.cat.Hierarchy()
	rs := h.AtLevel(orgunit.Region)
	slices.SortFunc(rs, func(a, b *orgunit.Unit) int { return cmp.Compare(a.Name, b.Name) })
	out := []Option{{Value: "", Label: "— все субъекты РФ —", Selected: selected == nil}}
	for _, u := range rs {
		out = append(out, Option{Value: u.Code, Label: u.Name, Selected: selected != nil && selected.Code == u.Code})
	}
	return out
}

// heatRow is one row of the heat map's table.
type heatRow struct {
	Code, Name string
	Link       string // the region's page, in the country view
	Cells      []heatCell
}

type heatCell struct {
	Has            bool
	FreePer1000    float64
	Free           int64
	HorizonDays    int
	HasFree, Alert bool
}

// alertRow is an alert with its region's name.
type alertRow struct {
	AlertJSON
	RegionName string
}

type trendRow struct {
	Label                      string
	FreePer1000, HorizonMedian float64
	Alerts                     int
}

type slotsView struct {
	Layout
	Empty         bool
	Region        *orgunit.Unit
	Regions       []Option
	Snapshots     []Option
	Specialties   []Option
	Specialty     string
	Metric        string
	Snapshot      time.Time
	Norm          int
	RowHeading    string
	Cols          []string
	Heat          template.HTML
	Rows          []heatRow
	TrendFree     template.HTML
	TrendHor      template.HTML
	Trend         []trendRow
	Alerts        []alertRow
	AlertsMore    int
	Totals        trendRow
	Free          int64
	Population    int64
	FreeText      string
	PopText       string
	SnapshotLabel string
	APIQuery      string
	BadRequest    string
}

// maxTrend bounds the snapshots the trend reads.
const maxTrend = 12

// maxAlertRows bounds the alert table; the API has the rest.
const maxAlertRows = 200

// slotsPage is GET /slots: free slots and booking horizon by specialty and
// МО (by region for the whole country), their trend across snapshots and
// the first-contact specialties with no free slot within the norm.
func (s *Server) slotsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	h := s.cat.Hierarchy()
	q := r.URL.Query()
	v := slotsView{Layout: s.feedLayout(ctx, "Доступность записи к врачу", "slots"), Metric: q.Get("metric"), Specialty: q.Get("specialty")}
	if v.Metric != "horizon" {
		v.Metric = "free"
	}
	region, err := s.feedRegion(r)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	v.Region = region
	v.Regions = s.regionOptions(region)
	if v.Norm, err = intParam(r, "norm", slots.FirstContactNormDays, 365); err != nil {
		s.answerErr(w, r, err)
		return
	}
	at, snaps, err := s.feedSnapshot(ctx, r)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	if at.IsZero() {
		v.Empty = true
		s.render(w, r, "slots", v)
		return
	}
	v.Snapshot = at
	for i := len(snaps) - 1; i >= 0; i-- {
		v.Snapshots = append(v.Snapshots, Option{Value: snaps[i].UTC().Format(time.RFC3339), Label: rufmt.DateTime(snaps[i]) + " МСК", Selected: snaps[i].Equal(at)})
	}
	av, err := s.moAvailability(ctx, at)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	inRegion := func(ou string) bool { return region == nil || regionCode(h, ou) == region.Code }
	// Columns: the specialties of the region, first-contact ones first.
	specs := map[string]bool{}
	for k := range av {
		ou, sp, _ := strings.Cut(k, "|")
		if inRegion(ou) {
			specs[sp] = true
		}
	}
	allSpecs := make([]string, 0, len(specs))
	for sp := range specs {
		allSpecs = append(allSpecs, sp)
	}
	slices.SortFunc(allSpecs, func(a, b string) int {
		_, fa := slots.FirstContact[a]
		_, fb := slots.FirstContact[b]
		if fa != fb {
			if fa {
				return -1
			}
			return 1
		}
		return cmp.Compare(specialtyName(a), specialtyName(b))
	})
	v.Specialties = []Option{{Value: "", Label: "— все специальности —", Selected: v.Specialty == ""}}
	for _, sp := range allSpecs {
		v.Specialties = append(v.Specialties, Option{Value: sp, Label: specialtyName(sp), Selected: sp == v.Specialty})
	}
	cols := allSpecs
	if v.Specialty != "" {
		if !specs[v.Specialty] {
			s.answerErr(w, r, errBadRequest{fmt.Sprintf("no slots of specialty %q in the snapshot", v.Specialty)})
			return
		}
		cols = []string{v.Specialty}
	}
	for _, sp := range cols {
		v.Cols = append(v.Cols, specialtyName(sp))
	}
	// Rows: МО of the region, or the regions of the country. The cells use
	// feedAvailability, as the API does, so that the two agree.
	by := "mo"
	v.RowHeading = "Медицинская организация"
	if region == nil {
		by = "region"
		v.RowHeading = "Субъект РФ"
	}
	grouped, err := s.feedAvailability(ctx, at, region, by)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	colIx := map[string]int{}
	for j, sp := range cols {
		colIx[sp] = j
	}
	rowIx := map[string]int{}
	for _, g := range grouped {
		j, ok := colIx[g.Specialty]
		if !ok {
			continue
		}
		key := g.OrgUnit
		if by == "region" {
			key = g.Region
		}
		i, ok := rowIx[key]
		if !ok {
			i = len(v.Rows)
			rowIx[key] = i
			hr := heatRow{Code: key, Name: unitName(h, key), Cells: make([]heatCell, len(cols))}
			if by == "region" && key != "" {
				hr.Link = "/slots?region=" + url.QueryEscape(key)
			}
			v.Rows = append(v.Rows, hr)
		}
		v.Rows[i].Cells[j] = heatCell{Has: true, FreePer1000: g.FreePer1000, Free: g.Free, HorizonDays: g.HorizonDays, HasFree: g.HasFree}
	}
	alerts, err := s.feedAlerts(ctx, at, region, v.Norm)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, a := range alerts {
		key := a.OrgUnit
		if by == "region" {
			key = a.Region
		}
		if i, ok := rowIx[key]; ok {
			if j, ok := colIx[a.Specialty]; ok {
				v.Rows[i].Cells[j].Alert = true
			}
		}
	}
	slices.SortFunc(v.Rows, func(a, b heatRow) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Code, b.Code)) })
	v.Heat = slotsHeat(&v)
	if len(alerts) > maxAlertRows {
		v.AlertsMore = len(alerts) - maxAlertRows
		alerts = alerts[:maxAlertRows]
	}
	for _, a := range alerts {
		v.Alerts = append(v.Alerts, alertRow{a, unitName(h, a.Region)})
	}
	// The trend: the latest snapshots up to the chosen one.
	upto := slices.IndexFunc(snaps, func(t time.Time) bool { return t.Equal(at) })
	from := max(0, upto+1-maxTrend)
	var free, hor []chart.Point
	for _, t := range snaps[from : upto+1] {
		mav, err := s.moAvailability(ctx, t)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		tr, fr, pop := trendOf(h, mav, region, v.Specialty, v.Norm)
		tr.Label = rufmt.Date(t)
		v.Trend = append(v.Trend, tr)
		free = append(free, chart.Point{Label: rufmt.Date(t), Value: tr.FreePer1000})
		hor = append(hor, chart.Point{Label: rufmt.Date(t), Value: tr.HorizonMedian})
		if t.Equal(at) {
			v.Totals, v.Free, v.Population = tr, fr, pop
		}
	}
	v.FreeText, v.PopText, v.SnapshotLabel = rufmt.Number(float64(v.Free), 0), rufmt.Number(float64(v.Population), 0), rufmt.DateTime(at)+" МСК"
	v.TrendFree = chart.Line("Свободные слоты на 1 000 прикреплённых по снимкам", free, 2, false)
	v.TrendHor = chart.Line("Медиана горизонта записи, дней, по снимкам", hor, 1, false)
	aq := url.Values{}
	if region != nil {
		aq.Set("region", region.Code)
	}
	aq.Set("snapshot", at.UTC().Format(time.RFC3339))
	v.APIQuery = aq.Encode()
	s.render(w, r, "slots", v)
}

// slotsHeat draws the heat map of the chosen metric.
func slotsHeat(v *slotsView) template.HTML {
	var vals []float64
	names := make([]string, len(v.Rows))
	cells := make([][]chart.HeatCell, len(v.Rows))
	value := func(c heatCell) float64 {
		if !c.Has {
			return math.NaN()
		}
		if v.Metric == "horizon" {
			return float64(c.HorizonDays)
		}
		return c.FreePer1000
	}
	for i, r := range v.Rows {
		names[i] = r.Name
		cells[i] = make([]chart.HeatCell, len(r.Cells))
		for j, c := range r.Cells {
			x := value(c)
			vals = append(vals, x)
			hc := chart.HeatCell{Value: x, Flag: c.Alert}
			if c.Has {
				hc.Title = fmt.Sprintf("%s, %s: %s свободных слотов на 1 000 прикреплённых (%s), горизонт записи %s", r.Name, v.Cols[j],
					rufmt.Number(c.FreePer1000, 2), rufmt.Count(int(c.Free), "слот", "слота", "слотов"), rufmt.Count(c.HorizonDays, "день", "дня", "дней"))
				if !c.HasFree {
					hc.Title += ", свободных слотов нет"
				}
				if c.Alert {
					hc.Title += "; нет свободного слота в пределах норматива"
				}
			}
			if v.Metric == "horizon" && c.Has {
				hc.Text = rufmt.Number(x, 0)
			}
			cells[i][j] = hc
		}
	}
	sc := chart.QuantileScale(vals, 5)
	if v.Metric == "horizon" {
		return chart.Heatmap("Горизонт записи, дней: специальность × "+strings.ToLower(v.RowHeading), names, v.Cols, cells, sc, 0, " дн.",
			"нет слота в пределах норматива")
	}
	return chart.Heatmap("Свободные слоты на 1 000 прикреплённых: специальность × "+strings.ToLower(v.RowHeading), names, v.Cols, cells, sc, 2, "",
		"нет слота в пределах норматива")
}

// trendOf sums one snapshot's МО × specialty availability over a region
// and specialty: free slots per 1,000 attached (each МО's population once),
// the median booking horizon of the МО × specialty pairs with a free slot,
// and the number of alerts.
func trendOf(h *orgunit.Hierarchy, av map[string]*slots.Availability, region *orgunit.Unit, specialty string, norm int) (trendRow, int64, int64) {
	var free, pop int64
	seen := map[string]bool{}
	var hs []int
	sub := map[string]*slots.Availability{}
	for k, a := range av {
		ou, sp, _ := strings.Cut(k, "|")
		if region != nil && regionCode(h, ou) != region.Code {
			continue
		}
		if specialty != "" && sp != specialty {
			continue
		}
		sub[k] = a
		free += a.Free
		if !seen[ou] {
			seen[ou] = true
			pop += a.Population
		}
		if a.HasFree {
			hs = append(hs, a.HorizonDays)
		}
	}
	tr := trendRow{FreePer1000: math.NaN(), HorizonMedian: math.NaN(), Alerts: len(slots.Alerts(sub, norm))}
	if pop > 0 {
		tr.FreePer1000 = float64(free) * 1000 / float64(pop)
	}
	if len(hs) > 0 {
		slices.Sort(hs)
		tr.HorizonMedian = slots.MedianInts(hs)
	}
	return tr, free, pop
}

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
	Layout
	Empty        bool
	Region       *orgunit.Unit
	Regions      []Option
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
	t := s.pages["pathway"]
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

// lostXLSX is GET /pathway/lost.xlsx: one lost-case list (all kinds when
// ?kind= is empty) of a unit in the caller's scope, as a workbook.
func (s *Server) lostXLSX(w http.ResponseWriter, r *http.Request) {
	kind, days, unit, status, err := s.lostQuery(r)
	if err != nil {
		response.Error(w, r, status, err.Error())
		return
	}
	ctx := r.Context()
	all, err := s.cachedPath(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := s.cat.Hierarchy()
	list := lostList(h, all, days, kind, unit)
	sheet := report.LostSheet{Unit: unit, UnitName: unitName(h, unit), AsOf: all.AsOf, GraceDays: days, Kind: string(kind),
		KindName: lostNames()[kind], Synthetic: s.cat.FeedSynthetic(ctx)}
	for _, l := range list {
		sheet.Rows = append(sheet.Rows, report.LostRow{Kind: lostNames()[l.Kind], Case: l.Case, Region: l.Region, RegionName: unitName(h, l.Region),
			OrgUnit: l.OrgUnit, OrgUnitName: l.OrgUnitName, Specialty: specialtyName(l.Specialty), Patient: l.Patient, Since: l.Since,
			Days: l.DaysOverdue})
	}
	w.Header().Set("Cache-Control", "private, no-store")
	s.document(w, r, report.ContentTypeXLSX, report.LostXLSXFileName(unit, string(kind)), func(b *bytes.Buffer) error {
		return report.WriteLostXLSX(b, sheet)
	})
}
