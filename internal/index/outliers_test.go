package index

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestTreatOutliers(t *testing.T) {
	ids := []string{"u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "u10", "u11", "u12", "u13", "u14", "u15", "u16"}
	on := OutlierConfig{Enabled: true, Skewness: 2, Kurtosis: 3.5, MaxPoints: 5}
	one := on
	one.MaxPoints = 1

	// A = 1…9, 100: mean 14.5, Σd² = 16365/2, s² = 5455/6, Σd³ = 615600,
	// Σd⁴ = 428370069/8 → G1 = 100/72 · 61560/s³ = 3.1188957452,
	// G2 = 110/504 · Σd⁴/s⁴ − 243/56 = 9.7992447162. Both above.
	// Winsorise 100 → 9: 1…9, 9: mean 5.4, Σd² = 372/5, s² = 124/15,
	// Σd³ = −648/25 → G1 = −0.1514631071; G2 = −1.3569849116. Done: 1 point.
	a := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 100}
	// B = 100 − A mirrors A: skew −3.1188957452; the low point 0 → 91.
	b := []float64{99, 98, 97, 96, 95, 94, 93, 92, 91, 0}
	// X = 1…12, 90, 100: mean 134/7, s² = 95338/91 → G1 = 2.2619748136,
	// G2 = 3.7851231556. One point (100 → 90) gives G1 = 2.2380632860,
	// G2 = 3.6299473574: still both above, and max_points is 1 → log:
	// log(x − 1 + 0.01·99) = log(x − 0.01); skew of the logs 0.7798456377.
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 90, 100}
	// With 5 points allowed X needs two: 90, 100 → 12 (1…12, 12, 12).
	// Y = 100 − X: negative skew, log mirrored: −log(99 − y + 0.99).
	// COINr's log_CT does not mirror: log(y − 0 + 0.99), skew −2.8621687472.
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = 100 - v
	}
	mirrored := one
	mirrored.Second = SecondLogMirrored
	// Box-Cox λ = ½ with COINr's shift x − min + 1 = x: 2(√x − 1), skew
	// 1.9706762287.
	half := 0.5
	boxcox := one
	boxcox.Second, boxcox.Lambda = SecondBoxCox, &half
	// No second step keeps the one winsorised point, although X still fails.
	none := one
	none.Second = SecondNone
	// Combined: the log of the winsorised 1…12, 90, 90, log(x − 1 + 0.89),
	// skew 0.6812210476.
	combine := one
	combine.Combine = true
	// T = 1…15, 200, 200 (skew 2.5877032398, kurt 5.3669254250): the tie at
	// 200 is clipped in one step, both points to 15, although that is two
	// points and max_points is 1 (COINr counts the points at the cap after
	// the step); skew after −0.1479077639.
	tie := append([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 200, 200)

	tests := []struct {
		name                   string
		x                      []float64
		cfg                    OutlierConfig
		skewBefore, kurtBefore float64
		skewAfter              float64
		winsorised             []string
		low, high              float64
		log                    bool
		want                   func(v float64) float64 // expected treated value from the original
	}{
		{"one high point", a, on, 3.1188957452, 9.7992447162, -0.1514631071,
			[]string{"u9"}, 1, 9, false, func(v float64) float64 { return min(v, 9) }},
		{"negative skew mirror", b, on, -3.1188957452, 9.7992447162, 0.1514631071,
			[]string{"u9"}, 91, 99, false, func(v float64) float64 { return max(v, 91) }},
		{"two points", x, on, 2.2619748136, 3.7851231556, math.NaN(),
			[]string{"u13", "u12"}, 1, 12, false, func(v float64) float64 { return min(v, 12) }},
		{"log after max points", x, one, 2.2619748136, 3.7851231556, 0.7798456377,
			nil, math.NaN(), math.NaN(), true, func(v float64) float64 { return math.Log(v - 0.01) }},
		{"negative log mirror", y, mirrored, -2.2619748136, 3.7851231556, -0.7798456377,
			nil, math.NaN(), math.NaN(), true, func(v float64) float64 { return -math.Log(99 - v + 0.99) }},
		{"negative log as COINr", y, one, -2.2619748136, 3.7851231556, -2.8621687472,
			nil, math.NaN(), math.NaN(), true, func(v float64) float64 { return math.Log(v + 0.99) }},
		{"box-cox", x, boxcox, 2.2619748136, 3.7851231556, 1.9706762287,
			nil, math.NaN(), math.NaN(), false, func(v float64) float64 { return 2 * (math.Sqrt(v) - 1) }},
		{"no second step", x, none, 2.2619748136, 3.7851231556, 2.2380632860,
			[]string{"u13"}, 1, 90, false, func(v float64) float64 { return min(v, 90) }},
		{"combined", x, combine, 2.2619748136, 3.7851231556, 0.6812210476,
			[]string{"u13"}, 1, 90, true, func(v float64) float64 { return math.Log(min(v, 90) - 1 + 0.89) }},
		{"tie clipped together", tie, one, 2.5877032398, 5.3669254250, -0.1479077639,
			[]string{"u16", "u15"}, 1, 15, false, func(v float64) float64 { return min(v, 15) }},
		{"disabled", a, OutlierConfig{Skewness: 2, Kurtosis: 3.5, MaxPoints: 5}, 3.1188957452, 9.7992447162, 3.1188957452,
			nil, math.NaN(), math.NaN(), false, func(v float64) float64 { return v }},
	}
	const loose = 1e-9
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			include := make([]bool, len(tt.x))
			for i := range include {
				include[i] = true
			}
			out, tr := treat1(tt.x, include, tt.cfg, ids[:len(tt.x)])
			if math.Abs(tr.SkewBefore-tt.skewBefore) > loose || math.Abs(tr.KurtBefore-tt.kurtBefore) > loose {
				t.Errorf("before: skew %.10f kurt %.10f", tr.SkewBefore, tr.KurtBefore)
			}
			if !math.IsNaN(tt.skewAfter) && math.Abs(tr.SkewAfter-tt.skewAfter) > loose {
				t.Errorf("skew after %.10f, want %.10f", tr.SkewAfter, tt.skewAfter)
			}
			if !slices.Equal(tr.Winsorised, tt.winsorised) {
				t.Errorf("winsorised %v, want %v", tr.Winsorised, tt.winsorised)
			}
			if !closeTo(tr.WinsorLow, tt.low) || !closeTo(tr.WinsorHigh, tt.high) {
				t.Errorf("bounds [%g, %g], want [%g, %g]", tr.WinsorLow, tr.WinsorHigh, tt.low, tt.high)
			}
			if tr.LogTransformed != tt.log {
				t.Errorf("log = %v", tr.LogTransformed)
			}
			wantTreated := tt.log || len(tt.winsorised) > 0 || tr.Transform == SecondBoxCox
			if tr.Treated != wantTreated {
				t.Errorf("treated = %v, want %v", tr.Treated, wantTreated)
			}
			want := make([]float64, len(tt.x))
			for i, v := range tt.x {
				want[i] = tt.want(v)
			}
			assertFloats(t, "treated", out, want)
			if tt.log && tt.cfg.Second != "" && math.Abs(tr.KurtAfter) > 3.5 {
				t.Errorf("kurtosis after log %g", tr.KurtAfter)
			}
		})
	}
}

