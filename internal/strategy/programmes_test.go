package strategy

import (
	"context"
	"io/fs"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/demo"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/stats"
	"github.com/cifra-health/cifra/methodologies"
)

// programmeIDs are the substrings the contract asks of the programmes' ids.
var programmeIDs = []string{"dispensarization", "young-doctors", "reproductive-health", "health-passport", "digital-office"}

func programmes(t testing.TB) []*method.Methodology {
	t.Helper()
	ms, err := method.Builtin()
	if err != nil {
		t.Fatalf("built-in methodologies: %v", err)
	}
	var out []*method.Methodology
	for _, want := range programmeIDs {
		i := slices.IndexFunc(ms, func(m *method.Methodology) bool { return strings.Contains(m.ID, want) })
		if i < 0 {
			t.Fatalf("no built-in methodology with %q in its id", want)
		}
		out = append(out, ms[i])
	}
	return out
}

// TestProgrammeFiles parses each programme file on its own with the method
// package and checks what the strategy pages rely on.
func TestProgrammeFiles(t *testing.T) {
	for _, m := range programmes(t) {
		t.Run(m.ID, func(t *testing.T) {
			data, err := fs.ReadFile(methodologies.FS, m.Source)
			if err != nil {
				t.Fatal(err)
			}
			again, err := method.Parse(m.Source, data)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if again.ID != m.ID || len(again.Indicators) < 4 || len(again.Tree.Children) < 3 {
				t.Errorf("%s: %d indicators, %d criteria; want at least 4 and 3", m.ID, len(again.Indicators), len(again.Tree.Children))
			}
			if !slices.Contains(m.PeriodTypes, period.Yearly) {
				t.Errorf("%s is not computed for years: a year's fact would fall back to the fourth quarter", m.ID)
			}
			if !m.AppliesTo(period.MustParse("2019")) {
				t.Errorf("%s does not apply to 2019, the demo's first year", m.ID)
			}
			defaults := 0
			for _, ind := range m.Indicators {
				if !hasCyrillic(ind.Name) || ind.Unit == "" {
					t.Errorf("%s: indicator %s needs a Russian name and a unit", m.ID, ind.ID)
				}
				if ind.Target != nil {
					defaults++
					ms, _ := MeasureOf(m, ind.ID)
					if *ind.Target < ms.Lo || *ind.Target > ms.Hi {
						t.Errorf("%s: default target of %s is %g, outside %g..%g", m.ID, ind.ID, *ind.Target, ms.Lo, ms.Hi)
					}
				}
				if _, ok := m.Pipeline.Normalise.Goalposts[ind.ID]; !ok {
					t.Errorf("%s: indicator %s has no goalposts", m.ID, ind.ID)
				}
			}
			if defaults < len(m.Indicators)/2 {
				t.Errorf("%s: only %d of %d indicators have a default target", m.ID, defaults, len(m.Indicators))
			}
		})
	}
}

// TestProgrammeDataElementsAreOwn guards the shared namespace of data
// values: an element id used by two methodologies would share values.
func TestProgrammeDataElementsAreOwn(t *testing.T) {
	ms, err := method.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	owner := map[string]string{}
	for _, m := range ms {
		for _, de := range m.DataElements {
			if o, dup := owner[de.ID]; dup {
				t.Errorf("data element %s is in both %s and %s", de.ID, o, m.ID)
			}
			owner[de.ID] = m.ID
		}
	}
}

func hasCyrillic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r >= 'А' && r <= 'я' })
}

