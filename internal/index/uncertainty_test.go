package index

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestUncertaintyNominalWhenNothingVaries(t *testing.T) {
	in := synthetic(30, 12, 1)
	res, err := Uncertainty(context.Background(), in, UncertaintyOptions{Draws: 50, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, in)
	for u, uu := range res {
		if uu.Unit != in.Units[u].ID || uu.Nominal != r.Rank[u] {
			t.Fatalf("unit %d: %+v, nominal rank %d", u, uu, r.Rank[u])
		}
		if uu.P05 != uu.Nominal || uu.P95 != uu.Nominal || uu.Median != uu.Nominal || uu.Mean != float64(uu.Nominal) {
			t.Errorf("%s: %+v", uu.Unit, uu)
		}
		if r.Screened[u] != (uu.RankedInDraws == 0) {
			t.Errorf("%s: screened %v but ranked in %d draws", uu.Unit, r.Screened[u], uu.RankedInDraws)
		}
	}
}

func TestUncertaintyReproducible(t *testing.T) {
	in := synthetic(40, 15, 2)
	opts := UncertaintyOptions{
		Draws: 200, Seed: 42, WeightJitter: 0.3,
		Normalisations: []NormaliseMethod{NormMinMax, NormRank, NormPercentileRank},
		Aggregations:   []AggregateMethod{AggArithmetic, AggGeometric},
		Imputations:    []ImputeMethod{ImputeGroupMedian, ImputeMean},
	}
	a, err := Uncertainty(context.Background(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Uncertainty(context.Background(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different results")
	}
	opts.Seed = 43
	c, err := Uncertainty(context.Background(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds, identical results")
	}
	spread := false
	for _, uu := range a {
		if uu.RankedInDraws == 0 {
			continue
		}
		if !(uu.Min <= uu.P05 && uu.P05 <= uu.Median && uu.Median <= uu.P95 && uu.P95 <= uu.Max) {
			t.Errorf("%s: percentiles out of order %+v", uu.Unit, uu)
		}
		spread = spread || uu.P05 != uu.P95
	}
	if !spread {
		t.Error("jitter and alternatives moved no rank")
	}
}

func TestUncertaintyErrors(t *testing.T) {
	in := synthetic(20, 10, 3)
	ctx := context.Background()
	for _, tt := range []struct {
		opts UncertaintyOptions
		want string
	}{
		{UncertaintyOptions{}, "draws must be positive"},
		{UncertaintyOptions{Draws: 1, WeightJitter: 1}, "weight jitter"},
		{UncertaintyOptions{Draws: 1, Normalisations: []NormaliseMethod{"x"}}, `unknown normalisation "x"`},
		// Geometric on a 0-based range meets zeros.
		{UncertaintyOptions{Draws: 5, Normalisations: []NormaliseMethod{NormBorda}, Aggregations: []AggregateMethod{AggGeometric}}, "positive"},
	} {
		_, err := Uncertainty(ctx, in, tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: err = %v, want %q", tt.opts, err, tt.want)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Uncertainty(cancelled, in, UncertaintyOptions{Draws: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestNearestRank(t *testing.T) {
	s := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}
	// 5% of 20 = 1 → 1st; 50% → 10th; 95% → 19th.
	if nearestRank(s, 5) != 1 || nearestRank(s, 50) != 10 || nearestRank(s, 95) != 19 {
		t.Error("nearest rank on 20")
	}
	// N = 3: ⌈0.15⌉ = 1, ⌈1.5⌉ = 2, ⌈2.85⌉ = 3.
	if nearestRank([]int{4, 5, 9}, 5) != 4 || nearestRank([]int{4, 5, 9}, 50) != 5 || nearestRank([]int{4, 5, 9}, 95) != 9 {
		t.Error("nearest rank on 3")
	}
}
