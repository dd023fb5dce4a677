package demo

import (
	"github.com/cifra-health/cifra/internal/datavalue"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
)

func generate(t *testing.T, opt Options) (*orgunit.Hierarchy, *Data) {
	t.Helper()
	h, err := orgunit.Reference()
	if err != nil {
		t.Fatal(err)
	}
	ms, err := method.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	d, err := Generate(h, ms, opt)
	if err != nil {
		t.Fatal(err)
	}
	return h, d
}

func TestDeterministic(t *testing.T) {
	asOf := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	_, a := generate(t, Options{Seed: 7, PeoplePerMO: 500000, AsOf: asOf})
	_, b := generate(t, Options{Seed: 7, PeoplePerMO: 500000, AsOf: asOf})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different data")
	}
	_, c := generate(t, Options{Seed: 8, PeoplePerMO: 500000, AsOf: asOf})
	if reflect.DeepEqual(a.Values, c.Values) {
		t.Fatal("different seeds gave the same values")
	}
}

// TestShape checks the promises of the demo: МО in every region, as many
// as the population asks (at least 3), with OID-like codes, placed in
// settlements of their own region; values for every quarter asked, with some
// missing.
func TestShape(t *testing.T) {
	const perMO = 300000
	h, d := generate(t, Options{Seed: 1, PeoplePerMO: perMO, From: "2019Q1", To: "2020Q4"})
	settlements, err := orgunit.Settlements()
	if err != nil {
		t.Fatal(err)
	}
	inRegion := map[string]map[string]bool{}
	for _, s := range settlements {
		if inRegion[s.Region] == nil {
			inRegion[s.Region] = map[string]bool{}
		}
		inRegion[s.Region][s.Name] = true
	}
	perRegion := map[string]int{}
	codes := map[string]bool{}
	for _, u := range d.OrgUnits {
		perRegion[u.Parent]++
		if codes[u.Code] {
			t.Errorf("duplicate МО code %s", u.Code)
		}
		codes[u.Code] = true
		if !strings.HasPrefix(u.Code, "1.2.643.5.1.13.13.12.2.") || u.Level != orgunit.Organisation {
			t.Errorf("МО %s: code or level wrong (%v)", u.Code, u.Level)
		}
		if len(inRegion[u.Parent]) > 0 && !inRegion[u.Parent][u.Settlement] {
			t.Errorf("МО %s placed in %q, not a settlement of %s", u.Code, u.Settlement, u.Parent)
		}
		if u.Population <= 0 {
			t.Errorf("МО %s has no attached population", u.Code)
		}
	}
	for _, r := range h.AtLevel(orgunit.Region) {
		want := max(3, int(r.Population/perMO))
		if perRegion[r.Code] != want {
			t.Errorf("%s: %d МО, want %d", r.Code, perRegion[r.Code], want)
		}
	}
	quarters := map[string]bool{}
	for _, v := range d.Values {
		p, err := period.Parse(v.Period)
		if err != nil {
			t.Fatalf("value with bad period %q", v.Period)
		}
		quarters[p.String()] = true
	}
	if len(quarters) != 8 {
		t.Errorf("values in %d periods, want the 8 quarters: %v", len(quarters), quarters)
	}
	// Without gaps there would be one value per (element, unit, quarter) of
	// every hint; the default 3 % share must leave some out.
	_, full := generate(t, Options{Seed: 1, PeoplePerMO: perMO, From: "2019Q1", To: "2020Q4", MissingShare: -1})
	if len(full.Values) <= len(d.Values) {
		t.Errorf("missing share dropped nothing: %d values with gaps, %d without", len(d.Values), len(full.Values))
	}
}

// The demo follows the calendar: built as of a later date it is the same
// demo, moved. Four years keep the leap years in step (the trend counts
// days of the year).
func TestTimelineShift(t *testing.T) {
	_, old := generate(t, Options{Seed: 3, PeoplePerMO: 500000, AsOf: time.Date(2021, 1, 15, 0, 0, 0, 0, time.UTC)})
	_, now := generate(t, Options{Seed: 3, PeoplePerMO: 500000, AsOf: time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC)})
	if len(old.Values) != len(now.Values) || len(old.Values) == 0 {
		t.Fatalf("%d values as of 2021, %d as of 2025", len(old.Values), len(now.Values))
	}
	for i := range old.Values {
		o, n := old.Values[i], now.Values[i]
		op, np := period.MustParse(o.Period), period.MustParse(n.Period)
		if np.Year() != op.Year()+4 || np.Quarter() != op.Quarter() || n.OrgUnit != o.OrgUnit || n.DataElement != o.DataElement || n.Value != o.Value {
			t.Fatalf("value %d: %+v as of 2021, %+v as of 2025", i, o, n)
		}
	}
	_, err := Generate(nil, nil, Options{Seed: 3})
	if err == nil {
		t.Fatal("a demo with neither an as-of date nor quarters was generated")
	}
}

// A new built-in methodology must not move the demo values of the others:
// every element draws from its own stream.
func TestNewMethodologyLeavesOthers(t *testing.T) {
	h, err := orgunit.Reference()
	if err != nil {
		t.Fatal(err)
	}
	ms, err := method.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 2 {
		t.Skip("one built-in methodology")
	}
	opt := Options{Seed: 5, PeoplePerMO: 500000, From: "2019Q1", To: "2019Q4"}
	all, err := Generate(h, ms, opt)
	if err != nil {
		t.Fatal(err)
	}
	fewer, err := Generate(h, ms[1:], opt)
	if err != nil {
		t.Fatal(err)
	}
	key := func(v datavalue.Value) string { return v.DataElement + "|" + v.OrgUnit + "|" + v.Period }
	inAll := map[string]float64{}
	for _, v := range all.Values {
		inAll[key(v)] = v.Value
	}
	for _, v := range fewer.Values {
		if got, ok := inAll[key(v)]; !ok || got != v.Value {
			t.Fatalf("%s: %v without %s, %v (present %v) with it", key(v), v.Value, ms[0].ID, got, ok)
		}
	}
}
