package dhis2

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/demo"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
)

// fixture is a real computation: the reference hierarchy with the demo's
// medical organisations, the built-in digital-maturity methodology and its
// results for 2019–2020 computed by the rating engine, as the catalog
// would hold them.
type fixture struct {
	h       *orgunit.Hierarchy
	m       *method.Methodology
	results map[string]*rating.Result
	order   []string
}

var (
	fixtureOnce sync.Once
	fixtureVal  *fixture
	fixtureErr  error
)

// testFixture computes once per test binary: the demo and engine take a
// few seconds and every test reads the same results.
func testFixture(t testing.TB) *fixture {
	t.Helper()
	fixtureOnce.Do(func() { fixtureVal, fixtureErr = newFixture() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureVal
}

func newFixture() (*fixture, error) {
	ms, err := method.Builtin()
	if err != nil {
		return nil, err
	}
	var m *method.Methodology
	byID := map[string]*method.Methodology{}
	for _, x := range ms {
		byID[x.ID] = x
		if x.ID == "health-digital-maturity" {
			m = x
		}
	}
	if m == nil {
		return nil, fmt.Errorf("no built-in health-digital-maturity")
	}
	h, err := orgunit.Reference()
	if err != nil {
		return nil, err
	}
	d, err := demo.Generate(h, []*method.Methodology{m}, demo.Options{Seed: 1, PeoplePerMO: 400000, AsOf: time.Date(2021, 1, 15, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		return nil, err
	}
	for _, g := range d.Groups {
		if err := h.AddGroup(g); err != nil {
			return nil, err
		}
	}
	for _, u := range d.OrgUnits {
		if err := h.Add(u); err != nil {
			return nil, err
		}
	}
	data := rating.NewDataset(len(d.Values))
	for _, v := range d.Values {
		if err := data.Add(v.DataElement, v.Period, v.OrgUnit, v.Value); err != nil {
			return nil, err
		}
	}
	eng := &rating.Engine{Universe: rating.NewUniverse(h), Data: data, Methods: byID, Synthetic: true,
		Now: func() time.Time { return time.Date(2021, 1, 15, 0, 0, 0, 0, time.UTC) }}
	f := &fixture{h: h, m: m, results: map[string]*rating.Result{}}
	for _, p := range []string{"2019Q4", "2020Q1", "2020Q2", "2020Q3", "2020Q4", "2019", "2020"} {
		r, err := eng.Compute(context.Background(), m, period.MustParse(p))
		if err != nil {
			return nil, fmt.Errorf("compute %s: %w", p, err)
		}
		f.results[p] = r
		f.order = append(f.order, p)
	}
	return f, nil
}

// Periods and Result make the fixture a Results, like the catalog.
func (f *fixture) Periods(_ context.Context, id string) ([]string, error) {
	if id != f.m.ID {
		return nil, fmt.Errorf("unknown methodology %q", id)
	}
	out := append([]string(nil), f.order...)
	// Oldest first, as the catalog lists them.
	sortPeriods(out)
	return out, nil
}

func (f *fixture) Result(_ context.Context, id, p string) (*rating.Result, error) {
	r, ok := f.results[p]
	if !ok || id != f.m.ID {
		return nil, fmt.Errorf("no result %s %s", id, p)
	}
	return r, nil
}

func sortPeriods(ids []string) {
	slices.SortFunc(ids, func(a, b string) int { return period.Compare(period.MustParse(a), period.MustParse(b)) })
}

func (f *fixture) source() *RatingSource { return NewRatingSource(f.m, f) }

func (f *fixture) options() Options {
	return Options{Hierarchy: f.h, Today: time.Date(2021, 1, 15, 12, 0, 0, 0, time.UTC), Limits: DefaultLimits()}
}
