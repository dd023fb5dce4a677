package web

import (
	"math"
	"net/http"
	"net/url"
	"sort"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/web/view"
	"github.com/cifra-health/cifra/internal/workflow"
)

// The on-demand checks of issue 4 for one data set and period, limited to
// the caller's scope: validation-rule violations per unit, outliers per
// data element (z-score, modified z-score, bounds) and completeness and
// timeliness per reporting unit.

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
	view.Layout
	workPick
	WorkNav      []view.NavLink
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
	rep, err := s.cat.Check(ctx, catalog.DataSetRef(d), pe, codes, s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	formURL := func(unit string) string {
		return "/entry/" + url.PathEscape(d.DS.ID) + "/" + url.PathEscape(unit) + "/" + v.PeriodID
	}
	v.Violations = s.violationViews(d, rep.Violations)
	for _, o := range rep.Outliers {
		name, _ := d.element(o.DataElement)
		score := fmtScore(o.Score)
		if o.Method == workflow.MinMax {
			score = "граница " + rufmt.Number(o.Score, -1)
		}
		v.Outliers = append(v.Outliers, outlierView{Element: name, ElementID: o.DataElement, Unit: names[o.OrgUnit], UnitCode: o.OrgUnit,
			Value: rufmt.Number(o.Value, -1), Method: o.Method.Label(), Score: score, Centre: rufmt.Number(round2(o.Centre), -1), FormURL: formURL(o.OrgUnit)})
	}
	v.Due = rufmt.Date(lastDay(rep.Due))
	for _, c := range rep.Completeness {
		cv := checkCompleteness{Unit: names[c.OrgUnit], Code: c.OrgUnit, Reported: c.Reported, Expected: c.Expected, Share: c.Share(),
			State: c.State, Timeliness: c.Timeliness, SubmittedAt: rufmt.Date(c.SubmittedAt), FormURL: formURL(c.OrgUnit)}
		v.Counts[string(c.Timeliness)]++
		if c.Reported == c.Expected {
			v.Complete++
		}
		v.Completeness = append(v.Completeness, cv)
	}
	// The least complete first: those are the ones to chase.
	sort.SliceStable(v.Completeness, func(i, j int) bool { return v.Completeness[i].Share < v.Completeness[j].Share })
	s.renderWork(w, r, http.StatusOK, "checks", v)
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func fmtScore(x float64) string { return rufmt.Number(round2(x), -1) }
