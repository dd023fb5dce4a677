package index

import (
	"math"
	"testing"

	"github.com/cifra-health/cifra/internal/stats"
)

func TestSkewKurt(t *testing.T) {
	tests := []struct {
		name       string
		xs         []float64
		skew, kurt float64
	}{
		// 1,2,3,4,10: mean 4, d = −3,−2,−1,0,6; Σd² = 50, s² = 12.5;
		// Σd³ = 180, m3 = 36; G1 = 25/12 · 36/12.5^1.5 = 1.6970562748.
		// Σd⁴ = 1394; Σ(d/s)⁴ = 1394/156.25 = 8.9216;
		// G2 = 30/24 · 8.9216 − 3·16/6 = 11.152 − 8 = 3.152 (Excel KURT 3.152).
		{"right tail", []float64{1, 2, 3, 4, 10}, 1.697056274847714, 3.152},
		// Symmetric: Σd³ = 0. 1,2,3,4: s² = 5/3, Σd⁴ = 2·(1.5⁴+0.5⁴) = 10.25,
		// Σ(d/s)⁴ = 10.25·9/25 = 3.69; G2 = 20/6·3.69 − 27/2 = 12.3 − 13.5 = −1.2.
		{"symmetric", []float64{1, 2, 3, 4}, 0, -1.2},
		// 1,2,6: mean 3, d = −2,−1,3; s² = 14/2 = 7; Σd³ = 18, m3 = 6;
		// G1 = 9/2 · 6/7^1.5 = 27/7^1.5.
		{"three values: no kurtosis", []float64{1, 2, 6}, 27 / math.Pow(7, 1.5), nan},
		{"constant", []float64{5, 5, 5, 5}, nan, nan},
		{"too few", []float64{1, 2}, nan, nan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, k := skewKurt(tt.xs)
			assertFloat(t, "skew", s, tt.skew)
			assertFloat(t, "kurt", k, tt.kurt)
		})
	}
}

func TestMedianMeanSD(t *testing.T) {
	assertFloat(t, "median odd", stats.Median([]float64{5, 1, 3}), 3)
	assertFloat(t, "median even", stats.Median([]float64{6, 1, 5, 20}), 5.5)
	assertFloat(t, "mean", mean([]float64{1, 5, 6, 20}), 8)
	// 2,4,4,6,10: mean 5.2, Σd² = 36.8, s² = 9.2.
	assertFloat(t, "sd", sampleSD([]float64{2, 4, 4, 6, 10}), math.Sqrt(9.2))
	if !math.IsNaN(stats.Median(nil)) || !math.IsNaN(mean(nil)) || !math.IsNaN(sampleSD([]float64{1})) {
		t.Error("empty statistics should be NaN")
	}
}
