package index

import (
	"cmp"
	"math"
	"slices"
)

// treatOutliers applies the OECD/JRC Handbook outlier rule as COINr does.
// Only units with include[u] and an observed value take part; the others come
// back NaN. Skewness and kurtosis are skewKurt's Excel-style G1 and G2.
//
// An indicator needs treatment while |skew| > cfg.Skewness and
// kurt > cfg.Kurtosis. It is then winsorised one point at a time on the side
// of the current skew: the k most extreme points on that side all take the
// value of the (k+1)-th in sorted order (ties broken by unit order). It stops
// as soon as the rule no longer holds. If it still holds after
// cfg.MaxPoints points, winsorisation is discarded and the original values
// are log-transformed, mirrored for negative skew so that order is kept:
//
//	skew > 0: log(x − min + 0.01·(max − min))
//	skew < 0: −log(max − x + 0.01·(max − min))
//
// The treated values go to out (len(x)); sc may be nil.
func treatOutliers(out, x []float64, include []bool, cfg OutlierConfig, unitIDs []string, sc *scratch) Treatment {
	if sc == nil {
		sc = &scratch{}
	}
	order, vals := sc.idx[:0], sc.vals[:0] // units taking part and their values
	defer func() { sc.idx, sc.vals = order, vals }()
	for u, v := range x {
		if include[u] && present(v) {
			out[u] = v
			order = append(order, u)
			vals = append(vals, v)
		} else {
			out[u] = math.NaN()
		}
	}
	skew, kurt := skewKurt(vals)
	t := Treatment{
		SkewBefore: skew, KurtBefore: kurt, SkewAfter: skew, KurtAfter: kurt,
		WinsorLow: math.NaN(), WinsorHigh: math.NaN(),
	}
	needs := func(s, k float64) bool { return math.Abs(s) > cfg.Skewness && k > cfg.Kurtosis }
	if !cfg.Enabled || !needs(skew, kurt) {
		return t
	}

	// Sort by value, ties by unit order, so the clipped units are
	// deterministic.
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(x[a], x[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	sorted := vals
	for k, u := range order {
		sorted[k] = x[u]
	}
	n := len(sorted)
	cur := slices.Clone(sorted)
	hi, lo := 0, 0 // points winsorised on each side
	s, k := skew, kurt
	for needs(s, k) {
		// Keep at least two distinct positions unclipped; past that the
		// series has no shape left to winsorise.
		if hi+lo >= cfg.MaxPoints || hi+lo+2 >= n {
			logTransform(out, order, sorted, skew)
			t.LogTransformed, t.Treated = true, true
			t.SkewAfter, t.KurtAfter = skewKurt(valuesAt(out, order))
			return t
		}
		if s > 0 {
			hi++
			for j := n - hi; j < n; j++ {
				cur[j] = sorted[n-1-hi]
			}
		} else {
			lo++
			for j := range lo {
				cur[j] = sorted[lo]
			}
		}
		s, k = skewKurt(cur)
	}
	for j, u := range order {
		out[u] = cur[j]
	}
	// Most extreme first on each side.
	for j := n - 1; j >= n-hi; j-- {
		t.Winsorised = append(t.Winsorised, unitIDs[order[j]])
	}
	for j := range lo {
		t.Winsorised = append(t.Winsorised, unitIDs[order[j]])
	}
	t.WinsorLow, t.WinsorHigh = cur[0], cur[n-1]
	t.SkewAfter, t.KurtAfter = s, k
	t.Treated = true
	return t
}

// logTransform overwrites out at the given units with the (mirrored) log of
// the original sorted values.
func logTransform(out []float64, order []int, sorted []float64, skew float64) {
	lo, hi := sorted[0], sorted[len(sorted)-1]
	if hi == lo {
		return
	}
	off := 0.01 * (hi - lo)
	for j, u := range order {
		if skew > 0 {
			out[u] = math.Log(sorted[j] - lo + off)
		} else {
			out[u] = -math.Log(hi - sorted[j] + off)
		}
	}
}

func valuesAt(x []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, u := range idx {
		out[k] = x[u]
	}
	return out
}
