package rating

import (
	"math"
	"testing"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
)

// testUniverse is the reference hierarchy with two МО in Тульская область
// and one in Тамбовская.
func testUniverse(t *testing.T) *Universe {
	t.Helper()
	h, err := orgunit.Reference()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []orgunit.Unit{
		{Code: "MO-1", Name: "МО 1", Level: orgunit.Organisation, Parent: "RU-TUL", Population: 1000},
		{Code: "MO-2", Name: "МО 2", Level: orgunit.Organisation, Parent: "RU-TUL", Population: 3000},
		{Code: "MO-3", Name: "МО 3", Level: orgunit.Organisation, Parent: "RU-TAM", Population: 500},
	} {
		if err := h.Add(u); err != nil {
			t.Fatal(err)
		}
	}
	return NewUniverse(h)
}

func mustAdd(t *testing.T, d *Dataset, de, pe, ou string, v float64) {
	t.Helper()
	if err := d.Add(de, pe, ou, v); err != nil {
		t.Fatal(err)
	}
}

func TestAggregateOverTimeAndHierarchy(t *testing.T) {
	u := testUniverse(t)
	d := NewDataset(0)
	// sum: quarters add up within the year; МО add up to the region.
	mustAdd(t, d, "visits", "2020Q1", "MO-1", 10)
	mustAdd(t, d, "visits", "2020Q2", "MO-1", 20)
	mustAdd(t, d, "visits", "2020Q1", "MO-2", 5)
	mustAdd(t, d, "visits", "2019Q4", "MO-2", 1000) // outside 2020
	// last: the latest quarter counts over time, summed across МО.
	mustAdd(t, d, "arm", "2020Q1", "MO-1", 7)
	mustAdd(t, d, "arm", "2020Q3", "MO-1", 9)
	mustAdd(t, d, "arm", "2020Q2", "MO-2", 4)
	// average over time, then the mean of units.
	mustAdd(t, d, "wait", "2020Q1", "MO-1", 2)
	mustAdd(t, d, "wait", "2020Q2", "MO-1", 4)
	mustAdd(t, d, "wait", "2020Q1", "MO-2", 6)
	// A unit that reports a yearly total and monthly values: only the
	// coarsest (the year) counts, so nothing is counted twice.
	mustAdd(t, d, "visits", "2020", "MO-3", 100)
	mustAdd(t, d, "visits", "202001", "MO-3", 40)
	// A region that reported its own value keeps it over its МО.
	mustAdd(t, d, "arm", "2020Q4", "RU-TAM", 50)
	mustAdd(t, d, "arm", "2020Q4", "MO-3", 1)
	// Min and max.
	mustAdd(t, d, "peak", "2020Q1", "MO-1", 3)
	mustAdd(t, d, "peak", "2020Q2", "MO-1", 8)
	mustAdd(t, d, "peak", "2020Q1", "MO-2", 5)
	mustAdd(t, d, "low", "2020Q1", "MO-1", 3)
	mustAdd(t, d, "low", "2020Q2", "MO-1", 8)
	mustAdd(t, d, "low", "2020Q1", "MO-2", 5)
	mustAdd(t, d, "visits", "2020Q1", "UNKNOWN", 1)

	els := []Element{{"visits", AggSum}, {"arm", AggLast}, {"wait", AggAverage}, {"peak", AggMax}, {"low", AggMin}, {"none", AggSum}}
	a := Aggregate(d, u, els, period.MustParse("2020"))
	tul, tam, ru := u.Index("RU-TUL"), u.Index("RU-TAM"), u.Index("RU")
	cases := []struct {
		de   string
		unit int
		want float64
	}{
		{"visits", u.Index("MO-1"), 30},
		{"visits", tul, 35},  // 10+20+5; 2019Q4 excluded
		{"visits", tam, 100}, // the yearly value, not 100+40
		{"visits", ru, 135},
		{"arm", u.Index("MO-1"), 9}, // latest quarter
		{"arm", tul, 13},            // 9 + 4 across МО
		{"arm", tam, 50},            // own value wins
		{"wait", u.Index("MO-1"), 3},
		{"wait", tul, 4.5}, // mean of МО means (3, 6)
		{"peak", tul, 8},
		{"low", tul, 3},
	}
	for _, c := range cases {
		got, ok := a.Get(c.de, c.unit)
		if !ok || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s at %s = %v (ok %v), want %v", c.de, u.Codes[c.unit], got, ok, c.want)
		}
	}
	if _, ok := a.Get("none", tul); ok {
		t.Error("an element without values has a value")
	}
	if _, ok := a.Get("visits", u.Index("RU-MOW")); ok {
		t.Error("a region without data has a value")
	}
	if a.Unplaced != 1 {
		t.Errorf("Unplaced = %d, want 1", a.Unplaced)
	}
}

func TestAggregateQuarterSeesOnlyItsMonths(t *testing.T) {
	u := testUniverse(t)
	d := NewDataset(0)
	mustAdd(t, d, "v", "202001", "MO-1", 1)
	mustAdd(t, d, "v", "202003", "MO-1", 2)
	mustAdd(t, d, "v", "202004", "MO-1", 100)
	a := Aggregate(d, u, []Element{{"v", AggSum}}, period.MustParse("2020Q1"))
	if got, _ := a.Get("v", u.Index("RU-TUL")); got != 3 {
		t.Errorf("Q1 sum = %v, want 3", got)
	}
}

func TestDatasetPeriodsOf(t *testing.T) {
	d := NewDataset(0)
	for _, p := range []string{"2020Q2", "2019Q1", "202011", "2021W10"} {
		mustAdd(t, d, "v", p, "RU-TUL", 1)
	}
	if err := d.Add("v", "2020Q5", "RU-TUL", 1); err == nil {
		t.Error("a bad period was accepted")
	}
	var got []string
	for _, p := range d.PeriodsOf(period.Yearly) {
		got = append(got, p.String())
	}
	if want := []string{"2019", "2020", "2021"}; !equal(got, want) {
		t.Errorf("yearly periods = %v, want %v", got, want)
	}
	got = nil
	for _, p := range d.PeriodsOf(period.Quarterly) {
		got = append(got, p.String())
	}
	if want := []string{"2019Q1", "2020Q2", "2020Q4", "2021Q1"}; !equal(got, want) {
		t.Errorf("quarterly periods = %v, want %v", got, want)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
