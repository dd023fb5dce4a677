package index

import (
	"slices"
	"strings"
	"testing"
)

func allTrue(n int) []bool {
	b := make([]bool, n)
	for i := range b {
		b[i] = true
	}
	return b
}

func TestImpute(t *testing.T) {
	// Groups: u0–u3 in g1, u4–u5 in g2, u6 alone in g3 (with no value).
	us := units(7, "g1", "g1", "g1", "g1", "g2", "g2", "g3")
	row := []float64{1, nan, 5, 6, 20, nan, nan}
	// Observed: 1, 5, 6, 20 → mean 8, median (5+6)/2 = 5.5.
	// g1 observed 1, 5, 6 → mean 4, median 5; g2 observed 20; g3 none.
	tests := []struct {
		cfg      ImputeConfig
		want     []float64
		wantWas  []bool
		warnings int
	}{
		{ImputeConfig{Method: ImputeNone}, []float64{1, nan, 5, 6, 20, nan, nan}, make([]bool, 7), 0},
		{ImputeConfig{Method: ImputeMean}, []float64{1, 8, 5, 6, 20, 8, 8}, []bool{false, true, false, false, false, true, true}, 0},
		{ImputeConfig{Method: ImputeMedian}, []float64{1, 5.5, 5, 6, 20, 5.5, 5.5}, []bool{false, true, false, false, false, true, true}, 0},
		// g3 has nothing to impute from: COINr leaves it missing, and says so.
		{ImputeConfig{Method: ImputeGroupMean, EmptyGroup: EmptyGroupMissing}, []float64{1, 4, 5, 6, 20, 20, nan}, []bool{false, true, false, false, false, true, false}, 1},
		{ImputeConfig{Method: ImputeGroupMedian, EmptyGroup: EmptyGroupMissing}, []float64{1, 5, 5, 6, 20, 20, nan}, []bool{false, true, false, false, false, true, false}, 1},
		{ImputeConfig{Method: ImputeGroupMean, EmptyGroup: EmptyGroupAllUnits}, []float64{1, 4, 5, 6, 20, 20, 8}, []bool{false, true, false, false, false, true, true}, 1},
		{ImputeConfig{Method: ImputeGroupMedian, EmptyGroup: EmptyGroupAllUnits}, []float64{1, 5, 5, 6, 20, 20, 5.5}, []bool{false, true, false, false, false, true, true}, 1},
	}
	for _, tt := range tests {
		t.Run(string(tt.cfg.Method)+"/"+string(tt.cfg.EmptyGroup), func(t *testing.T) {
			out, was, warn := impute([][]float64{row}, allTrue(7), newGrouping(us, ""), tt.cfg, []string{"x"})
			assertFloats(t, "imputed", out[0], tt.want)
			if !slices.Equal(was[0], tt.wantWas) {
				t.Errorf("was = %v, want %v", was[0], tt.wantWas)
			}
			if len(warn) != tt.warnings {
				t.Errorf("warnings %q, want %d", warn, tt.warnings)
			}
			for _, w := range warn {
				if !strings.Contains(w, `group "g3"`) || !strings.Contains(w, `"x"`) {
					t.Errorf("warning %q does not name the empty group and the indicator", w)
				}
			}
			if !closeTo(row[1], nan) {
				t.Error("impute modified its input")
			}
		})
	}
}

func TestImputeByAttribute(t *testing.T) {
	// Groups by "income", not by Unit.Group: u0, u2 high; u1, u3, u4 low;
	// u5 has no income. Values: high 10, 30 (mean 20); low 1, 2 (mean 1.5).
	us := units(6, "a", "a", "a", "b", "b", "b")
	for u, v := range []string{"high", "low", "high", "low", "low", ""} {
		if v != "" {
			us[u].Attributes = map[string]string{"income": v}
		}
	}
	row := []float64{10, 1, 30, nan, 2, nan}
	out, _, warn := impute([][]float64{row}, allTrue(6), newGrouping(us, "income"),
		ImputeConfig{Method: ImputeGroupMean, GroupBy: "income", EmptyGroup: EmptyGroupMissing}, []string{"x"})
	// u3 (low) gets 1.5; u5, without an income, stays missing.
	assertFloats(t, "imputed", out[0], []float64{10, 1, 30, 1.5, 2, nan})
	joined := strings.Join(warn, "\n")
	for _, want := range []string{"1 of the units have no value", "u5", "units without attribute \"income\""} {
		if !strings.Contains(joined, want) {
			t.Errorf("warnings %q lack %q", warn, want)
		}
	}
}

func TestImputeOneGroupWarns(t *testing.T) {
	us := units(3) // all in "g"
	out, _, warn := impute([][]float64{{1, nan, 3}}, allTrue(3), newGrouping(us, ""),
		ImputeConfig{Method: ImputeGroupMean, EmptyGroup: EmptyGroupMissing}, []string{"x"})
	assertFloats(t, "imputed", out[0], []float64{1, 2, 3})
	if len(warn) != 1 || !strings.Contains(warn[0], "one group") {
		t.Errorf("warnings %q, want one saying there is one group", warn)
	}
}

func TestImputeMaskExcludesUnits(t *testing.T) {
	// u3 is screened out (include false): its 100 must not enter the mean,
	// and its own missing value... it has one, and it stays missing.
	row := []float64{2, nan, 4, 100, nan}
	include := []bool{true, true, true, false, false}
	out, was, _ := impute([][]float64{row}, include, nil, ImputeConfig{Method: ImputeMean}, []string{"x"})
	assertFloats(t, "imputed", out[0], []float64{2, 3, 4, 100, nan})
	if !slices.Equal(was[0], []bool{false, true, false, false, false}) {
		t.Errorf("was = %v", was[0])
	}
}

func TestImputeAllMissingWarns(t *testing.T) {
	out, was, warn := impute([][]float64{{nan, nan}}, allTrue(2), nil, ImputeConfig{Method: ImputeMean}, []string{"x"})
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

// TestScreeningOrder: with screening first (the default) a screened unit's
// observed values do not feed the imputation of the others.
func TestScreeningOrder(t *testing.T) {
	// u3 has one value of three, below min_availability 0.6: screened; u1
	// has two of three and stays. Indicator a: u0 2, u1 missing, u2 4, u3
	// 100; b and c are complete except for u3.
	in := &Input{
		Units:      units(4),
		Indicators: hib("a", "b", "c"),
		Values:     [][]float64{{2, nan, 4, 100}, {1, 2, 3, nan}, {5, 6, 7, nan}},
		Tree:       flatTree("a", "b", "c"),
		Config: Config{
			Impute: ImputeConfig{Method: ImputeMean},
			Screen: ScreenConfig{MinAvailability: 0.6},
		},
	}
	for _, tt := range []struct {
		order Order
		u1    float64 // imputed value of a for u1
	}{
		{"", 3},                       // mean(2, 4): the default is screen first
		{ScreenThenImpute, 3},         // the same, written out
		{ImputeThenScreen, 106 / 3.0}, // mean(2, 4, 100)
	} {
		in.Config.Order = tt.order
		r := mustRun(t, in)
		if !r.Screened[3] || r.Screened[1] {
			t.Fatalf("%s: screened %v", tt.order, r.Screened)
		}
		assertFloat(t, string(tt.order)+" imputed u1", r.Indicators[0].Imputed[1], tt.u1)
		want := tt.order
		if want == "" {
			want = ScreenThenImpute
		}
		if r.Order != want {
			t.Errorf("result order %q, want %q", r.Order, want)
		}
	}
}
