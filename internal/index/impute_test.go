package index

import (
	"slices"
	"testing"
)

func TestImpute(t *testing.T) {
	// Groups: u0–u3 in g1, u4–u5 in g2, u6 alone in g3 (with no value).
	us := units(7, "g1", "g1", "g1", "g1", "g2", "g2", "g3")
	row := []float64{1, nan, 5, 6, 20, nan, nan}
	// Observed: 1, 5, 6, 20 → mean 8, median (5+6)/2 = 5.5.
	// g1 observed 1, 5, 6 → mean 4, median 5; g2 observed 20; g3 none → fallback.
	tests := []struct {
		method ImputeMethod
		want   []float64
	}{
		{ImputeNone, []float64{1, nan, 5, 6, 20, nan, nan}},
		{ImputeMean, []float64{1, 8, 5, 6, 20, 8, 8}},
		{ImputeMedian, []float64{1, 5.5, 5, 6, 20, 5.5, 5.5}},
		{ImputeGroupMean, []float64{1, 4, 5, 6, 20, 20, 8}},
		{ImputeGroupMedian, []float64{1, 5, 5, 6, 20, 20, 5.5}},
	}
	for _, tt := range tests {
		t.Run(string(tt.method), func(t *testing.T) {
			out, was, warn := impute([][]float64{row}, us, []string{"x"}, tt.method)
			assertFloats(t, "imputed", out[0], tt.want)
			wantWas := []bool{false, true, false, false, false, true, true}
			if tt.method == ImputeNone {
				wantWas = make([]bool, 7)
			}
			if !slices.Equal(was[0], wantWas) {
				t.Errorf("was = %v, want %v", was[0], wantWas)
			}
			if len(warn) != 0 {
				t.Errorf("unexpected warnings %v", warn)
			}
			if !closeTo(row[1], nan) {
				t.Error("impute modified its input")
			}
		})
	}
}

func TestImputeAllMissingWarns(t *testing.T) {
	out, was, warn := impute([][]float64{{nan, nan}}, units(2), []string{"x"}, ImputeMean)
	assertFloats(t, "imputed", out[0], []float64{nan, nan})
	if was[0][0] || len(warn) != 1 {
		t.Errorf("was %v, warnings %v; want nothing imputed and one warning", was, warn)
	}
}

func TestRunRecordsImputation(t *testing.T) {
	in := &Input{
		Units:      units(3),
		Indicators: hib("a"),
		Values:     [][]float64{{2, nan, 4}},
		Tree:       flatTree("a"),
		Config:     Config{Impute: ImputeConfig{Method: ImputeMean}},
	}
	r := mustRun(t, in)
	ir := r.Indicators[0]
	// mean(2, 4) = 3; minmax over 2, 3, 4 → 0, 50, 100.
	assertFloats(t, "imputed", ir.Imputed, []float64{2, 3, 4})
	assertFloats(t, "normalised", ir.Normalised, []float64{0, 50, 100})
	if !ir.WasImputed[1] || ir.WasImputed[0] {
		t.Errorf("WasImputed = %v", ir.WasImputed)
	}
	ex, err := r.Explain("u1", "n_a")
	if err != nil || !ex.Imputed || !closeTo(ex.Denominated, nan) || ex.Treated != 3 {
		t.Errorf("Explain = %+v, %v; want imputed 3 from missing", ex, err)
	}
}
