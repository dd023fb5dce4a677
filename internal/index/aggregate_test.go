package index

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestWeightedMean(t *testing.T) {
	// Values 4 and 16 with weights 1 and 3 → shares 0.25 and 0.75.
	vals, ws := []float64{4, 16}, []float64{0.25, 0.75}
	tests := []struct {
		m    AggregateMethod
		p    float64
		want float64
	}{
		{AggArithmetic, 0, 13},                            // 0.25·4 + 0.75·16 = 1 + 12
		{AggGeometric, 0, 8 * math.Sqrt2},                 // 4^0.25 · 16^0.75 = √2 · 8
		{AggHarmonic, 0, 64.0 / 7},                        // 1/(0.25/4 + 0.75/16) = 1/(7/64)
		{AggGeneralised, 2, 14},                           // √(0.25·16 + 0.75·256) = √196
		{AggGeneralised, 1, 13},                           // p = 1 is arithmetic
		{AggGeneralised, 0, 8 * math.Sqrt2},               // p → 0 is geometric
		{AggGeneralised, -1, 64.0 / 7},                    // p = −1 is harmonic
		{AggGeneralised, 0.5, math.Pow(0.25*2+0.75*4, 2)}, // (0.25·√4 + 0.75·√16)² = 3.5² = 12.25
	}
	for _, tt := range tests {
		got, bad := weightedMean(tt.m, tt.p, vals, ws)
		if bad >= 0 {
			t.Fatalf("%s p=%g: bad %d", tt.m, tt.p, bad)
		}
		assertFloat(t, string(tt.m), got, tt.want)

		// Contributions always add up to the score; arithmetic ones are w·x.
		c := make([]float64, 2)
		contributions(tt.m, tt.p, vals, ws, got, c)
		assertFloat(t, string(tt.m)+" contributions", c[0]+c[1], got)
	}
	c := make([]float64, 2)
	contributions(AggArithmetic, 0, vals, ws, 13, c)
	assertFloats(t, "arithmetic contributions", c, []float64{1, 12})
	// Geometric: share of log. ln G = 0.25·ln4 + 0.75·ln16 = 3.5·ln2;
	// parts G·(0.5·ln2)/(3.5·ln2) = G/7 and G·(3·ln2)/(3.5·ln2) = 6G/7.
	g := 8 * math.Sqrt2
	contributions(AggGeometric, 0, vals, ws, g, c)
	assertFloats(t, "geometric contributions", c, []float64{g / 7, 6 * g / 7})
}

func TestWeightedMeanPositivity(t *testing.T) {
	ws := []float64{0.5, 0.5}
	for _, tt := range []struct {
		m    AggregateMethod
		p    float64
		vals []float64
		bad  int
	}{
		{AggGeometric, 0, []float64{3, 0}, 1},
		{AggHarmonic, 0, []float64{-1, 3}, 0},
		{AggGeneralised, 2, []float64{0, 3}, -1}, // zero is fine for p > 0
		{AggGeneralised, 2, []float64{-1, 3}, 0},
		{AggArithmetic, 0, []float64{-1, 3}, -1},
	} {
		if _, bad := weightedMean(tt.m, tt.p, tt.vals, ws); bad != tt.bad {
			t.Errorf("%s p=%g %v: bad = %d, want %d", tt.m, tt.p, tt.vals, bad, tt.bad)
		}
	}
	// A zero-weight child is ignored rather than rejected.
	if _, bad := weightedMean(AggGeometric, 0, []float64{0, 3}, []float64{0, 1}); bad != -1 {
		t.Error("zero-weight zero rejected")
	}
}

func TestAggregationInRun(t *testing.T) {
	// Two indicators normalised by goalposts [0, 100] so the normalised
	// value equals the raw one: u0 = (4, 16), u1 = (100, 25). Weights 1, 3.
	mk := func(m AggregateMethod, p float64) *Input {
		return &Input{
			Units:      units(2),
			Indicators: hib("a", "b"),
			Values:     [][]float64{{4, 100}, {16, 25}},
			Tree: &Node{ID: "root", Aggregation: m, P: p, Children: []*Node{
				{ID: "A", Weight: 1, Indicator: "a"}, {ID: "B", Weight: 3, Indicator: "b"},
			}},
			Config: Config{Normalise: NormaliseConfig{Method: NormGoalposts,
				Goalposts: map[string][2]float64{"a": {0, 100}, "b": {0, 100}}}},
		}
	}
	tests := []struct {
		m      AggregateMethod
		p      float64
		u0, u1 float64
	}{
		{AggArithmetic, 0, 13, 0.25*100 + 0.75*25}, // 43.75
		{AggGeometric, 0, 8 * math.Sqrt2, math.Pow(100, 0.25) * math.Pow(25, 0.75)},
		{AggHarmonic, 0, 64.0 / 7, 1 / (0.25/100 + 0.75/25)}, // 1/0.0325
		{AggGeneralised, 2, 14, math.Sqrt(0.25*10000 + 0.75*625)},
	}
	for _, tt := range tests {
		t.Run(string(tt.m), func(t *testing.T) {
			r := mustRun(t, mk(tt.m, tt.p))
			assertFloats(t, "score", r.Score, []float64{tt.u0, tt.u1})
			root := r.Nodes["root"]
			if root.Aggregation != tt.m {
				t.Errorf("aggregation %q", root.Aggregation)
			}
			for u := range 2 {
				sum := r.Nodes["A"].Contribution[u] + r.Nodes["B"].Contribution[u]
				assertFloat(t, "contributions sum", sum, r.Score[u])
			}
		})
	}

	// Geometric on a 0..100 min-max range hits 0 and must say what to do.
	in := mk(AggGeometric, 0)
	in.Config.Normalise = NormaliseConfig{}
	_, err := Run(in)
	if err == nil || !strings.Contains(err.Error(), `node "root", unit "u`) || !strings.Contains(err.Error(), "positive range") {
		t.Errorf("err = %v", err)
	}
}

