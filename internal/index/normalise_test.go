package index

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestNormalise(t *testing.T) {
	// x = 2, 4, 4, 6, 10 (a tie at 4) and a missing unit that takes no part.
	x := []float64{2, 4, 4, 6, 10, nan}
	ids := []string{"u0", "u1", "u2", "u3", "u4", "u5"}
	eight, four := 8.0, 4.0
	cfg := NormaliseConfig{
		Range:     [2]float64{0, 100},
		Goalposts: map[string][2]float64{"x": {0, 8}},
		Scale:     10,
	}
	centre := 100.0
	cfg.Centre = &centre
	sd := math.Sqrt(9.2) // mean 5.2, Σd² = 36.8, s² = 36.8/4
	tests := []struct {
		name   string
		method NormaliseMethod
		dir    Direction
		target *float64
		rng    [2]float64
		want   []float64
	}{
		// min 2, max 10: (x−2)/8.
		{"minmax", NormMinMax, HigherIsBetter, nil, [2]float64{}, []float64{0, 25, 25, 50, 100, nan}},
		// (10−x)/8.
		{"minmax lower", NormMinMax, LowerIsBetter, nil, [2]float64{}, []float64{100, 75, 75, 50, 0, nan}},
		// (x−2)/8·99 + 1.
		{"minmax range 1..100", NormMinMax, HigherIsBetter, nil, [2]float64{1, 100}, []float64{1, 25.75, 25.75, 50.5, 100, nan}},
		{"zscore", NormZScore, HigherIsBetter, nil, [2]float64{},
			[]float64{100 - 32/sd, 100 - 12/sd, 100 - 12/sd, 100 + 8/sd, 100 + 48/sd, nan}},
		{"zscore lower", NormZScore, LowerIsBetter, nil, [2]float64{},
			[]float64{100 + 32/sd, 100 + 12/sd, 100 + 12/sd, 100 - 8/sd, 100 - 48/sd, nan}},
		// Ties at 4 share ranks 2 and 3 → 2.5.
		{"rank", NormRank, HigherIsBetter, nil, [2]float64{}, []float64{1, 2.5, 2.5, 4, 5, nan}},
		{"rank lower", NormRank, LowerIsBetter, nil, [2]float64{}, []float64{5, 3.5, 3.5, 2, 1, nan}},
		// (below + ½·other ties)/(n−1): 0/4, (1+0.5)/4, same, 3/4, 4/4.
		{"percentile rank", NormPercentileRank, HigherIsBetter, nil, [2]float64{}, []float64{0, 37.5, 37.5, 75, 100, nan}},
		{"percentile rank lower", NormPercentileRank, LowerIsBetter, nil, [2]float64{}, []float64{100, 62.5, 62.5, 25, 0, nan}},
		// Units strictly beaten.
		{"borda", NormBorda, HigherIsBetter, nil, [2]float64{}, []float64{0, 1, 1, 3, 4, nan}},
		{"borda lower", NormBorda, LowerIsBetter, nil, [2]float64{}, []float64{4, 2, 2, 1, 0, nan}},
		{"distance to max", NormDistanceMax, HigherIsBetter, nil, [2]float64{}, []float64{0, 25, 25, 50, 100, nan}},
		{"distance to max lower", NormDistanceMax, LowerIsBetter, nil, [2]float64{}, []float64{100, 75, 75, 50, 0, nan}},
		// Reference u3 = 6: x/6·100.
		{"distance to ref", NormDistanceRef, HigherIsBetter, nil, [2]float64{}, []float64{100.0 / 3, 200.0 / 3, 200.0 / 3, 100, 500.0 / 3, nan}},
		// 6/x·100.
		{"distance to ref lower", NormDistanceRef, LowerIsBetter, nil, [2]float64{}, []float64{300, 150, 150, 100, 60, nan}},
		// min(x/8, 1).
		{"distance to target", NormDistanceTarget, HigherIsBetter, &eight, [2]float64{}, []float64{25, 50, 50, 75, 100, nan}},
		// min(4/x, 1): 1, 1, 1, 2/3, 0.4.
		{"distance to target lower", NormDistanceTarget, LowerIsBetter, &four, [2]float64{}, []float64{100, 100, 100, 200.0 / 3, 40, nan}},
		// x/10.
		{"fraction of max", NormFractionMax, HigherIsBetter, nil, [2]float64{}, []float64{20, 40, 40, 60, 100, nan}},
		// Mirrored: (10 + 2 − x)/10.
		{"fraction of max lower", NormFractionMax, LowerIsBetter, nil, [2]float64{}, []float64{100, 80, 80, 60, 20, nan}},
		// x/8 clipped: 10 → 1.25 → 1.
		{"goalposts", NormGoalposts, HigherIsBetter, nil, [2]float64{}, []float64{25, 50, 50, 75, 100, nan}},
		// (8−x)/8: 10 → −0.25 → 0.
		{"goalposts lower", NormGoalposts, LowerIsBetter, nil, [2]float64{}, []float64{75, 50, 50, 25, 0, nan}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			if tt.rng != [2]float64{} {
				c.Range = tt.rng
			}
			ind := Indicator{ID: "x", Direction: tt.dir, Target: tt.target}
			got, _, err := norm1(x, ind, c, tt.method, 3, ids)
			if err != nil {
				t.Fatal(err)
			}
			assertFloats(t, string(tt.method), got, tt.want)
		})
	}
}

