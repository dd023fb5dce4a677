package rating

import (
	"context"
	"sync"
	"testing"

	"github.com/cifra-health/cifra/internal/demo"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
)

// largeFixture is the scale: about 10,000 medical organisations,
// every data element of the built-in methodologies, 20 quarters (2016–2020).
type largeFixture struct {
	u    *Universe
	data *Dataset
	ms   []*method.Methodology
}

var (
	largeOnce sync.Once
	large     largeFixture
	largeErr  error
)

func loadLarge(tb testing.TB) largeFixture {
	tb.Helper()
	largeOnce.Do(func() {
		h, err := orgunit.Reference()
		if err != nil {
			largeErr = err
			return
		}
		ms, err := method.Builtin()
		if err != nil {
			largeErr = err
			return
		}
		for _, m := range ms {
			// The built-ins start in 2019; the benchmark needs 20 quarters.
			if err := m.SetValidity("2016", m.ValidTo); err != nil {
				largeErr = err
				return
			}
		}
		// 146 M residents / 14,600 ≈ 10,000 МО.
		d, err := demo.Generate(h, ms, demo.Options{Seed: 1, From: "2016Q1", To: "2020Q4", PeoplePerMO: 14600})
		if err != nil {
			largeErr = err
			return
		}
		for _, g := range d.Groups {
			if err := h.AddGroup(g); err != nil {
				largeErr = err
				return
			}
		}
		for _, ou := range d.OrgUnits {
			if err := h.Add(ou); err != nil {
				largeErr = err
				return
			}
		}
		data := NewDataset(len(d.Values))
		for _, v := range d.Values {
			if err := data.Add(v.DataElement, v.Period, v.OrgUnit, v.Value); err != nil {
				largeErr = err
				return
			}
		}
		large = largeFixture{u: NewUniverse(h), data: data, ms: ms}
	})
	if largeErr != nil {
		tb.Fatal(largeErr)
	}
	return large
}

// recomputeAll does what catalog.Recompute does without the database: every
// methodology for every period it applies to, ranks and rank changes.
func recomputeAll(ctx context.Context, f largeFixture) (int, error) {
	eng := &Engine{Universe: f.u, Data: f.data, Methods: map[string]*method.Methodology{}}
	for _, m := range f.ms {
		eng.Methods[m.ID] = m
	}
	n := 0
	for _, m := range f.ms {
		for _, t := range m.PeriodTypes {
			for _, p := range f.data.PeriodsOf(t) {
				if !m.AppliesTo(p) {
					continue
				}
				if _, err := eng.Compute(ctx, m, p); err != nil {
					return n, err
				}
				n++
			}
		}
	}
	return n, nil
}

func BenchmarkRecompute10kMO(b *testing.B) {
	f := loadLarge(b)
	mos := len(f.u.AtLevel(orgunit.Organisation))
	b.Logf("%d МО, %d data elements, %d values, %d periods", mos, len(f.data.des), f.data.Len(), len(f.data.pes))
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		n, err := recomputeAll(ctx, f)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n), "results/op")
	}
}

// BenchmarkAggregateQuarter isolates the hierarchy aggregation of one
// quarter over the large dataset.
func BenchmarkAggregateQuarter(b *testing.B) {
	f := loadLarge(b)
	m := f.ms[0]
	elements := make([]Element, len(m.DataElements))
	for i, de := range m.DataElements {
		elements[i] = Element{ID: de.ID, Aggregation: Aggregation(de.Aggregation)}
	}
	p := period.MustParse("2020Q4")
	b.ResetTimer()
	for b.Loop() {
		Aggregate(f.data, f.u, elements, p)
	}
}
