package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"

	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/web/response"
	"github.com/cifra-health/cifra/internal/web/view"
)

// complUnit is what one reporting unit (region or МО) has sent for a
// period, against what its data sets expect.
type complUnit struct {
	Code, ISO, Name, District, Type string
	Expected, Reported              int
	MOTotal, MOReporting            int
	Share                           float64
}

// completeness is the reporting state of all units for a period.
type completeness struct {
	Period      period.Period
	DataSets    []method.DataSet
	Regions     []complUnit
	Orgs        map[string][]complUnit // region code → its МО
	Expected    int
	Reported    int
	Share       float64
	RegionsFull int
}

// computeCompleteness counts, per region, the distinct (data element,
// period, unit) values stored against those the methodology's data sets
// expect: every МО for organisation-level sets, the region itself for
// region-level ones, in every sub-period of the data set's type.
func (s *Server) computeCompleteness(ctx context.Context, m *method.Methodology, p period.Period) (*completeness, error) {
	h := s.cat.Hierarchy()
	c := &completeness{Period: p, DataSets: m.DataSets, Orgs: map[string][]complUnit{}}
	type dsInfo struct {
		subs  map[string]bool
		elems map[string]bool
		level orgunit.Level
	}
	var dss []dsInfo
	var elems []string
	seenEl := map[string]bool{}
	for _, ds := range m.DataSets {
		info := dsInfo{subs: map[string]bool{}, elems: map[string]bool{}, level: orgunit.Organisation}
		if ds.Level == "region" {
			info.level = orgunit.Region
		}
		subs := []period.Period{p}
		if ds.PeriodType != p.Type() {
			subs = p.Children(ds.PeriodType)
		}
		for _, sp := range subs {
			info.subs[sp.String()] = true
		}
		for _, e := range ds.DataElements {
			info.elems[e] = true
			if !seenEl[e] {
				seenEl[e] = true
				elems = append(elems, e)
			}
		}
		dss = append(dss, info)
	}
	// expected per unit, by the unit's level.
	perLevel := map[orgunit.Level]int{}
	for _, ds := range dss {
		perLevel[ds.level] += len(ds.elems) * len(ds.subs)
	}
	got := map[string]int{}
	type key struct{ de, pe, ou string }
	seen := map[key]bool{}
	if len(elems) > 0 {
		err := s.cat.EachValue(ctx, store.ValueFilter{DataElements: elems, Within: &p}, func(sv store.StoredValue) error {
			k := key{sv.DataElement, sv.Period, sv.OrgUnit}
			if seen[k] {
				return nil
			}
			for _, ds := range dss {
				if ds.elems[sv.DataElement] && ds.subs[sv.Period] {
					seen[k] = true
					got[sv.OrgUnit]++
					return nil
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("completeness %s: %w", p, err)
		}
	}
	for _, reg := range h.AtLevel(orgunit.Region) {
		cu := complUnit{Code: reg.Code, ISO: isoOf(reg), Name: reg.Name, Expected: perLevel[orgunit.Region], Reported: got[reg.Code]}
		if d, ok := h.DistrictOf(reg.Code); ok {
			cu.District = d.Name
		}
		for _, mo := range h.Children(reg.Code) {
			if mo.Level != orgunit.Organisation {
				continue
			}
			mu := complUnit{Code: mo.Code, Name: mo.Name, Type: mo.Type, Expected: perLevel[orgunit.Organisation], Reported: got[mo.Code]}
			mu.Share = share(mu.Reported, mu.Expected)
			c.Orgs[reg.Code] = append(c.Orgs[reg.Code], mu)
			cu.MOTotal++
			if mu.Reported > 0 {
				cu.MOReporting++
			}
			cu.Expected += mu.Expected
			cu.Reported += mu.Reported
		}
		cu.Share = share(cu.Reported, cu.Expected)
		if cu.Expected > 0 && cu.Reported >= cu.Expected {
			c.RegionsFull++
		}
		c.Expected += cu.Expected
		c.Reported += cu.Reported
		c.Regions = append(c.Regions, cu)
	}
	c.Share = share(c.Reported, c.Expected)
	sort.SliceStable(c.Regions, func(i, j int) bool { return c.Regions[i].Share < c.Regions[j].Share })
	return c, nil
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

type completenessView struct {
	view.Layout
	C        *completeness
	Periods  []view.Option
	Region   *complUnit
	Orgs     []complUnit
	Complete string
}

// completenessPage shows which regions and МО reported their data sets.
func (s *Server) completenessPage(w http.ResponseWriter, r *http.Request) {
	res := s.pageResult(w, r)
	if res == nil {
		return
	}
	m := res.MethodologyDef()
	if m == nil {
		var ok bool
		if m, ok = s.cat.Methodology(res.Methodology); !ok {
			response.Error(w, r, http.StatusNotFound, "unknown methodology")
			return
		}
	}
	p, err := period.Parse(res.Period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cv, err := s.cached(r.Context(), "completeness", m.ID+"/"+p.String(), 256<<10, func() (any, error) {
		return s.computeCompleteness(r.Context(), m, p)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := s.pageKey(r)
	if s.servePage(w, key) {
		return
	}
	v := completenessView{Layout: s.pageLayout(r.Context(), "Полнота данных", "completeness", res), C: cv.(*completeness)}
	if v.Periods, err = s.periodOptions(r.Context(), res); err != nil {
		s.fail(w, r, err)
		return
	}
	if code := r.URL.Query().Get("region"); code != "" {
		u, ok := s.cat.Hierarchy().Lookup(code)
		if !ok || u.Level != orgunit.Region {
			response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown region %q", code))
			return
		}
		for i := range v.C.Regions {
			if v.C.Regions[i].Code == u.Code {
				v.Region = &v.C.Regions[i]
			}
		}
		v.Orgs = append([]complUnit(nil), v.C.Orgs[u.Code]...)
		sort.SliceStable(v.Orgs, func(i, j int) bool { return v.Orgs[i].Share < v.Orgs[j].Share })
		v.Title = "Полнота данных: " + u.Name
	}
	v.Complete = rufmt.Count(v.C.RegionsFull, "регион", "региона", "регионов")
	s.renderCached(w, r, key, "completeness", v)
}
