package index

import (
	"cmp"
	"math"
	"slices"
)

// outlierRule is OutlierConfig resolved for one indicator.
type outlierRule struct {
	enabled    bool
	skew, kurt float64
	maxPoints  int
	second     SecondStep
	lambda     float64
	strict     bool
	combine    bool
}

// fails reports whether skewness s and kurtosis k call for treatment. NaN
// (too few distinct values to estimate them) never does.
func (r outlierRule) fails(s, k float64) bool {
	if r.strict {
		return math.Abs(s) > r.skew && k > r.kurt
	}
	return math.Abs(s) >= r.skew && k >= r.kurt
}

// treatOutliers applies the OECD/JRC Handbook outlier rule as COINr's
// Treat() does by default. Only units with include[u] and an observed value
// take part; the others come back NaN. Skewness and kurtosis are skewKurt's
// Excel-style G1 and G2.
//
// While the indicator fails (see outlierRule.fails) and fewer than
// rule.maxPoints points are clipped, the side of the current skew (high for
// skew ≥ 0) is winsorised one value at a time: every point at the current
// extreme — all of them when several are tied — takes the next value
// inwards, and the count of clipped points is the number of points at the
// cap on each side, ties included, so one step may take it past maxPoints
// (COINr's winsorise). Winsorising stops early when a step would leave a
// single distinct value. If the indicator still fails, the second step is
// applied to the original values (to the winsorised ones with combine),
// and the result kept whether or not it passes.
//
// Ties are clipped together and the units of a tie are listed by id, so the
// result does not depend on the order of the units. The treated values go
// to out (len(x)); sc may be nil.
func treatOutliers(out, x []float64, include []bool, rule outlierRule, unitIDs []string, sc *scratch) Treatment {
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
	if !rule.enabled || !rule.fails(skew, kurt) {
		return t
	}

	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(x[a], x[b]); c != 0 {
			return c
		}
		return cmp.Compare(unitIDs[a], unitIDs[b])
	})
	sorted := vals
	for k, u := range order {
		sorted[k] = x[u]
	}
	n := len(sorted)
	cur := slices.Clone(sorted)
	hi, lo := 0, 0 // points at the cap on each side after the last step there
	s, k := skew, kurt
	for rule.fails(s, k) && hi+lo < rule.maxPoints {
		if s >= 0 {
			top := n - 1 // first position of the tie at the current maximum
			for top > 0 && cur[top-1] == cur[n-1] {
				top--
			}
			if top == 0 || cur[top-1] == cur[0] {
				break // one distinct value would be left
			}
			for j := top; j < n; j++ {
				cur[j] = cur[top-1]
			}
			hi = n - top
		} else {
			bot := 0 // last position of the tie at the current minimum
			for bot < n-1 && cur[bot+1] == cur[0] {
				bot++
			}
			if bot == n-1 || cur[bot+1] == cur[n-1] {
				break
			}
			for j := 0; j <= bot; j++ {
				cur[j] = cur[bot+1]
			}
			lo = bot + 1
		}
		s, k = skewKurt(cur)
	}
	t.Treated = true
	if !rule.fails(s, k) || rule.second == SecondNone {
		for j, u := range order {
			out[u] = cur[j]
		}
		t.Winsorised = winsorisedIDs(order, hi, lo, unitIDs)
		t.WinsorLow, t.WinsorHigh = cur[0], cur[n-1]
		t.SkewAfter, t.KurtAfter = s, k
		if len(t.Winsorised) == 0 {
			t.Treated = false // max_points 0 with no second step
		}
		return t
	}
	base := sorted
	if rule.combine {
		base = cur
		t.Winsorised = winsorisedIDs(order, hi, lo, unitIDs)
		t.WinsorLow, t.WinsorHigh = cur[0], cur[n-1]
	}
	transform(out, order, base, rule, skew)
	t.Transform = rule.second
	t.LogTransformed = rule.second == SecondLog || rule.second == SecondLogMirrored
	t.SkewAfter, t.KurtAfter = skewKurt(valuesAt(out, order))
	return t
}

// winsorisedIDs lists the clipped units, most extreme first on each side,
// high side first.
func winsorisedIDs(order []int, hi, lo int, unitIDs []string) []string {
	var ids []string
	n := len(order)
	for j := n - 1; j >= n-hi; j-- {
		ids = append(ids, unitIDs[order[j]])
	}
	for j := range lo {
		ids = append(ids, unitIDs[order[j]])
	}
	return ids
}

// transform overwrites out at the given units with the second step applied
// to base (sorted ascending, aligned with order). skew is the original
// skewness, which decides the mirroring of log_mirrored. Every transform
// is increasing, so the order of the units is kept.
func transform(out []float64, order []int, base []float64, rule outlierRule, skew float64) {
	lo, hi := base[0], base[len(base)-1]
	off := 0.01 * (hi - lo)
	for j, u := range order {
		v := base[j]
		switch {
		case rule.second == SecondBoxCox:
			v = v - lo + 1
			if rule.lambda == 0 {
				out[u] = math.Log(v)
			} else {
				out[u] = (math.Pow(v, rule.lambda) - 1) / rule.lambda
			}
		case rule.second == SecondLogMirrored && skew < 0:
			out[u] = -math.Log(hi - v + off)
		default:
			out[u] = math.Log(v - lo + off)
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
