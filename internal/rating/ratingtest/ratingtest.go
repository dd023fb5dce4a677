// Package ratingtest computes real ratings in memory for the tests of
// packages that present them (DHIS2 analytics, FHIR measures): the
// reference hierarchy with the demo's medical organisations, a built-in
// methodology and its results computed by the rating engine, as the
// catalog would hold them, without a database.
package ratingtest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/demo"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
)

// AsOf is the demo's as-of date: its quarters are 2019Q1..2020Q4.
var AsOf = time.Date(2021, 1, 15, 0, 0, 0, 0, time.UTC)

// Demo holds one methodology's computed results.
type Demo struct {
	Hierarchy   *orgunit.Hierarchy
	Methodology *method.Methodology
	Results     map[string]*rating.Result // by period id
}

// New computes the built-in methodology id for the given periods over the
// demo data (seed 1, as of AsOf).
func New(tb testing.TB, id string, periods ...string) *Demo {
	tb.Helper()
	d, err := Compute(id, periods...)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// Compute is New without a testing.TB, for a test binary that computes
// once (the demo and the engine take a moment) and shares the read-only
// results.
func Compute(id string, periods ...string) (*Demo, error) {
	ms, err := method.Builtin()
	if err != nil {
		return nil, err
	}
	byID := map[string]*method.Methodology{}
	for _, x := range ms {
		byID[x.ID] = x
	}
	m, ok := byID[id]
	if !ok {
		return nil, fmt.Errorf("ratingtest: no built-in methodology %q", id)
	}
	h, err := orgunit.Reference()
	if err != nil {
		return nil, err
	}
	// Only m's own data elements: a methodology fed by another one's
	// results (method.Input) is not supported here.
	dd, err := demo.Generate(h, []*method.Methodology{m}, demo.Options{Seed: 1, PeoplePerMO: 400000, AsOf: AsOf})
	if err != nil {
		return nil, err
	}
	for _, g := range dd.Groups {
		if err := h.AddGroup(g); err != nil {
			return nil, err
		}
	}
	for _, u := range dd.OrgUnits {
		if err := h.Add(u); err != nil {
			return nil, err
		}
	}
	data := rating.NewDataset(len(dd.Values))
	for _, v := range dd.Values {
		if err := data.Add(v.DataElement, v.Period, v.OrgUnit, v.Value); err != nil {
			return nil, err
		}
	}
	eng := &rating.Engine{Universe: rating.NewUniverse(h), Data: data, Methods: byID, Synthetic: true,
		Now: func() time.Time { return AsOf }}
	out := &Demo{Hierarchy: h, Methodology: m, Results: map[string]*rating.Result{}}
	for _, p := range periods {
		r, err := eng.Compute(context.Background(), m, period.MustParse(p))
		if err != nil {
			return nil, fmt.Errorf("ratingtest: compute %s %s: %w", id, p, err)
		}
		out.Results[p] = r
	}
	return out, nil
}

// Periods lists the computed periods of id oldest first, as the catalog
// does.
func (d *Demo) Periods(_ context.Context, id string) ([]string, error) {
	if id != d.Methodology.ID {
		return nil, fmt.Errorf("ratingtest: unknown methodology %q", id)
	}
	out := make([]string, 0, len(d.Results))
	for p := range d.Results {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b string) int { return period.Compare(period.MustParse(a), period.MustParse(b)) })
	return out, nil
}

// Result returns a computed result, like the catalog (rebuilt: the engine
// keeps the pipeline detail).
func (d *Demo) Result(_ context.Context, id, p string) (*rating.Result, error) {
	r, ok := d.Results[p]
	if !ok || id != d.Methodology.ID {
		return nil, fmt.Errorf("ratingtest: no result %s %s", id, p)
	}
	return r, nil
}