// demoSnapshots runs the demo generator and the rating engine over the
// programmes for 2019–2020 and returns the snapshots by methodology.
func demoSnapshots(t testing.TB) (map[string][]*Snapshot, []*method.Methodology, *orgunit.Hierarchy) {
	t.Helper()
	ms := programmes(t)
	h, err := orgunit.Reference()
	if err != nil {
		t.Fatal(err)
	}
	d, err := demo.Generate(h, ms, demo.Options{Seed: 1, PeoplePerMO: 400000, AsOf: time.Date(2021, 1, 15, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range d.Groups {
		if err := h.AddGroup(g); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range d.OrgUnits {
		if err := h.Add(u); err != nil {
			t.Fatal(err)
		}
	}
	data := rating.NewDataset(len(d.Values))
	for _, v := range d.Values {
		if err := data.Add(v.DataElement, v.Period, v.OrgUnit, v.Value); err != nil {
			t.Fatal(err)
		}
	}
	byID := map[string]*method.Methodology{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	eng := &rating.Engine{Universe: rating.NewUniverse(h), Data: data, Methods: byID, Synthetic: true}
	out := map[string][]*Snapshot{}
	for _, m := range ms {
		for _, p := range []string{"2019", "2020", "2019Q4", "2020Q4"} {
			r, err := eng.Compute(context.Background(), m, period.MustParse(p))
			if err != nil {
				t.Fatalf("%s %s: %v", m.ID, p, err)
			}
			s, err := FromRating(r)
			if err != nil {
				t.Fatal(err)
			}
			out[m.ID] = append(out[m.ID], s)
		}
	}
	return out, ms, h
}

// TestProgrammeDemo shows that the demo generator gives the programmes
// values for the regions without any change to it, in plausible ranges:
// the national median of each yearly indicator lies in the band the
// files' demo hints were written for (comments give the arithmetic).
func TestProgrammeDemo(t *testing.T) {
	snaps, ms, h := demoSnapshots(t)
	// The 2020 value of a stock ("last") is its fourth-quarter value, drawn
	// 1.75 years after the demo's base year (2019): a share_mean m with
	// trend k lands near m + 1.75k. Flows ("sum") add four quarters drawn
	// on average 1.4 years after it.
	bands := map[string][2]float64{
		"disp_plan_share":           {70, 90},  // done/plan: 0.8 + 1.4 × 0.02 ≈ 83 %
		"disp_coverage":             {40, 65},  // 520 × 0.83 / 800 per 1000 residents ≈ 54 %
		"disp_coverage_40plus":      {45, 75},  // 430 × 0.72 / 512 ≈ 60 %
		"disp_epgu_share":           {10, 35},  // 0.18 + 1.4 × 0.05 ≈ 25 %
		"disp_found_rate":           {60, 120}, // 0.09 × 1000
		"disp_followup_share":       {60, 85},  // 0.72 + 1.4 × 0.04 ≈ 78 %
		"yd_staffing":               {70, 85},  // 0.76 + 1.75 × 0.008 ≈ 77 %
		"yd_young_inflow":           {3, 7},    // 0.013 × 4 quarters × 100 ≈ 5
		"yd_target_employment":      {65, 90},  // 0.78 + 1.4 × 0.02 ≈ 81 %
		"yd_mentoring_share":        {55, 80},  // 0.55 + 1.75 × 0.08 ≈ 69 %
		"yd_mentor_ratio":           {3.5, 6},  // (0.4 + 1.75 × 0.04) × 10 ≈ 4.7
		"yd_retention_3y":           {60, 80},  // 0.66 + 1.75 × 0.02 ≈ 70 %
		"rh_exam_coverage":          {60, 85},  // (0.18 + 1.4 × 0.008) × 4 quarters ≈ 77 %
		"rh_followup_share":         {60, 85},  // 0.68 + 1.4 × 0.04 ≈ 74 %
		"rh_specialists_rate":       {5, 15},   // 20 per million / 210 children per 1000 ≈ 9.5
		"rh_teen_abortion_rate":     {1, 3.5},  // (0.0006 − 1.4 × 0.00004) × 4 × 1000 ≈ 2.2
		"hp_coverage":               {50, 80},  // 0.5 + 1.75 × 0.09 ≈ 66 %
		"hp_complete_share":         {50, 75},  // 0.55 + 1.75 × 0.06 ≈ 66 %
		"hp_updated_share":          {65, 85},  // 0.68 + 1.75 × 0.03 ≈ 73 %
		"hp_use_share":              {15, 35},  // 0.2 + 1.75 × 0.05 ≈ 29 %
		"hp_pregnancy_share":        {60, 85},  // 0.6 + 1.75 × 0.08 ≈ 74 %
		"hp_child_vacc_share":       {60, 85},  // 0.65 + 1.75 × 0.07 ≈ 77 %
		"office_full_share":         {45, 70},  // 0.42 + 1.75 × 0.08 ≈ 56 %
		"office_signature_share":    {75, 95},  // 0.75 + 1.75 × 0.05 ≈ 84 %
		"office_emd_same_day_share": {50, 75},  // 0.55 + 1.4 × 0.07 ≈ 65 %
		"office_doc_time":           {6, 10},   // 9 minutes × 0.94^1.75 ≈ 8.0
		"office_cdss_share":         {10, 30},  // 0.12 + 1.4 × 0.05 ≈ 19 %
		"office_tmk_rate":           {3, 7},    // (0.004 + 1.4 × 0.0008) × 1000 ≈ 5.1
	}
	regions := h.AtLevel(orgunit.Region)
	for _, m := range ms {
		hist := NewHistory(m, snaps[m.ID])
		y2020, ok := hist.Snapshot("2020")
		if !ok {
			t.Fatalf("%s: no 2020 snapshot", m.ID)
		}
		if y2020.Ranked < len(regions)*9/10 {
			t.Errorf("%s: %d of %d regions ranked in 2020", m.ID, y2020.Ranked, len(regions))
		}
		for _, ind := range m.Indicators {
			var vals []float64
			for _, r := range regions {
				if v, ok := y2020.Value(r.Code, ind.ID); ok {
					vals = append(vals, v)
				}
			}
			if len(vals) < len(regions)*9/10 {
				t.Errorf("%s: %s has values for %d of %d regions", m.ID, ind.ID, len(vals), len(regions))
				continue
			}
			b, ok := bands[ind.ID]
			if !ok {
				t.Errorf("%s: no band for %s", m.ID, ind.ID)
				continue
			}
			if ind.Unit == "%" && slices.Max(vals) > 100+1e-9 {
				t.Errorf("%s: %s reaches %.2f %% in 2020", m.ID, ind.ID, slices.Max(vals))
			}
			if med := stats.Median(vals); med < b[0] || med > b[1] || math.IsNaN(med) {
				t.Errorf("%s: median of %s in 2020 is %.2f, outside %g..%g", m.ID, ind.ID, med, b[0], b[1])
			}
		}
		// Every region with data has facts for both years.
		if f := hist.Facts("RU-TUL", m.Tree.ID); len(f) != 2 || f[0].Basis != BasisAnnual {
			t.Errorf("%s: facts of the index for RU-TUL: %+v", m.ID, f)
		}
		if got := hist.LastYear(); got != 2020 {
			t.Errorf("%s: last year %d, want 2020", m.ID, got)
		}
	}
}
