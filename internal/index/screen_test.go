package index

import (
	"slices"
	"testing"
)

func TestScreen(t *testing.T) {
	// Three indicators in the tree, "extra" outside it (ignored by screening).
	in := &Input{
		Units:      units(5),
		Indicators: hib("a", "b", "c", "extra"),
		Values: [][]float64{
			{1, 2, 3, 1000, nan},
			{1, 2, nan, nan, nan},
			{1, nan, nan, nan, 4},
			{nan, nan, nan, nan, nan},
		},
		Tree: flatTree("a", "b", "c"),
		Config: Config{
			Screen: ScreenConfig{MinAvailability: 0.6},
			Impute: ImputeConfig{Method: ImputeMean},
		},
	}
	// Availability over a, b, c: u0 3/3, u1 2/3 = 0.667, u2 1/3, u3 1/3, u4 1/3.
	r := mustRun(t, in)
	wantScreened := []bool{false, false, true, true, true}
	if !slices.Equal(r.Screened, wantScreened) {
		t.Fatalf("Screened = %v, want %v", r.Screened, wantScreened)
	}
	// Indicator a over kept units u0 = 1, u1 = 2 only: u3's 1000 must not
	// stretch the range. minmax → 0, 100.
	assertFloats(t, "a normalised", r.Indicators[0].Normalised, []float64{0, 100, nan, nan, nan})
	// c, screening first: u1 imputed with the mean over the kept units,
	// u0's 1 alone (u4's 4 is screened out), so c is constant among them
	// and, by the default constant rule, has no value: scores are the mean
	// of a and b, u0 (0+0)/2 = 0, u1 (100+100)/2 = 100.
	assertFloats(t, "c imputed", r.Indicators[2].Imputed, []float64{1, 1, nan, nan, 4})
	assertFloats(t, "c normalised", r.Indicators[2].Normalised, []float64{nan, nan, nan, nan, nan})
	if !r.Indicators[2].Constant {
		t.Error("c not reported constant")
	}
	assertFloats(t, "score", r.Score, []float64{0, 100, nan, nan, nan})
	if !slices.Equal(r.Rank, []int{2, 1, 0, 0, 0}) {
		t.Errorf("Rank = %v", r.Rank)
	}
	// Imputing first, every unit's observed values feed the mean:
	// mean(1, 4) = 2.5 for u1 (and the screened units), then minmax over
	// u0 = 1, u1 = 2.5 → 0, 100.
	in.Config.Order = ImputeThenScreen
	r = mustRun(t, in)
	assertFloats(t, "c imputed first", r.Indicators[2].Imputed, []float64{1, 2.5, 2.5, 2.5, 4})
	assertFloats(t, "c normalised", r.Indicators[2].Normalised, []float64{0, 100, nan, nan, nan})
	for u := 2; u < 5; u++ {
		if !closeTo(r.Score[u], nan) || r.Grade[u] != "" || r.GroupRank[u] != 0 {
			t.Errorf("screened unit %d: score %v grade %q group rank %d", u, r.Score[u], r.Grade[u], r.GroupRank[u])
		}
	}
}

func TestScreenThresholdIsExact(t *testing.T) {
	// 7 of 10 available with threshold 0.7 must pass (0.7·10 rounds above 7).
	row := make([][]float64, 10)
	used := make([]bool, 10)
	for i := range row {
		row[i] = []float64{1}
		used[i] = true
	}
	row[0][0], row[1][0], row[2][0] = nan, nan, nan
	if screen(row, used, 1, 0.7)[0] {
		t.Error("7/10 screened at 0.7")
	}
	if !screen(row, used, 1, 0.71)[0] {
		t.Error("7/10 kept at 0.71")
	}
}

func TestDenominate(t *testing.T) {
	vals := [][]float64{{10, 20, 30, 40}, {1, 2, 3, 4}}
	pop := []float64{100, 0, nan, 400}
	out := denominate(vals, map[string][]float64{"pop": pop},
		DenominateConfig{By: map[string]string{"a": "pop"}, Scale: 1000},
		map[string]int{"a": 0, "b": 1})
	// 10/100·1000 = 100; zero and missing denominators → missing; 40/400·1000 = 100.
	assertFloats(t, "a", out[0], []float64{100, nan, nan, 100})
	assertFloats(t, "b untouched", out[1], []float64{1, 2, 3, 4})
	if vals[0][0] != 10 {
		t.Error("denominate modified its input")
	}
}
