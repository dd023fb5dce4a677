package index

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// ratioScale methods compare values with fixed external numbers (targets,
// goalposts, a reference unit, zero), so they need values in the indicator's
// own units: the pipeline feeds them untransformed values when the outlier
// step log-transformed an indicator.
func ratioScale(m NormaliseMethod) bool {
	switch m {
	case NormDistanceRef, NormDistanceTarget, NormFractionMax, NormGoalposts:
		return true
	}
	return false
}

// relative methods compare units with each other, so an indicator without
// spread gives them nothing to compare: NormaliseConfig.Constant decides.
func relative(m NormaliseMethod) bool {
	switch m {
	case NormMinMax, NormDistanceMax, NormZScore, NormRank, NormPercentileRank, NormBorda:
		return true
	}
	return false
}

// normalise maps one indicator's values (NaN = missing or screened, no part
// in any statistic) so that a higher result is always better:
//
//   - minmax, distance_to_max: (v−min)/(max−min) scaled to Range, with
//     v = x for higher-is-better and v = −x for lower-is-better (the two
//     methods coincide: 1 − (max−v)/(max−min) = (v−min)/(max−min)).
//   - zscore: (v−mean)/sd·Scale + Centre (defaults 10 and 100), sd the n−1
//     standard deviation.
//   - rank: 1 = worst … n = best, ties get their average rank.
//   - percentile_rank: (units strictly worse + ½·(other units tied)) / (n−1),
//     i.e. (rank−1)/(n−1), 0 for the worst and 1 for the best, scaled to Range.
//   - borda: number of units strictly beaten (0 … n−1).
//   - distance_to_ref: x/x_ref·100, or x_ref/x·100 for lower-is-better;
//     needs x_ref > 0 (and x > 0 for lower-is-better).
//   - distance_to_target: min(x/target, 1), or min(target/x, 1) for
//     lower-is-better (x ≤ 0 counts as reaching the target), clipped at 0 and
//     scaled to Range; target must be set and positive.
//   - fraction_of_max: x/max; lower-is-better indicators are first mirrored
//     within their range (x → max+min−x), so the best unit gets 1 and the
//     worst min/max. Clipped to [0, 1], scaled to Range; needs max > 0.
//   - goalposts: (x−lo)/(hi−lo), or (hi−x)/(hi−lo) for lower-is-better,
//     clipped to [0, 1] and scaled to Range.
//
// constant reports that every value was equal. For the relative methods
// cfg.Constant then decides: missing leaves every value NaN, midpoint gives
// the middle of the method's scale (the middle of Range, Centre, the average
// rank (n+1)/2, (n−1)/2 units beaten). The other methods compare with fixed
// numbers and keep their values. The result goes to out (len(x)); sc may be nil.
func normalise(out, x []float64, ind Indicator, cfg NormaliseConfig, method NormaliseMethod, refUnit int, unitIDs []string, sc *scratch) (warnings []string, constant bool, err error) {
	if sc == nil {
		sc = &scratch{}
	}
	idx := sc.idx[:0]
	defer func() { sc.idx = idx }()
	for u, v := range x {
		out[u] = math.NaN()
		if present(v) {
			idx = append(idx, u)
		}
	}
	if len(idx) == 0 {
		return nil, false, nil
	}
	lo, hi := cfg.Range[0], cfg.Range[1]
	scaled := func(p float64) float64 { return lo + p*(hi-lo) }
	dir := float64(ind.Direction)
	better := func(u int) float64 { return dir * x[u] } // higher = better
	warn := func(format string, a ...any) {
		warnings = append(warnings, fmt.Sprintf("indicator %q: ", ind.ID)+fmt.Sprintf(format, a...))
	}
	vmin, vmax := math.Inf(1), math.Inf(-1) // of better(u)
	xmin, xmax := math.Inf(1), math.Inf(-1) // of x
	for _, u := range idx {
		vmin, vmax = min(vmin, better(u)), max(vmax, better(u))
		xmin, xmax = min(xmin, x[u]), max(xmax, x[u])
	}
	if vmax == vmin {
		constant = true
		if relative(method) {
			if cfg.Constant == ConstantMidpoint {
				warn("all %d values are equal (%g): constant rule midpoint gives everyone the middle of the %s scale", len(idx), xmin, method)
				n := float64(len(idx))
				mid := map[NormaliseMethod]float64{NormZScore: *cfg.Centre, NormRank: (n + 1) / 2, NormBorda: (n - 1) / 2}
				v, ok := mid[method]
				if !ok {
					v = scaled(0.5)
				}
				for _, u := range idx {
					out[u] = v
				}
			} else {
				warn("all %d values are equal (%g): constant rule missing leaves the indicator without a value, so it drops out of its parent", len(idx), xmin)
			}
			return warnings, true, nil
		}
		warn("all %d values are equal (%g)", len(idx), xmin)
	}

	switch method {
	case NormMinMax, NormDistanceMax:
		for _, u := range idx {
			out[u] = scaled((better(u) - vmin) / (vmax - vmin))
		}

	case NormZScore:
		vs := sc.vals[:0]
		for _, u := range idx {
			vs = append(vs, better(u))
		}
		sc.vals = vs
		m, sd := mean(vs), sampleSD(vs)
		if !(sd > 0) {
			// One unit, or a spread lost in rounding: no one differs.
			sd = math.Inf(1)
		}
		for k, u := range idx {
			out[u] = (vs[k]-m)/sd*cfg.Scale + *cfg.Centre
		}

	case NormRank, NormPercentileRank, NormBorda:
		rank, below := avgRanks(idx, better)
		n := float64(len(idx))
		for k, u := range idx {
			switch method {
			case NormRank:
				out[u] = rank[k]
			case NormBorda:
				out[u] = float64(below[k])
			default:
				p := 0.5
				if n > 1 {
					p = (rank[k] - 1) / (n - 1)
				}
				out[u] = scaled(p)
			}
		}

	case NormDistanceRef:
		if refUnit < 0 {
			return nil, false, fmt.Errorf("indicator %q: distance_to_ref needs normalise.reference (a unit id)", ind.ID)
		}
		ref := x[refUnit]
		if !present(ref) {
			return nil, false, fmt.Errorf("indicator %q: reference unit %q has no value (missing or screened out); distance_to_ref needs one", ind.ID, unitIDs[refUnit])
		}
		if ref <= 0 {
			return nil, false, fmt.Errorf("indicator %q: reference unit %q has value %g; distance_to_ref needs a positive reference value", ind.ID, unitIDs[refUnit], ref)
		}
		for _, u := range idx {
			if ind.Direction == HigherIsBetter {
				out[u] = x[u] / ref * 100
				continue
			}
			if x[u] <= 0 {
				return nil, false, fmt.Errorf("indicator %q (lower is better): unit %q has value %g; distance_to_ref divides by it, choose another method", ind.ID, unitIDs[u], x[u])
			}
			out[u] = ref / x[u] * 100
		}

	case NormDistanceTarget:
		if ind.Target == nil {
			return nil, false, fmt.Errorf("indicator %q: distance_to_target needs a target", ind.ID)
		}
		t := *ind.Target
		if !(t > 0) {
			return nil, false, fmt.Errorf("indicator %q: distance_to_target needs a positive target, got %g", ind.ID, t)
		}
		for _, u := range idx {
			var p float64
			switch {
			case ind.Direction == HigherIsBetter:
				p = x[u] / t
			case x[u] <= 0:
				p = 1
			default:
				p = t / x[u]
			}
			out[u] = scaled(clamp01(p))
		}

	case NormFractionMax:
		if !(xmax > 0) {
			return nil, false, fmt.Errorf("indicator %q: fraction_of_max needs a positive maximum, got %g", ind.ID, xmax)
		}
		for _, u := range idx {
			v := x[u]
			if ind.Direction == LowerIsBetter {
				v = xmax + xmin - v
			}
			out[u] = scaled(clamp01(v / xmax))
		}

	case NormGoalposts:
		gp, ok := cfg.Goalposts[ind.ID]
		if !ok {
			return nil, false, fmt.Errorf("indicator %q: goalposts normalisation but no goalposts for it", ind.ID)
		}
		glo, ghi := gp[0], gp[1]
		if !(glo < ghi) {
			return nil, false, fmt.Errorf("indicator %q: goalposts must be [low, high] with low < high, got [%g, %g]", ind.ID, glo, ghi)
		}
		for _, u := range idx {
			p := (x[u] - glo) / (ghi - glo)
			if ind.Direction == LowerIsBetter {
				p = (ghi - x[u]) / (ghi - glo)
			}
			out[u] = scaled(clamp01(p))
		}

	default:
		return nil, false, fmt.Errorf("indicator %q: unknown normalisation %q", ind.ID, method)
	}
	return warnings, constant, nil
}

// avgRanks ranks the units idx by key ascending: rank[k] is the 1-based rank
// of idx[k] with ties averaged, below[k] the number of units strictly lower.
func avgRanks(idx []int, key func(int) float64) (rank []float64, below []int) {
	n := len(idx)
	pos := make([]int, n) // positions into idx, sorted by key
	for k := range pos {
		pos[k] = k
	}
	slices.SortFunc(pos, func(a, b int) int { return cmp.Compare(key(idx[a]), key(idx[b])) })
	rank = make([]float64, n)
	below = make([]int, n)
	for i := 0; i < n; {
		j := i
		for j+1 < n && key(idx[pos[j+1]]) == key(idx[pos[i]]) {
			j++
		}
		avg := float64(i+j)/2 + 1 // mean of 1-based ranks i+1 … j+1
		for k := i; k <= j; k++ {
			rank[pos[k]] = avg
			below[pos[k]] = i
		}
		i = j + 1
	}
	return rank, below
}

func clamp01(p float64) float64 { return min(max(p, 0), 1) }