func TestNormaliseConstant(t *testing.T) {
	cfg := NormaliseConfig{Range: [2]float64{0, 100}, Scale: 10}
	centre := 100.0
	cfg.Centre = &centre
	x := []float64{3, 3, 3}
	ids := []string{"a", "b", "c"}
	// Midpoint: the middle of each scale, for 3 units: range 0–100 → 50,
	// the z centre 100, the average rank (3+1)/2 = 2, (3−1)/2 = 1 beaten.
	for _, tt := range []struct {
		m    NormaliseMethod
		want float64
	}{{NormMinMax, 50}, {NormDistanceMax, 50}, {NormZScore, 100}, {NormRank, 2}, {NormPercentileRank, 50}, {NormBorda, 1}} {
		for _, rule := range []Constant{ConstantMidpoint, ConstantMissing} {
			cfg.Constant = rule
			out := make([]float64, len(x))
			warn, constant, err := normalise(out, x, Indicator{ID: "x", Direction: HigherIsBetter}, cfg, tt.m, -1, ids, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if rule == ConstantMissing {
				want = nan // COINr: 0/0
			}
			assertFloats(t, string(tt.m)+" "+string(rule), out, []float64{want, want, want})
			if !constant || len(warn) != 1 || !strings.Contains(warn[0], string(rule)) {
				t.Errorf("%s %s: constant %v, warnings %q; want constant and one warning naming the rule", tt.m, rule, constant, warn)
			}
		}
	}
	// Methods that compare with fixed numbers keep their values: 3 of
	// goalposts [0, 6] is half way.
	cfg.Goalposts = map[string][2]float64{"x": {0, 6}}
	out := make([]float64, len(x))
	_, constant, err := normalise(out, x, Indicator{ID: "x", Direction: HigherIsBetter}, cfg, NormGoalposts, -1, ids, nil)
	if err != nil || !constant {
		t.Fatalf("goalposts: constant %v, %v", constant, err)
	}
	assertFloats(t, "goalposts", out, []float64{50, 50, 50})
}

func TestConstantIndicatorDropsOut(t *testing.T) {
	// b is constant: with the default rule it has no value, so the index
	// is a alone (siblings re-weighted); with midpoint b adds 50 to each.
	in := &Input{
		Units:      units(3),
		Indicators: hib("a", "b"),
		Values:     [][]float64{{1, 2, 3}, {7, 7, 7}},
		Tree:       flatTree("a", "b"),
	}
	r := mustRun(t, in)
	assertFloats(t, "missing rule", r.Score, []float64{0, 50, 100})
	in.Config.Normalise.Constant = ConstantMidpoint
	r = mustRun(t, in)
	assertFloats(t, "midpoint rule", r.Score, []float64{25, 50, 75})
}

func TestNormaliseErrors(t *testing.T) {
	cfg := NormaliseConfig{Range: [2]float64{0, 100}, Goalposts: map[string][2]float64{"bad": {5, 5}}}
	ids := []string{"a", "b"}
	zero := 0.0
	tests := []struct {
		name   string
		ind    Indicator
		x      []float64
		method NormaliseMethod
		ref    int
		want   string
	}{
		{"no target", Indicator{ID: "t", Direction: 1}, []float64{1, 2}, NormDistanceTarget, -1, `"t": distance_to_target needs a target`},
		{"zero target", Indicator{ID: "t", Direction: 1, Target: &zero}, []float64{1, 2}, NormDistanceTarget, -1, "positive target"},
		{"no goalposts", Indicator{ID: "g", Direction: 1}, []float64{1, 2}, NormGoalposts, -1, `"g": goalposts normalisation but no goalposts`},
		{"empty goalposts", Indicator{ID: "bad", Direction: 1}, []float64{1, 2}, NormGoalposts, -1, "low < high"},
		{"no reference", Indicator{ID: "r", Direction: 1}, []float64{1, 2}, NormDistanceRef, -1, "needs normalise.reference"},
		{"reference missing", Indicator{ID: "r", Direction: 1}, []float64{nan, 2}, NormDistanceRef, 0, `reference unit "a" has no value`},
		{"lower ref zero value", Indicator{ID: "r", Direction: -1}, []float64{1, 0}, NormDistanceRef, 0, `unit "b" has value 0`},
		{"fraction of non-positive max", Indicator{ID: "f", Direction: 1}, []float64{-1, 0}, NormFractionMax, -1, "positive maximum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := norm1(tt.x, tt.ind, cfg, tt.method, tt.ref, ids)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// Rank normalisation only sees order, so a strictly increasing transform of
// the data must not change it.
func TestRankInvariantUnderMonotoneTransform(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cfg := NormaliseConfig{Range: [2]float64{0, 100}}
	ind := Indicator{ID: "x", Direction: HigherIsBetter}
	transforms := []func(float64) float64{
		func(v float64) float64 { return math.Exp(v / 10) },
		func(v float64) float64 { return v*v*v + 3*v },
		func(v float64) float64 { return 5*v - 7 },
	}
	for trial := range 200 {
		n := 2 + rng.IntN(30)
		x := make([]float64, n)
		ids := make([]string, n)
		for i := range x {
			x[i] = math.Round(rng.NormFloat64()*10) / 2 // rounding makes ties
			if rng.IntN(10) == 0 {
				x[i] = nan
			}
		}
		for _, method := range []NormaliseMethod{NormRank, NormPercentileRank, NormBorda} {
			base, _, _ := norm1(x, ind, cfg, method, -1, ids)
			for k, f := range transforms {
				y := make([]float64, n)
				for i, v := range x {
					y[i] = f(v)
				}
				got, _, _ := norm1(y, ind, cfg, method, -1, ids)
				for i := range got {
					if !closeTo(got[i], base[i]) {
						t.Fatalf("trial %d %s transform %d: unit %d %g != %g (x=%v)", trial, method, k, i, got[i], base[i], x)
					}
				}
			}
		}
	}
}

func TestLogTransformedRatioMethodUsesOwnUnits(t *testing.T) {
	// The "log after max points" series: goalposts [0, 100] must see raw
	// values (x/100), not logs.
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 90, 100}
	in := &Input{
		Units:      units(len(x)),
		Indicators: hib("a"),
		Values:     [][]float64{x},
		Tree:       flatTree("a"),
		Config: Config{
			Outliers:  OutlierConfig{Enabled: true, MaxPoints: 1},
			Normalise: NormaliseConfig{Method: NormGoalposts, Goalposts: map[string][2]float64{"a": {0, 100}}},
		},
	}
	r := mustRun(t, in)
	if !r.Indicators[0].Treatment.LogTransformed {
		t.Fatal("expected a log transform")
	}
	assertFloats(t, "normalised", r.Indicators[0].Normalised, x)
	if len(r.Warnings) == 0 {
		t.Error("expected a warning about the unused log transform")
	}
}