func TestWeightRescaling(t *testing.T) {
	// Weights 0.5, 0.3, 0.2; u1 misses b (no imputation). Goalposts [0, 10]
	// make normalised = 10·raw. u1: a = 20, c = 60 →
	// (0.5·20 + 0.2·60)/0.7 = 22/0.7; effective weights 0.5/0.7, 0, 0.2/0.7.
	in := &Input{
		Units:      units(2),
		Indicators: hib("a", "b", "c"),
		Values:     [][]float64{{1, 2}, {3, nan}, {5, 6}},
		Tree: &Node{ID: "root", Children: []*Node{
			{ID: "A", Weight: 0.5, Indicator: "a"},
			{ID: "B", Weight: 0.3, Indicator: "b"},
			{ID: "C", Weight: 0.2, Indicator: "c"},
		}},
		Config: Config{Normalise: NormaliseConfig{Method: NormGoalposts,
			Goalposts: map[string][2]float64{"a": {0, 10}, "b": {0, 10}, "c": {0, 10}}}},
	}
	r := mustRun(t, in)
	// u0: 0.5·10 + 0.3·30 + 0.2·50 = 5 + 9 + 10 = 24.
	assertFloats(t, "score", r.Score, []float64{24, 22 / 0.7})
	assertFloat(t, "A eff", r.Nodes["A"].EffWeight[1], 0.5/0.7)
	assertFloat(t, "B eff", r.Nodes["B"].EffWeight[1], 0)
	assertFloat(t, "C eff", r.Nodes["C"].EffWeight[1], 0.2/0.7)
	assertFloat(t, "A eff u0", r.Nodes["A"].EffWeight[0], 0.5)
}

// Property: with a child missing, a parent equals the same index computed
// with the tree cut down to the present children.
func TestWeightRescalingProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	ids := []string{"a", "b", "c", "d", "e"}
	for trial := range 100 {
		nU := 6
		vals := make([][]float64, len(ids))
		for i := range vals {
			vals[i] = make([]float64, nU)
			for u := range vals[i] {
				vals[i][u] = rng.Float64() * 100
			}
		}
		weights := make([]float64, len(ids))
		for i := range weights {
			weights[i] = 0.1 + rng.Float64()
		}
		tree := func(keep func(i int) bool) *Node {
			// Two levels so that re-scaling happens below the root too.
			root := &Node{ID: "root", Children: []*Node{{ID: "p1", Weight: 1}, {ID: "p2", Weight: 2}}}
			for i, id := range ids {
				if keep(i) {
					p := root.Children[i%2]
					p.Children = append(p.Children, &Node{ID: "n" + id, Weight: weights[i], Indicator: id})
				}
			}
			return root
		}
		// u0 misses a random subset that leaves each pillar a child.
		missing := map[int]bool{}
		for i := range ids {
			if i >= 2 && rng.IntN(2) == 0 {
				missing[i] = true
				vals[i][0] = nan
			}
		}
		agg := []AggregateMethod{AggArithmetic, AggGeometric, AggHarmonic, AggGeneralised}[trial%4]
		cfg := Config{
			Normalise: NormaliseConfig{Range: [2]float64{1, 100}},
			Aggregate: AggregateConfig{Method: agg, P: 2},
		}
		full := mustRun(t, &Input{Units: units(nU), Indicators: hib(ids...), Values: vals,
			Tree: tree(func(int) bool { return true }), Config: cfg})
		cut := mustRun(t, &Input{Units: units(nU), Indicators: hib(ids...), Values: vals,
			Tree: tree(func(i int) bool { return !missing[i] }), Config: cfg})
		if !closeTo(full.Score[0], cut.Score[0]) {
			t.Fatalf("trial %d (%s, missing %v): full %g, cut tree %g", trial, agg, missing, full.Score[0], cut.Score[0])
		}
	}
}

func TestAllChildrenMissing(t *testing.T) {
	in := &Input{
		Units:      units(3),
		Indicators: hib("a", "b"),
		Values:     [][]float64{{1, nan, 3}, {1, nan, 2}},
		Tree:       flatTree("a", "b"),
	}
	r := mustRun(t, in)
	if !closeTo(r.Score[1], nan) || r.Rank[1] != 0 || r.Screened[1] {
		t.Errorf("u1: score %g rank %d screened %v", r.Score[1], r.Rank[1], r.Screened[1])
	}
	if len(r.Warnings) == 0 {
		t.Error("expected a warning for the unit without data")
	}
}