func TestTreatOutliersSkipsExcludedAndMissing(t *testing.T) {
	ids := []string{"u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "u10", "u11"}
	// A with a missing value and an excluded (screened) extreme appended:
	// neither may take part, so the result is the "one high point" case.
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 100, nan, -5000}
	include := []bool{true, true, true, true, true, true, true, true, true, true, true, false}
	out, tr := treat1(x, include, OutlierConfig{Enabled: true, Skewness: 2, Kurtosis: 3.5, MaxPoints: 5}, ids)
	assertFloats(t, "treated", out, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 9, nan, nan})
	if !slices.Equal(tr.Winsorised, []string{"u9"}) {
		t.Errorf("winsorised %v", tr.Winsorised)
	}
}

func TestTreatOutliersInRun(t *testing.T) {
	// The "one high point" series through Run with default thresholds:
	// treated max 9 → minmax (x−1)/8·100, u9 at 100.
	in := &Input{
		Units:      units(10),
		Indicators: hib("a"),
		Values:     [][]float64{{1, 2, 3, 4, 5, 6, 7, 8, 9, 100}},
		Tree:       flatTree("a"),
		Config:     Config{Outliers: OutlierConfig{Enabled: true}},
	}
	r := mustRun(t, in)
	assertFloats(t, "normalised", r.Indicators[0].Normalised,
		[]float64{0, 12.5, 25, 37.5, 50, 62.5, 75, 87.5, 100, 100})
	ex, _ := r.Explain("u9", "n_a")
	if !ex.Winsorised || ex.Raw != 100 || ex.Treated != 9 {
		t.Errorf("explain u9: %+v", ex)
	}
}

func TestTreatOutliersThresholds(t *testing.T) {
	// Limits set to exactly A's own skewness and kurtosis: COINr's
	// inclusive test (|skew| ≥ limit and kurt ≥ limit) treats, the strict
	// one does not.
	a := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 100}
	ids := []string{"u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"}
	s, k := skewKurt(a)
	for _, tt := range []struct {
		th      Thresholds
		treated bool
	}{{ThresholdsInclusive, true}, {"", true}, {ThresholdsStrict, false}} {
		_, tr := treat1(a, allTrue(len(a)), OutlierConfig{Enabled: true, Skewness: s, Kurtosis: k, Thresholds: tt.th}, ids)
		if tr.Treated != tt.treated {
			t.Errorf("thresholds %q: treated %v, want %v", tt.th, tr.Treated, tt.treated)
		}
	}
}

func TestOutlierOverridePerIndicator(t *testing.T) {
	// The same skewed series twice; b's override switches treatment off,
	// so only a is winsorised (100 → 9).
	series := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 100}
	off := false
	in := &Input{
		Units:      units(10),
		Indicators: hib("a", "b"),
		Values:     [][]float64{series, series},
		Tree:       flatTree("a", "b"),
		Config: Config{Outliers: OutlierConfig{Enabled: true,
			Indicators: map[string]OutlierOverride{"b": {Enabled: &off}}}},
	}
	r := mustRun(t, in)
	if r.Indicators[0].Treated[9] != 9 || r.Indicators[1].Treated[9] != 100 {
		t.Errorf("treated u9: a %g, b %g; want 9 and 100", r.Indicators[0].Treated[9], r.Indicators[1].Treated[9])
	}
	in.Config.Outliers.Indicators = map[string]OutlierOverride{"nope": {}}
	if _, err := Run(in); err == nil || !strings.Contains(err.Error(), `unknown indicator "nope"`) {
		t.Errorf("override of an unknown indicator: %v", err)
	}
}
