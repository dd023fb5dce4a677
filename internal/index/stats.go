package index

import (
	"math"
)

// present reports whether v is an observed value (NaN marks missing).
func present(v float64) bool { return !math.IsNaN(v) }

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// sampleSD is the n−1 standard deviation; NaN below two values.
func sampleSD(xs []float64) float64 {
	n := len(xs)
	if n < 2 {
		return math.NaN()
	}
	m := mean(xs)
	ss := 0.0
	for _, x := range xs {
		d := x - m
		ss += d * d
	}
	return math.Sqrt(ss / float64(n-1))
}

// skewKurt returns the sample skewness and excess kurtosis as Excel's SKEW
// and KURT compute them (the adjusted Fisher–Pearson G1 and G2, also
// e1071::skewness/kurtosis type 2):
//
//	G1 = n² / ((n−1)(n−2)) · m3 / s³
//	G2 = n(n+1) / ((n−1)(n−2)(n−3)) · Σ((x−x̄)/s)⁴ − 3(n−1)² / ((n−2)(n−3))
//
// with m3 = Σ(x−x̄)³/n and s the n−1 standard deviation. Skewness needs
// n ≥ 3 and kurtosis n ≥ 4; both need s > 0; otherwise NaN. A normal
// sample has G2 ≈ 0, so the Handbook's "kurtosis > 3.5" is on the excess scale.
func skewKurt(xs []float64) (skew, kurt float64) {
	n := float64(len(xs))
	skew, kurt = math.NaN(), math.NaN()
	if len(xs) < 3 {
		return
	}
	m := mean(xs)
	var s2, s3, s4 float64
	for _, x := range xs {
		d := x - m
		d2 := d * d
		s2 += d2
		s3 += d2 * d
		s4 += d2 * d2
	}
	sd := math.Sqrt(s2 / (n - 1))
	// A spread this small relative to the level is rounding noise, not data.
	if sd == 0 || sd <= 1e-12*math.Abs(m) {
		return
	}
	m3 := s3 / n
	skew = n * n / ((n - 1) * (n - 2)) * m3 / (sd * sd * sd)
	if len(xs) < 4 {
		return
	}
	sd4 := sd * sd * sd * sd
	kurt = n*(n+1)/((n-1)*(n-2)*(n-3))*s4/sd4 - 3*(n-1)*(n-1)/((n-2)*(n-3))
	return
}

// scratch is working memory re-used across the indicators of one run.
type scratch struct {
	idx  []int
	vals []float64
}

// matrix allocates rows×cols floats in one block.
func matrix(rows, cols int) [][]float64 {
	flat := make([]float64, rows*cols)
	m := make([][]float64, rows)
	for i := range m {
		m[i] = flat[i*cols : (i+1)*cols : (i+1)*cols]
	}
	return m
}
