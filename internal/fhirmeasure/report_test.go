package fhirmeasure

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cifra-health/cifra/internal/rating/ratingtest"
)

var update = flag.Bool("update", false, "rewrite testdata goldens")

var demoOnce = sync.OnceValues(func() (*ratingtest.Demo, error) {
	return ratingtest.Compute("health-digital-maturity", "2020Q4", "2020")
})

func demoResults(t *testing.T) *ratingtest.Demo {
	t.Helper()
	d, err := demoOnce()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var opts = Options{Base: "https://cifra.example.ru/fhir", Publisher: "Минздрав (демонстрация)"}

// TestReportValidAndFaithful: the summary report of Тульская область is
// valid R4 by the official structure, every indicator's score is the
// value the index uses (the explanation's denominated value), and its
// populations give that score with the indicator's factor.
func TestReportValidAndFaithful(t *testing.T) {
	d := demoResults(t)
	r := d.Results["2020"]
	tula, _ := d.Hierarchy.Get("RU-TUL")
	rep, err := NewReport(r, tula, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	b := marshal(t, rep)
	if probs := loadStructure(t).validate(b); len(probs) > 0 {
		t.Fatalf("not valid R4:\n  %s", strings.Join(probs, "\n  "))
	}
	if rep.Type != "summary" || rep.Status != "complete" || rep.Subject.Identifier.Value != "RU-TUL" || rep.Period.End != "2020-12-31" {
		t.Errorf("header: %+v", rep)
	}
	if rep.Meta == nil || rep.Meta.Security[0].Code != "HTEST" {
		t.Error("demo results are not labelled as test data")
	}
	groups := map[string]ReportGroup{}
	for _, g := range rep.Group {
		groups[g.Code.Coding[0].Code] = g
	}
	m := r.MethodologyDef()
	counted := 0
	for _, ind := range m.Indicators {
		g, ok := groups[ind.ID]
		if !ok {
			t.Errorf("no group for %s", ind.ID)
			continue
		}
		ex, err := r.Explain("RU-TUL", ind.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if g.MeasureScore == nil {
			if !math.IsNaN(float64(ex.Denominated)) {
				t.Errorf("%s: no score, explanation has %v", ind.ID, ex.Denominated)
			}
			continue
		}
		if *g.MeasureScore.Value != float64(ex.Denominated) {
			t.Errorf("%s: score %v, explanation's denominated value %v", ind.ID, *g.MeasureScore.Value, ex.Denominated)
		}
		if len(g.Population) != 2 || g.Population[0].Code.Coding[0].Code != "numerator" || g.Population[1].Code.Coding[0].Code != "denominator" {
			t.Errorf("%s: populations %+v", ind.ID, g.Population)
			continue
		}
		if g.Population[0].Count == nil || g.Population[1].Count == nil || ind.AverageOfUnits {
			continue // not whole numbers, or a mean over МО rather than a ratio of sums: by design
		}
		counted++
		factor := ind.Factor
		if _, ok := m.Pipeline.Denominate.By[ind.ID]; ok {
			factor *= m.Pipeline.Denominate.Scale
		}
		got := float64(*g.Population[0].Count) / float64(*g.Population[1].Count) * factor
		if math.Abs(got-*g.MeasureScore.Value) > 1e-9*math.Abs(got) {
			t.Errorf("%s: %d / %d × %v = %v, score %v", ind.ID, *g.Population[0].Count, *g.Population[1].Count, factor, got, *g.MeasureScore.Value)
		}
	}
	if counted < 3 {
		t.Errorf("only %d indicators with counts: the populations check proved little", counted)
	}
	epgu := groups["epgu_users_rate"]
	if epgu.MeasureScore == nil || epgu.MeasureScore.Unit != "чел. на 1000 жителей" || epgu.Population[0].Count == nil || float64(*epgu.Population[0].Count) < 1000**epgu.MeasureScore.Value {
		t.Errorf("epgu_users_rate: the score must be per 1000 residents, not the head-count: %+v", epgu)
	}
	root := groups[r.Root]
	if root.MeasureScore == nil || *root.MeasureScore.Value != float64(r.Rows[r.UnitIndex("RU-TUL")].Score) {
		t.Errorf("index group %+v, score %v", root, r.Rows[r.UnitIndex("RU-TUL")].Score)
	}
}

// TestReportGoldens pins a one-indicator report and the Measure.
func TestReportGoldens(t *testing.T) {
	d := demoResults(t)
	tula, _ := d.Hierarchy.Get("RU-TUL")
	rep, err := NewReport(d.Results["2020Q4"], tula, []string{"epgu_users_rate", "remote_booking_share", "epgu"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	meas, err := NewMeasure(d.Methodology, opts)
	if err != nil {
		t.Fatal(err)
	}
	s := loadStructure(t)
	for name, v := range map[string]any{"measurereport-tula-2020Q4.json": rep, "measure-health-digital-maturity.json": meas} {
		b := marshal(t, v)
		if probs := s.validate(b); len(probs) > 0 {
			t.Errorf("%s is not valid R4:\n  %s", name, strings.Join(probs, "\n  "))
		}
		golden(t, filepath.Join("testdata", name), b)
	}
}

// TestMeasureDescribesFormulas: every indicator has a group whose
// populations carry its formulas, and denominated indicators say so.
func TestMeasureDescribesFormulas(t *testing.T) {
	d := demoResults(t)
	meas, err := NewMeasure(d.Methodology, opts)
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]MeasureGroup{}
	for _, g := range meas.Group {
		groups[g.Code.Coding[0].Code] = g
	}
	for _, ind := range d.Methodology.Indicators {
		g, ok := groups[ind.ID]
		if !ok || len(g.Population) != 2 {
			t.Errorf("%s: group %+v", ind.ID, g)
			continue
		}
		if g.Population[0].Criteria.Expression != ind.Numerator.String() {
			t.Errorf("%s: numerator %q, formula %q", ind.ID, g.Population[0].Criteria.Expression, ind.Numerator)
		}
	}
	if e := groups["epgu_users_rate"]; e.Population[1].Criteria.Expression != "population" || !strings.Contains(e.Description, "численность населения") {
		t.Errorf("epgu_users_rate does not say it is divided by the population: %+v", e)
	}
	if _, ok := groups[d.Methodology.Tree.ID]; !ok {
		t.Error("no group for the index itself")
	}
	if meas.URL+"|"+meas.Version != mustReport(t, d).Measure {
		t.Error("the report does not cite this Measure's canonical URL and version")
	}
}

func mustReport(t *testing.T, d *ratingtest.Demo) *MeasureReport {
	tula, _ := d.Hierarchy.Get("RU-TUL")
	rep, err := NewReport(d.Results["2020"], tula, []string{"epgu"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestReportRefuses(t *testing.T) {
	d := demoResults(t)
	tula, _ := d.Hierarchy.Get("RU-TUL")
	if _, err := NewReport(d.Results["2020"], tula, []string{"nope"}, opts); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown item: %v", err)
	}
	fd, _ := d.Hierarchy.Get("FD-CEN")
	if _, err := NewReport(d.Results["2020"], fd, nil, opts); err == nil || !strings.Contains(err.Error(), "not rated") {
		t.Errorf("unrated unit: %v", err)
	}
	if _, err := NewMeasure(d.Methodology, Options{}); err == nil {
		t.Error("a Measure without a base URL")
	}
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update after checking)", path)
	}
}
