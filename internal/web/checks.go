package web

import (
	"math"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/workflow"
)

// The on-demand checks of issue 4 for one data set and period, limited to
// the caller's scope: validation-rule violations per unit, outliers per
// data element (z-score, modified z-score, bounds) and completeness and
// timeliness per reporting unit.

func init() {
	addPolicies(map[string]RoutePolicy{
		"GET /checks": {Access: Authenticated, Perm: auth.ReadData, Scope: ScopeQuery, Page: true},
	})
	addRoutes(func(s *Server) { s.handle("GET /checks", s.checksPage) })
}

// outlierBounds are the bounds of the min–max test: every data element the
// forms collect is a count, a share or a duration, none of which can be
// negative.
var outlierBounds = workflow.Bounds{Min: 0, Max: math.NaN()}

type outlierView struct {
	Element, ElementID string
	Unit, UnitCode     string
	Value              string
	Method             string
	Score              string
	Centre             string
	FormURL            string
}

type checkCompleteness struct {
	Unit, Code  string
	Reported    int
	Expected    int
	Share       float64
	State       workflow.State
	Timeliness  workflow.Timeliness
	SubmittedAt string
	FormURL     string
}

type checksView struct {
	Layout
	workPick
	WorkNav      []navLink
	DSName       string
	Due          string
	Violations   []violationView
	Outliers     []outlierView
	Completeness []checkCompleteness
	Units        int
	Counts       map[string]int
	Complete     int
}

// checksPage is GET /checks?dataset=&period=&orgunit=.
func (s *Server) checksPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, d, pe, pick, ok := s.workSelect(w, r)
	if !ok {
		return
	}
	root := pick.Root
	v := checksView{Layout: workLayout("Проверка данных"), workPick: pick, WorkNav: workNav(p, "checks"), DSName: d.DS.Name, Counts: map[string]int{}}
	units := s.reportingUnits(d.DS, root)
	codes := make([]string, len(units))
	names := make(map[string]string, len(units))
	for i, u := range units {
		codes[i], names[u.Code] = u.Code, u.Name
	}
	v.Units = len(units)
	vals, _, err := s.unitValues(ctx, d.DS, codes, pe)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	formURL := func(unit string) string {
		return "/entry/" + url.PathEscape(d.DS.ID) + "/" + url.PathEscape(unit) + "/" + v.PeriodID
	}

	v.Violations = s.violationViews(d, workflow.Validate(d.rules(), v.PeriodID, vals))

	for _, de := range d.DS.DataElements {
		var pts []workflow.Point
		for _, u := range codes {
			if x, ok := vals[u][de]; ok {
				pts = append(pts, workflow.Point{OrgUnit: u, Value: x})
			}
		}
		name, _ := d.element(de)
		for _, o := range workflow.Outliers(de, v.PeriodID, pts, &outlierBounds) {
			score := fmtScore(o.Score)
			if o.Method == workflow.MinMax {
				score = "граница " + rufmt.Number(o.Score, -1)
			}
			v.Outliers = append(v.Outliers, outlierView{Element: name, ElementID: de, Unit: names[o.OrgUnit], UnitCode: o.OrgUnit,
				Value: rufmt.Number(o.Value, -1), Method: o.Method.Label(), Score: score, Centre: rufmt.Number(round2(o.Centre), -1), FormURL: formURL(o.OrgUnit)})
		}
	}

	approvals, err := s.cat.Store.Approvals(ctx, d.DS.ID, v.PeriodID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	states := map[string]workflow.State{}
	submitted := map[string]timeT{}
	for u, a := range approvals {
		states[u], submitted[u] = a.State, a.SubmittedAt
	}
	due := workflow.Due(d.DS, pe)
	v.Due = rufmt.Date(lastDay(due))
	for _, c := range workflow.Completeness(d.DS, codes, vals, states, submitted, due, workflowNow()) {
		cv := checkCompleteness{Unit: names[c.OrgUnit], Code: c.OrgUnit, Reported: c.Reported, Expected: c.Expected, Share: c.Share(),
			State: c.State, Timeliness: c.Timeliness, SubmittedAt: rufmt.Date(submitted[c.OrgUnit]), FormURL: formURL(c.OrgUnit)}
		v.Counts[string(c.Timeliness)]++
		if c.Reported == c.Expected {
			v.Complete++
		}
		v.Completeness = append(v.Completeness, cv)
	}
	// The least complete first: those are the ones to chase.
	sort.SliceStable(v.Completeness, func(i, j int) bool { return v.Completeness[i].Share < v.Completeness[j].Share })
	renderWork(w, r, http.StatusOK, "checks", v)
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func fmtScore(x float64) string { return rufmt.Number(round2(x), -1) }

// timeT keeps the map types above short.
type timeT = time.Time
