package index

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
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

func TestSummariseCountsMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 50 {
		nU := 1 + rng.IntN(30)
		ranks := make([]int, rng.IntN(200))
		counts := make([]int, nU+1)
		for i := range ranks {
			ranks[i] = 1 + rng.IntN(nU)
			counts[ranks[i]]++
		}
		a := summariseCounts("u", 3, counts)
		b := summariseRanks("u", 3, slices.Clone(ranks))
		if a != b {
			t.Fatalf("trial %d: counts %+v, sort %+v", trial, a, b)
		}
	}
}

func TestNoiseFactors(t *testing.T) {
	e, err := compile(synthetic(10, 8, 1)) // index → p0…p2 → p*.* → leaves
	if err != nil {
		t.Fatal(err)
	}
	f := e.noiseFactors(UncertaintyOptions{WeightJitter: 0.1, Noise: []WeightNoise{{Depth: 1, Factor: 0.2}, {Leaves: true, Factor: 0.3}, {Depth: 3, Factor: 0.9}}})
	for k, n := range e.nodes {
		want := 0.1 // depth 2: the sub-pillars
		switch {
		case n.parent < 0:
			want = 0
		case n.ind >= 0:
			want = 0.3 // the leaves entry wins over depth 3
		case n.depth == 1:
			want = 0.2
		}
		if f[k] != want {
			t.Errorf("node %s (depth %d): factor %g, want %g", n.id, n.depth, f[k], want)
		}
	}
}

// twoWays: u0 leads on a, u1 on b; u2 is in the middle of both.
func twoWays() *Input {
	return &Input{
		Units:      units(3),
		Indicators: hib("a", "b"),
		Values:     [][]float64{{10, 1, 5}, {1, 10, 5}},
		Tree:       flatTree("a", "b"),
		Config:     Config{Normalise: NormaliseConfig{Range: [2]float64{1, 100}}},
	}
}

func TestUncertaintyWeightSets(t *testing.T) {
	// Half the draws weigh only a (u0 first), half only b (u1 first).
	opts := UncertaintyOptions{Draws: 400, Seed: 1, Alternatives: Alternatives{Weights: []WeightSet{
		{Name: "a only", Weights: map[string]float64{"n_b": 0}},
		{Name: "b only", Weights: map[string]float64{"n_a": 0}},
	}}}
	res, err := Uncertainty(context.Background(), twoWays(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range res[:2] {
		if u.Min != 1 || u.Max != 3 || u.P05 != 1 || u.P95 != 3 {
			t.Errorf("%s: %+v, want ranks 1 and 3 both drawn", u.Unit, u)
		}
	}
	if u := res[2]; u.Min != 2 || u.Max != 2 {
		t.Errorf("u2: %+v, want always 2nd", u)
	}
	opts.Alternatives.Weights[0].Weights = map[string]float64{"zz": 1}
	if _, err := Uncertainty(context.Background(), twoWays(), opts); err == nil || !strings.Contains(err.Error(), `unknown node "zz"`) {
		t.Errorf("unknown node in a weight set: %v", err)
	}
}

func TestUncertaintyAggregationWithItsOwnExponent(t *testing.T) {
	// Normalised (range 1–100): u0 (100, 1), u1 (1, 100), u2 (50.5, 50.5).
	// Arithmetic: all 50.5, all first. A power mean with p = 5 favours the
	// unbalanced: ((100⁵ + 1)/2)^⅕ ≈ 87.1 for u0 and u1, 50.5 for u2; a
	// geometric mean (p lost) would favour u2 instead.
	in := twoWays()
	in.Values = [][]float64{{10, 1, 5.5}, {1, 10, 5.5}}
	opts := UncertaintyOptions{Draws: 20, Seed: 1, Alternatives: Alternatives{Aggregate: []AggregateConfig{{Method: AggGeneralised, P: 5}}}}
	res, err := Uncertainty(context.Background(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	for u, want := range []int{1, 1, 3} {
		if res[u].Nominal != 1 || res[u].Min != want || res[u].Max != want {
			t.Errorf("%s: %+v, want nominal 1 and always %d", res[u].Unit, res[u], want)
		}
	}
}

func TestUncertaintyAlternativesInherit(t *testing.T) {
	in := synthetic(20, 8, 2)
	in.Config.Impute.GroupBy = "size"
	e, err := compile(in)
	if err != nil {
		t.Fatal(err)
	}
	imps, err := e.imputeAlternatives(UncertaintyOptions{Imputations: []ImputeMethod{ImputeMean},
		Alternatives: Alternatives{Impute: []ImputeConfig{{Method: ImputeGroupMean}, {Method: ImputeGroupMedian, GroupBy: "region", EmptyGroup: EmptyGroupAllUnits}}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []ImputeConfig{
		{Method: ImputeMean, GroupBy: "size", EmptyGroup: EmptyGroupMissing},
		{Method: ImputeGroupMean, GroupBy: "size", EmptyGroup: EmptyGroupMissing},
		{Method: ImputeGroupMedian, GroupBy: "region", EmptyGroup: EmptyGroupAllUnits},
	}
	if !reflect.DeepEqual(imps, want) {
		t.Errorf("imputations %+v, want %+v", imps, want)
	}
	norms, err := e.normaliseAlternatives(UncertaintyOptions{Alternatives: Alternatives{Normalise: []NormaliseConfig{{Method: NormZScore, Scale: 5}}}})
	if err != nil {
		t.Fatal(err)
	}
	if n := norms[0]; n.Method != NormZScore || n.Scale != 5 || *n.Centre != 100 || n.Range != [2]float64{1, 100} {
		t.Errorf("normalisation %+v, want zscore scale 5 with the nominal centre and range", n)
	}
}

func TestUncertaintyEveryNode(t *testing.T) {
	in := synthetic(30, 12, 1)
	nominal := mustRun(t, in)
	// Nothing varies: every node's ranks are its nominal ones.
	res, err := UncertaintyNodes(context.Background(), in, UncertaintyOptions{Draws: 40, Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Nodes) != len(nominal.Nodes) || len(res.NodeOrder) != len(nominal.NodeOrder) {
		t.Fatalf("%d nodes summarised, want %d", len(res.Nodes), len(nominal.Nodes))
	}
	for id, n := range nominal.Nodes {
		for u, uu := range res.Nodes[id] {
			if uu.Nominal != n.Rank[u] || uu.Median != n.Rank[u] || uu.P05 != n.Rank[u] || uu.P95 != n.Rank[u] {
				t.Fatalf("node %s, unit %s: %+v, nominal rank %d", id, uu.Unit, uu, n.Rank[u])
			}
		}
	}
	// With noise, leaves never move (weights do not change a normalised
	// value) while some inner node does.
	res, err = UncertaintyNodes(context.Background(), in, UncertaintyOptions{Draws: 100, Seed: 1, WeightJitter: 0.5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	moved := false
	for id, n := range nominal.Nodes {
		for _, uu := range res.Nodes[id] {
			if n.Indicator != "" && uu.Min != uu.Max {
				t.Fatalf("leaf %s moved: %+v", id, uu)
			}
			moved = moved || uu.Min != uu.Max
		}
	}
	if !moved {
		t.Error("no inner node moved under ±50 % weights")
	}
	if _, err := UncertaintyNodes(context.Background(), in, UncertaintyOptions{Draws: 1}, []string{"nope"}); err == nil {
		t.Error("unknown node accepted")
	}
}
