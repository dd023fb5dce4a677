package web

import (
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

	"github.com/cifra-health/cifra/internal/chart"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/slots"
	"github.com/cifra-health/cifra/internal/web/view"
)

// feedLayout is the layout of the feed pages, which belong to no rating.
func (s *Server) feedLayout(ctx context.Context, title, active string) view.Layout {
	l := view.Layout{Title: title, Active: active}
	if s.cat.FeedSynthetic(ctx) {
		l.Synthetic, l.Note = true, report.SyntheticNote
	}
	return l
}

func (s *Server) regionOptions(selected *orgunit.Unit) []view.Option {
	h := s.cat.Hierarchy()
	rs := h.AtLevel(orgunit.Region)
	slices.SortFunc(rs, func(a, b *orgunit.Unit) int { return cmp.Compare(a.Name, b.Name) })
	out := []view.Option{{Value: "", Label: "— все субъекты РФ —", Selected: selected == nil}}
	for _, u := range rs {
		out = append(out, view.Option{Value: u.Code, Label: u.Name, Selected: selected != nil && selected.Code == u.Code})
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
	view.Layout
	Empty         bool
	Region        *orgunit.Unit
	Regions       []view.Option
	Snapshots     []view.Option
	Specialties   []view.Option
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
		v.Snapshots = append(v.Snapshots, view.Option{Value: snaps[i].UTC().Format(time.RFC3339), Label: rufmt.DateTime(snaps[i]) + " МСК", Selected: snaps[i].Equal(at)})
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
	v.Specialties = []view.Option{{Value: "", Label: "— все специальности —", Selected: v.Specialty == ""}}
	for _, sp := range allSpecs {
		v.Specialties = append(v.Specialties, view.Option{Value: sp, Label: specialtyName(sp), Selected: sp == v.Specialty})
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
